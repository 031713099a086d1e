/**
 * Runs the live-source contract against the sources that need no network: a USB camera (the
 * real V4L2 command line, run by a stand-in that swaps /dev/videoN for a live test pattern,
 * since this machine has no camera) and a watched upload folder. RTSP, HTTP and gphoto2 run
 * it in test/integration/camera-*.test.ts.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { V4l2Source, type V4l2Camera } from '../../../src/capture/ffmpeg-camera.ts';
import { ImageFolderWatchSource } from '../../../src/capture/image-folder-watch.ts';
import { liveChildrenMentioning, tempDir } from './capture-test-inputs.ts';
import { makeJpegs, writeV4l2StandIn } from './fake-cameras.ts';
import { describeLiveSourceContract } from './live-source-contract.ts';

const reconnect = { initialMs: 100, maxMs: 400 };

let usbDir = '';
let standIn = '';
const device = (): string => join(usbDir, 'video0');
const usbCamera = (): V4l2Camera => ({
  type: 'v4l2',
  id: 'usb',
  device: device(),
  width: 160,
  height: 120,
  fps: 5,
  inputFormat: 'mjpeg',
  reconnect,
  stallTimeoutMs: 5_000,
});

describeLiveSourceContract({
  name: 'V4l2Source (stand-in device)',
  setup: () => {
    usbDir = tempDir('v4l2');
    standIn = writeV4l2StandIn(usbDir);
    writeFileSync(device(), '');
    return Promise.resolve();
  },
  teardown: () => Promise.resolve(),
  expected: () => ({ width: 160, height: 120 }),
  make: (deps) => new V4l2Source(usbCamera(), { ...deps, ffmpegPath: standIn }),
  interrupt: () => {
    // Unplugging removes the device node and ffmpeg dies on its next read.
    rmSync(device());
    for (const pid of liveChildrenMentioning(usbDir)) process.kill(pid, 'SIGKILL');
    return Promise.resolve();
  },
  restore: () => {
    writeFileSync(device(), '');
    return Promise.resolve();
  },
  liveProcesses: () => liveChildrenMentioning(usbDir),
});

let uploadRoot = '';
let uploads = '';
let writer: NodeJS.Timeout | undefined;
describeLiveSourceContract({
  name: 'ImageFolderWatchSource (camera uploading every 200 ms)',
  setup: async () => {
    uploadRoot = tempDir('watch');
    uploads = join(uploadRoot, 'ftp');
    mkdirSync(uploads);
    const jpegs = await makeJpegs(6);
    let n = 0;
    writer = setInterval(() => {
      try {
        writeFileSync(join(uploads, `cam-${String(n).padStart(6, '0')}.jpg`), jpegs[n % jpegs.length]!);
        n++;
      } catch {
        // the share is gone (interrupt): the camera's upload fails
      }
    }, 200);
  },
  teardown: () => {
    clearInterval(writer);
    return Promise.resolve();
  },
  expected: () => ({ width: 160, height: 120 }),
  make: (deps) =>
    new ImageFolderWatchSource(
      { type: 'image-folder-watch', id: 'ftp', path: uploads, settleMs: 100, pollMs: 50, afterRead: 'delete', reconnect },
      deps,
    ),
  interrupt: () => {
    renameSync(uploads, `${uploads}.unmounted`);
    return Promise.resolve();
  },
  restore: () => {
    renameSync(`${uploads}.unmounted`, uploads);
    return Promise.resolve();
  },
  liveProcesses: () => [],
});
