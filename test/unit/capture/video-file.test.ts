import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Frame } from '../../../src/capture/frame.ts';
import { ffmpegDecodeArgs, parseProbe, VideoFileSource, type VideoFileDeps } from '../../../src/capture/video-file.ts';
import { isAlprError } from '../../../src/errors.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { liveChildrenMentioning, makeTestVideo, tempDir } from './capture-test-inputs.ts';

const probeJson = (stream: Record<string, unknown>): string => JSON.stringify({ streams: [{ codec_type: 'video', ...stream }] });

describe('parseProbe', () => {
  it('reads size and frame rate', () => {
    expect(parseProbe(probeJson({ width: 1280, height: 720, avg_frame_rate: '30000/1001', r_frame_rate: '30000/1001' }))).toEqual({
      width: 1280,
      height: 720,
      fps: 30000 / 1001,
    });
  });

  it('falls back to r_frame_rate when the average is unknown', () => {
    expect(parseProbe(probeJson({ width: 64, height: 48, avg_frame_rate: '0/0', r_frame_rate: '25/1' })).fps).toBe(25);
  });

  it('swaps width and height for a quarter-turn rotation, as ffmpeg autorotates', () => {
    const side = { side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] };
    expect(parseProbe(probeJson({ width: 1920, height: 1080, avg_frame_rate: '30/1', ...side }))).toMatchObject({ width: 1080, height: 1920 });
    expect(parseProbe(probeJson({ width: 1920, height: 1080, avg_frame_rate: '30/1', tags: { rotate: '180' } }))).toMatchObject({ width: 1920 });
  });

  it('explains what is unusable', () => {
    expect(() => parseProbe('{"streams": []}')).toThrow('no video stream');
    expect(() => parseProbe(probeJson({ width: 0, height: 10, avg_frame_rate: '10/1' }))).toThrow('no frame size');
    expect(() => parseProbe(probeJson({ width: 10, height: 10, avg_frame_rate: '0/0', r_frame_rate: '0/0' }))).toThrow('no frame rate');
    expect(() => parseProbe('not json')).toThrow('no usable JSON');
  });

  it('asks ffmpeg for packed RGB of the probed size on stdout', () => {
    const args = ffmpegDecodeArgs('/v/a.mp4', { width: 64, height: 48, fps: 10 }).join(' ');
    expect(args).toContain('-i /v/a.mp4');
    expect(args).toContain('scale=64:48');
    expect(args).toContain('-pix_fmt rgb24 -f rawvideo pipe:1');
  });
});

describe('VideoFileSource', () => {
  let dir = '';
  const clock = new ManualClock(0);
  const source = (name: string, deps: Partial<VideoFileDeps> = {}, maxFps?: number): VideoFileSource =>
    new VideoFileSource(
      { type: 'video-file', id: 'v', path: join(dir, name), replay: 'fast', loop: false, maxFps },
      { clock, ...deps },
    );
  const fakeTool = (name: string, script: string): string => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const failure = async (frames: AsyncIterable<Frame>): Promise<{ err: unknown; count: number }> => {
    let count = 0;
    try {
      for await (const _ of frames) count++;
    } catch (err) {
      return { err, count };
    }
    throw new Error(`no error after ${count} frames`);
  };

  beforeAll(() => {
    dir = tempDir('video');
    makeTestVideo(join(dir, 'clip.mp4'), { width: 160, height: 120, fps: 10, seconds: 1 });
    // 60 frames of 57.6 kB: far more than the pipe and stream buffers hold.
    makeTestVideo(join(dir, 'long.mp4'), { width: 160, height: 120, fps: 10, seconds: 6 });
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', join(dir, 'clip.mp4'), '-c', 'copy', '-metadata:s:v', 'rotate=90', join(dir, 'rotated.mp4')]);
  });

  it('drops frames above maxFps, keeping decode indexes', async () => {
    const indexes: number[] = [];
    for await (const f of source('clip.mp4', {}, 4).frames()) indexes.push(f.index);
    expect(indexes).toEqual([0, 3, 5, 8]);
  });

  it('yields frames of a rotated video in display orientation', async () => {
    for await (const f of source('rotated.mp4').frames()) {
      expect([f.width, f.height, f.data.length]).toEqual([120, 160, 120 * 160 * 3]);
    }
  });

  it('pauses ffmpeg while the consumer is busy instead of queueing frames', async () => {
    const it = source('long.mp4').frames()[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    // Unpaced, ffmpeg would finish 60 tiny frames in a fraction of this and exit; it is blocked on its pipe.
    await delay(500);
    expect(liveChildrenMentioning(join(dir, 'long.mp4'))).toHaveLength(1);
    let rest = 0;
    for (let r = await it.next(); !r.done; r = await it.next()) rest++;
    expect(rest).toBe(59);
  });

  it('abort kills ffmpeg at once, even while the consumer holds a frame', async () => {
    const path = join(dir, 'long.mp4');
    const ac = new AbortController();
    const it = source('long.mp4').frames(ac.signal)[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    expect(liveChildrenMentioning(path)).toHaveLength(1);
    ac.abort();
    await vi.waitFor(() => expect(liveChildrenMentioning(path)).toEqual([]));
    expect((await it.next()).done).toBe(true);
  });

  it('ffmpeg dying mid-stream is an error naming the file, not a silent end', async () => {
    const path = join(dir, 'long.mp4');
    const frames = source('long.mp4').frames();
    const it = frames[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    const [pid] = liveChildrenMentioning(path);
    process.kill(pid!, 'SIGKILL');
    const { err, count } = await failure({ [Symbol.asyncIterator]: () => it });
    expect(count).toBeLessThan(59);
    expect(isAlprError(err, 'VIDEO_UNREADABLE')).toBe(true);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toMatch(/ffmpeg was killed by SIGKILL after \d+ frame/);
  });

  it('reports ffmpeg failures with the tail of its stderr', async () => {
    const ffmpegPath = fakeTool('ffmpeg-fails', 'echo "first line" >&2; echo "Conversion failed: disk on fire" >&2; exit 1');
    const { err } = await failure(source('clip.mp4', { ffmpegPath }).frames());
    expect(isAlprError(err, 'VIDEO_UNREADABLE')).toBe(true);
    expect((err as Error).message).toContain('ffmpeg exited with code 1 after 0 frame(s): first line | Conversion failed: disk on fire');
  });

  it('treats an output that ends inside a frame, or no frame at all, as unreadable', async () => {
    const partial = fakeTool('ffmpeg-partial', `head -c ${160 * 120 * 3 + 100} /dev/zero`);
    const a = await failure(source('clip.mp4', { ffmpegPath: partial }).frames());
    expect(a.count).toBe(1);
    expect((a.err as Error).message).toContain('ended inside frame 1');
    const empty = fakeTool('ffmpeg-empty', 'exit 0');
    const b = await failure(source('clip.mp4', { ffmpegPath: empty }).frames());
    expect((b.err as Error).message).toContain('decoded no frames');
  });

  it('gives up on an ffprobe that hangs, and kills it', async () => {
    const ffprobePath = fakeTool('ffprobe-hangs', 'exec sleep 30');
    const { err } = await failure(source('clip.mp4', { ffprobePath, probeTimeoutMs: 200 }).frames());
    expect(isAlprError(err, 'VIDEO_UNREADABLE')).toBe(true);
    expect((err as Error).message).toContain('did not answer');
    expect(liveChildrenMentioning('sleep\u000030')).toEqual([]); // argv is NUL-separated
  });

  it('a missing ffmpeg or ffprobe is SOURCE_FAILED naming the command', async () => {
    const a = await failure(source('clip.mp4', { ffprobePath: join(dir, 'no-ffprobe') }).frames());
    expect(isAlprError(a.err, 'SOURCE_FAILED')).toBe(true);
    expect((a.err as Error).message).toContain('no-ffprobe');
    const b = await failure(source('clip.mp4', { ffmpegPath: join(dir, 'no-ffmpeg') }).frames());
    expect(isAlprError(b.err, 'SOURCE_FAILED')).toBe(true);
  });
});
