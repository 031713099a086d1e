import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpegLength, JpegStreamSplitter, parsePpmHeader, PpmStreamReader } from '../../../src/capture/stream-parsers.ts';
import { makeJpegs } from './fake-cameras.ts';

/** Cuts `buf` into pieces of the given sizes, cycling, as a pipe or socket would. */
function pieces(buf: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < buf.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(buf.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe('PPM stream', () => {
  it('parses the header ffmpeg writes, and waits for more bytes when it is cut', () => {
    expect(parsePpmHeader(Buffer.from('P6\n160 120\n255\n'))).toEqual({ width: 160, height: 120, length: 15 });
    expect(parsePpmHeader(Buffer.from('P6 2 1 255 '))).toEqual({ width: 2, height: 1, length: 11 });
    expect(parsePpmHeader(Buffer.from('P6\n# made by hand\n2 1\n255\n'))).toMatchObject({ width: 2, height: 1 });
    expect(parsePpmHeader(Buffer.from('P6\n160 12'))).toBeUndefined();
    expect(parsePpmHeader(Buffer.from('P6\n160 120\n255'))).toBeUndefined();
    expect(() => parsePpmHeader(Buffer.from('P5\n1 1\n255\n'))).toThrow('P6');
    expect(() => parsePpmHeader(Buffer.from('P6\n1 1\n65535\n'))).toThrow('8-bit');
    expect(() => parsePpmHeader(Buffer.from('P6\n99999 99999\n255\n'))).toThrow('out of range');
  });

  it("reads ffmpeg's image2pipe PPM output in any chunking, with sizes that change", () => {
    const ppm = (w: number, h: number, v: number): Buffer => Buffer.concat([Buffer.from(`P6\n${w} ${h}\n255\n`), Buffer.alloc(w * h * 3, v)]);
    const stream = Buffer.concat([ppm(4, 3, 1), ppm(4, 3, 2), ppm(2, 2, 3)]);
    for (const sizes of [[1], [7, 3], [1000], [13, 1, 40]]) {
      const reader = new PpmStreamReader();
      const got = pieces(stream, sizes).flatMap((p) => reader.push(p));
      expect(got.map((f) => [f.width, f.height, f.data.length, f.data[0]])).toEqual([
        [4, 3, 36, 1],
        [4, 3, 36, 2],
        [2, 2, 12, 3],
      ]);
      expect(reader.partial).toBe(false);
    }
    const cut = new PpmStreamReader();
    cut.push(stream.subarray(0, 20));
    expect(cut.partial).toBe(true);
  });

  it('matches real ffmpeg output byte for byte', () => {
    const out = execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=32x24:rate=5', '-frames:v', '3', '-c:v', 'ppm', '-f', 'image2pipe', 'pipe:1']);
    const frames = new PpmStreamReader().push(out);
    expect(frames).toHaveLength(3);
    expect(frames.every((f) => f.width === 32 && f.height === 24)).toBe(true);
  });
});

describe('JPEG stream splitter', () => {
  it('finds the end of a JPEG by its segments, not by the first FF D9', async () => {
    const [plain] = await makeJpegs(1);
    expect(jpegLength(plain!)).toBe(plain!.length);
    expect(jpegLength(plain!.subarray(0, plain!.length - 1))).toBeUndefined();
    // An EXIF-like APP1 segment holding a whole thumbnail JPEG (with its own FF D9).
    const [thumb] = await makeJpegs(1, 16, 12);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, 0]), Buffer.from('Exif\0\0'), thumb!]);
    app1.writeUInt16BE(app1.length - 2, 2);
    const withThumb = Buffer.concat([plain!.subarray(0, 2), app1, plain!.subarray(2)]);
    expect(jpegLength(withThumb)).toBe(withThumb.length);
    expect((await sharp(withThumb).metadata()).width).toBe(160);
  });

  it('pulls every JPEG out of a multipart MJPEG body cut at every possible place', async () => {
    const jpegs = await makeJpegs(3);
    const body = Buffer.concat(
      jpegs.flatMap((j) => [Buffer.from(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${j.length}\r\n\r\n`), j, Buffer.from('\r\n')]),
    );
    for (const sizes of [[1], [2], [3, 5], [4096], [body.length]]) {
      const splitter = new JpegStreamSplitter();
      const got = pieces(body, sizes).flatMap((p) => splitter.push(p));
      expect(got.map((g) => g.length)).toEqual(jpegs.map((j) => j.length));
      got.forEach((g, i) => expect(g.equals(jpegs[i]!)).toBe(true));
    }
  });

  it('skips garbage and refuses a frame that never ends', () => {
    const splitter = new JpegStreamSplitter(1000);
    expect(splitter.push(Buffer.from('HTTP junk \xff\xd8 not a jpeg'))).toEqual([]);
    const start = Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]);
    expect(() => splitter.push(Buffer.concat([start, Buffer.alloc(2000, 0x11)]))).toThrow('grew past 1000 bytes');
  });
});
