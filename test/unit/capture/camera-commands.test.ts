/** The command lines and scripts the camera sources hand to ffmpeg and gphoto2 (pure). */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  ffconcatQuote,
  liveOutputArgs,
  maxFpsFilter,
  rtspArgs,
  rtspScript,
  urlWithLogin,
  v4l2Args,
  type RtspCamera,
  type V4l2Camera,
} from '../../../src/capture/ffmpeg-camera.ts';
import { gphoto2Args, parseFileList } from '../../../src/capture/gphoto2.ts';
import { cameraSchema } from '../../../src/config/schema.ts';
import { PpmStreamReader } from '../../../src/capture/stream-parsers.ts';

const usb = (extra: Record<string, unknown> = {}): V4l2Camera => cameraSchema.parse({ type: 'v4l2', id: 'usb', ...extra }) as V4l2Camera;
const rtsp = (extra: Record<string, unknown> = {}): RtspCamera =>
  cameraSchema.parse({ type: 'rtsp', id: 'ip', url: 'rtsp://192.0.2.10:554/Streaming/Channels/101', ...extra }) as RtspCamera;

describe('V4L2 command line', () => {
  it('asks the device for the chosen size, rate and pixel format, and writes PPM frames to stdout', () => {
    const args = v4l2Args(usb({ device: '/dev/v4l/by-id/usb-046d_C920-video-index0', width: 1920, height: 1080, fps: 30, inputFormat: 'mjpeg' })).join(' ');
    expect(args).toContain('-f v4l2 -input_format mjpeg -video_size 1920x1080 -framerate 30 -thread_queue_size 16 -i /dev/v4l/by-id/usb-046d_C920-video-index0');
    expect(args).toMatch(/-map 0:v:0 .*-c:v ppm -f image2pipe pipe:1$/);
    expect(args).toContain('-nostdin');
    expect(args).not.toContain('select=');
  });

  it('defaults to /dev/video0 at 1280x720, 15 fps, the camera choosing the pixel format', () => {
    const args = v4l2Args(usb());
    expect(args.join(' ')).toContain('-f v4l2 -video_size 1280x720 -framerate 15');
    expect(args).not.toContain('-input_format');
    expect(args[args.indexOf('-i') + 1]).toBe('/dev/video0');
  });

  it('limits the rate with a select filter that keeps exactly maxFps (checked with real ffmpeg)', () => {
    expect(liveOutputArgs(4)).toContain(maxFpsFilter(4));
    // 25 fps for 2 s through the filter: 4 a second.
    const out = execFileSync('ffmpeg', [
      '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=16x16:rate=25:duration=2',
      ...liveOutputArgs(4),
    ]);
    expect(new PpmStreamReader().push(out)).toHaveLength(8);
  });
});

describe('RTSP command line and script', () => {
  const login = { username: 'admin', password: "p@ss:w/rd%'x y" };

  it('has no URL and no login on the command line: ffmpeg reads them from pipe:3', () => {
    const args = rtspArgs(rtsp({ auth: { username: 'admin', passwordFile: '/etc/alpr-edge/credentials/cam' } }));
    expect(args.join(' ')).toContain('-f concat -safe 0 -protocol_whitelist pipe,rtsp,rtsps,rtp,srtp,udp,tcp,tls -i pipe:3');
    expect(args.join(' ')).not.toMatch(/rtsp:\/\/|admin|192\.0\.2/);
  });

  it('puts the URL with the percent-encoded login, the transport and the timeout in the ffconcat script', () => {
    const script = rtspScript(rtsp({ transport: 'udp', stallTimeoutMs: 7000 }), login);
    expect(script.split('\n')).toEqual([
      'ffconcat version 1.0',
      `file 'rtsp://admin:p%40ss%3Aw%2Frd%25'\\''x%20y@192.0.2.10:554/Streaming/Channels/101'`,
      'option rtsp_transport udp',
      'option timeout 7000000',
      'option analyzeduration 1000000',
      '',
    ]);
    expect(rtspScript(rtsp(), null)).toContain("file 'rtsp://192.0.2.10:554/Streaming/Channels/101'");
    expect(rtspScript(rtsp(), null)).toContain('option rtsp_transport tcp');
  });

  it('quotes for ffconcat and builds login URLs', () => {
    expect(ffconcatQuote("it's")).toBe("'it'\\''s'");
    expect(urlWithLogin('rtsps://cam.example/live', { username: 'a b', password: 'c' })).toBe('rtsps://a%20b:c@cam.example/live');
    expect(() => urlWithLogin('http://x/', login)).toThrow('not an RTSP URL');
  });
});

describe('gphoto2 commands', () => {
  const cam = { model: 'Canon EOS 2000D', port: 'usb:001,004' };

  it('selects the camera and asks for a capture, the preview stream, a listing or one picture', () => {
    expect(gphoto2Args(cam, { kind: 'capture', dir: '/run/x' })).toEqual([
      '--camera', 'Canon EOS 2000D', '--port', 'usb:001,004',
      '--capture-image-and-download', '--force-overwrite', '--filename', '/run/x/capture.%C',
    ]);
    expect(gphoto2Args({ model: undefined, port: undefined }, { kind: 'liveview' })).toEqual(['--capture-movie', '--stdout']);
    expect(gphoto2Args(cam, { kind: 'list' }).slice(-1)).toEqual(['--list-files']);
    expect(gphoto2Args(cam, { kind: 'get', folder: '/DCIM/100CANON', name: 'IMG_0001.JPG', dir: '/run/x', delete: true }).slice(4)).toEqual([
      '--folder', '/DCIM/100CANON', '--get-file', 'IMG_0001.JPG', '--delete-file', 'IMG_0001.JPG',
      '--force-overwrite', '--filename', '/run/x/%f.%C',
    ]);
  });

  it("parses gphoto2's file listing (LANG=C)", () => {
    const listing = [
      "There is 1 file in folder '/'.",
      '#1     a.jpg                      rd     6 KB image/jpeg 1795884497',
      "There is no file in folder '/DCIM'.",
      "There are 2 files in folder '/DCIM/100CANON'.",
      '#2     IMG_0001.JPG               rd  6017 KB 6000x4000 image/jpeg 1795884874',
      '#3     IMG_0001.CR2               rd 24012 KB image/x-canon-cr2 1795884874',
    ].join('\n');
    expect(parseFileList(listing)).toEqual([
      { number: 1, folder: '/', name: 'a.jpg', signature: 'rd 6 KB image/jpeg 1795884497' },
      { number: 2, folder: '/DCIM/100CANON', name: 'IMG_0001.JPG', signature: 'rd 6017 KB 6000x4000 image/jpeg 1795884874' },
      { number: 3, folder: '/DCIM/100CANON', name: 'IMG_0001.CR2', signature: 'rd 24012 KB image/x-canon-cr2 1795884874' },
    ]);
    expect(parseFileList("There is no file in folder '/'.\n")).toEqual([]);
  });
});
