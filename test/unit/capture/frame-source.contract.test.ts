/** Runs the one FrameSource contract against every file-replay source. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImageFolderSource } from '../../../src/capture/image-folder.ts';
import { VideoFileSource } from '../../../src/capture/video-file.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import {
  liveChildrenMentioning,
  makeAudioOnly,
  makeTestVideo,
  tempDir,
  writeGarbage,
  writePng,
} from './capture-test-inputs.ts';
import { describeFrameSourceContract } from './frame-source-contract.ts';

const idle = { clock: new ManualClock(0) };

let videoDir = '';
describeFrameSourceContract({
  name: 'VideoFileSource',
  setup: () => {
    videoDir = tempDir('video-contract');
    makeTestVideo(join(videoDir, 'clip.mp4'), { width: 160, height: 120, fps: 10, seconds: 1 });
    makeAudioOnly(join(videoDir, 'audio.wav'));
    writeGarbage(join(videoDir, 'garbage.mp4'));
    return Promise.resolve();
  },
  expected: () => ({ width: 160, height: 120, frameCount: 10, fps: 10 }),
  make: ({ replay, loop, deps }) =>
    new VideoFileSource({ type: 'video-file', id: 'vid', path: join(videoDir, 'clip.mp4'), replay, loop }, deps),
  broken: () =>
    (
      [
        ['missing file', 'missing.mp4'],
        ['corrupt file', 'garbage.mp4'],
        ['file without video', 'audio.wav'],
      ] as const
    ).map(([what, name]) => ({
      what,
      source: new VideoFileSource({ type: 'video-file', id: 'bad', path: join(videoDir, name), replay: 'fast', loop: false }, idle),
      code: 'VIDEO_UNREADABLE',
      mentions: join(videoDir, name),
    })),
  liveProcesses: () => liveChildrenMentioning(videoDir),
});

let imageDir = '';
let brokenDir = '';
describeFrameSourceContract({
  name: 'ImageFolderSource',
  setup: async () => {
    imageDir = tempDir('image-contract');
    // Natural order: frame-2 before frame-10; the shade encodes the expected position.
    const names = ['frame-1.png', 'frame-2.png', 'frame-3.png', 'frame-4.png', 'frame-10.png', 'frame-11.png'];
    await Promise.all(names.map((n, i) => writePng(join(imageDir, n), 40, 30, 20 + i * 30)));
    writeFileSync(join(imageDir, 'notes.txt'), 'not an image');
    brokenDir = tempDir('image-broken');
    mkdirSync(join(brokenDir, 'empty'));
    mkdirSync(join(brokenDir, 'corrupt'));
    await writePng(join(brokenDir, 'corrupt', 'a.png'), 40, 30, 10);
    writeGarbage(join(brokenDir, 'corrupt', 'b.png'));
  },
  expected: () => ({ width: 40, height: 30, frameCount: 6, fps: 5 }),
  make: ({ replay, loop, deps }) =>
    new ImageFolderSource({ type: 'image-folder', id: 'img', path: imageDir, replay, fps: 5, loop }, deps),
  broken: () => {
    const folder = (what: string, path: string, code: 'SOURCE_FAILED' | 'IMAGE_UNREADABLE', mentions: string) => ({
      what,
      source: new ImageFolderSource({ type: 'image-folder', id: 'bad', path, replay: 'fast', fps: 5, loop: false }, idle),
      code,
      mentions,
    });
    return [
      folder('missing folder', join(brokenDir, 'missing'), 'SOURCE_FAILED', join(brokenDir, 'missing')),
      folder('empty folder', join(brokenDir, 'empty'), 'SOURCE_FAILED', join(brokenDir, 'empty')),
      folder('corrupt image', join(brokenDir, 'corrupt'), 'IMAGE_UNREADABLE', join(brokenDir, 'corrupt', 'b.png')),
    ];
  },
  liveProcesses: () => [],
});
