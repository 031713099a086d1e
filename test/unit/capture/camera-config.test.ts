/** The live camera types of the config schema, and how create-source builds them. */
import { describe, expect, it } from 'vitest';
import { createFrameSource, isLiveCamera, queuePolicyFor } from '../../../src/capture/create-source.ts';
import { RtspSource, V4l2Source } from '../../../src/capture/ffmpeg-camera.ts';
import { Gphoto2Source } from '../../../src/capture/gphoto2.ts';
import { HttpSnapshotSource, MjpegSource } from '../../../src/capture/http-camera.ts';
import { ImageFolderWatchSource } from '../../../src/capture/image-folder-watch.ts';
import { isLiveFrameSource } from '../../../src/capture/live-source.ts';
import { cameraSchema, mapCameraPaths } from '../../../src/config/schema.ts';
import { ManualClock } from '../../../src/platform/clock.ts';

const issues = (input: unknown): string[] => {
  const r = cameraSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('camera config', () => {
  it('fills sensible defaults for every live camera type', () => {
    expect(cameraSchema.parse({ type: 'v4l2', id: 'usb' })).toMatchObject({
      device: '/dev/video0', width: 1280, height: 720, fps: 15, stallTimeoutMs: 5_000, reconnect: { initialMs: 1_000, maxMs: 30_000 },
    });
    expect(cameraSchema.parse({ type: 'rtsp', id: 'ip', url: 'rtsp://192.0.2.1/s' })).toMatchObject({ transport: 'tcp', stallTimeoutMs: 10_000 });
    expect(cameraSchema.parse({ type: 'mjpeg', id: 'm', url: 'http://192.0.2.1/video' })).toMatchObject({ tlsInsecure: false });
    expect(cameraSchema.parse({ type: 'http-snapshot', id: 's', url: 'https://192.0.2.1/snap.jpg' })).toMatchObject({ intervalMs: 1_000 });
    expect(cameraSchema.parse({ type: 'gphoto2', id: 'd' })).toMatchObject({ mode: 'capture', intervalMs: 2_000, deleteAfterDownload: false });
    expect(cameraSchema.parse({ type: 'image-folder-watch', id: 'f', path: 'ftp' })).toMatchObject({ settleMs: 1_000, pollMs: 500, afterRead: 'delete' });
  });

  it('refuses a login in the URL: credentials come from a file or a systemd credential only', () => {
    for (const url of ['rtsp://admin:secret@192.0.2.1/s', 'rtsp://admin@192.0.2.1/s']) {
      expect(issues({ type: 'rtsp', id: 'ip', url })).toEqual([expect.stringContaining('url: an rtsp:// or rtsps:// URL without user:password@')]);
    }
    expect(issues({ type: 'mjpeg', id: 'm', url: 'http://u:p@192.0.2.1/v' })[0]).toContain('without user:password@');
    expect(issues({ type: 'rtsp', id: 'ip', url: 'rtsp://192.0.2.1/s', auth: { username: 'u', password: 'inline' } })[0]).toContain('Unrecognized key');
    expect(issues({ type: 'rtsp', id: 'ip', url: 'rtsp://192.0.2.1/s', auth: { username: 'u' } })).toEqual(['auth: give exactly one of passwordFile or passwordCredential']);
    expect(
      issues({ type: 'rtsp', id: 'ip', url: 'rtsp://192.0.2.1/s', auth: { username: 'u', passwordFile: 'a', passwordCredential: 'b' } }),
    ).toEqual(['auth: give exactly one of passwordFile or passwordCredential']);
    expect(issues({ type: 'rtsp', id: 'ip', url: 'rtsp://192.0.2.1/s', auth: { username: 'u', passwordCredential: '../x' } })[0]).toContain('systemd credential name');
  });

  it('enforces limits and rejects unknown keys', () => {
    expect(issues({ type: 'v4l2', id: 'usb', device: 'video0' })[0]).toContain('device');
    expect(issues({ type: 'v4l2', id: 'usb', width: 10 })[0]).toContain('width');
    expect(issues({ type: 'v4l2', id: 'usb', inputFormat: 'bayer' })[0]).toContain('inputFormat');
    expect(issues({ type: 'rtsp', id: 'ip', url: 'rtsp://h/s', transport: 'http' })[0]).toContain('transport');
    expect(issues({ type: 'rtsp', id: 'ip', url: 'rtsp://h/s', reconnect: { initialMs: 1 } })[0]).toContain('reconnect.initialMs');
    expect(issues({ type: 'gphoto2', id: 'd', shutter: '1/2000' })[0]).toContain('Unrecognized key');
  });

  it('resolves file paths (folders, password files) against the config folder, nothing else', () => {
    const abs = (p: string): string => `/etc/alpr-edge/${p}`;
    expect(mapCameraPaths(cameraSchema.parse({ type: 'image-folder-watch', id: 'f', path: 'ftp' }), abs)).toMatchObject({ path: '/etc/alpr-edge/ftp' });
    const rtsp = cameraSchema.parse({ type: 'rtsp', id: 'ip', url: 'rtsp://h/s', auth: { username: 'u', passwordFile: 'cam.pw' } });
    expect(mapCameraPaths(rtsp, abs)).toMatchObject({ url: 'rtsp://h/s', auth: { username: 'u', passwordFile: '/etc/alpr-edge/cam.pw' } });
    const cred = cameraSchema.parse({ type: 'rtsp', id: 'ip', url: 'rtsp://h/s', auth: { username: 'u', passwordCredential: 'cam' } });
    expect(mapCameraPaths(cred, abs)).toEqual(cred);
    const usb = cameraSchema.parse({ type: 'v4l2', id: 'usb' });
    expect(mapCameraPaths(usb, abs)).toEqual(usb);
  });
});

describe('createFrameSource for live cameras', () => {
  const deps = { clock: new ManualClock(0) };

  it('builds each type, idle until iterated', () => {
    const cases: Array<[unknown, new (...args: never[]) => unknown]> = [
      [{ type: 'v4l2', id: 'a' }, V4l2Source],
      [{ type: 'rtsp', id: 'b', url: 'rtsp://192.0.2.1/s' }, RtspSource],
      [{ type: 'mjpeg', id: 'c', url: 'http://192.0.2.1/v' }, MjpegSource],
      [{ type: 'http-snapshot', id: 'd', url: 'http://192.0.2.1/s.jpg' }, HttpSnapshotSource],
      [{ type: 'gphoto2', id: 'e' }, Gphoto2Source],
      [{ type: 'image-folder-watch', id: 'f', path: '/srv/ftp' }, ImageFolderWatchSource],
    ];
    for (const [input, cls] of cases) {
      const cam = cameraSchema.parse(input);
      const source = createFrameSource(cam, deps);
      expect(source).toBeInstanceOf(cls);
      expect(source.id).toBe(cam.id);
      expect((source as V4l2Source).status).toMatchObject({ state: 'stopped', connects: 0 });
      expect(isLiveCamera(cam)).toBe(true);
      expect(isLiveFrameSource(source)).toBe(true);
      expect(queuePolicyFor(cam)).toBe('drop-oldest');
    }
  });

  it('replays keep their queue policy: fast replays read every frame, paced ones keep the newest', () => {
    expect(queuePolicyFor(cameraSchema.parse({ type: 'video-file', id: 'v', path: 'a.mp4', replay: 'fast' }))).toBe('block');
    expect(queuePolicyFor(cameraSchema.parse({ type: 'video-file', id: 'v', path: 'a.mp4' }))).toBe('drop-oldest');
    expect(queuePolicyFor(cameraSchema.parse({ type: 'image-folder', id: 'i', path: 'imgs' }))).toBe('block');
    expect(isLiveCamera(cameraSchema.parse({ type: 'image-folder', id: 'i', path: 'imgs' }))).toBe(false);
    expect(isLiveFrameSource(createFrameSource(cameraSchema.parse({ type: 'video-file', id: 'v', path: 'a.mp4' }), deps))).toBe(false);
  });
});
