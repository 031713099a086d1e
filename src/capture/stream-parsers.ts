/**
 * Pure, incremental parsers for the byte streams live cameras produce:
 * - PpmStreamReader: ffmpeg's `-c:v ppm -f image2pipe` output, a run of binary PPM (P6) images.
 *   Each image carries its size, so a camera that changes resolution needs no probe and no
 *   restart. Pixels are copied straight into one buffer per frame (no per-chunk concat).
 * - JpegStreamSplitter: whole JPEG files out of any byte stream that contains them (HTTP
 *   multipart/x-mixed-replace, gphoto2 --capture-movie). It walks the JPEG marker segments, so
 *   an EXIF thumbnail's end marker inside APP1 is not taken for the end of the picture, and it
 *   ignores whatever lies between pictures (multipart boundaries and part headers).
 */
import type { RgbImage } from '../ocr/types.ts';

/** Largest frame accepted (a corrupt header must not allocate gigabytes). */
export const MAX_FRAME_PIXELS = 8192 * 8192;

const isSpace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

interface PpmHeader {
  width: number;
  height: number;
  length: number;
}

/** Parses "P6 <w> <h> 255<one whitespace>" at the start of `buf`; undefined if incomplete. */
export function parsePpmHeader(buf: Buffer): PpmHeader | undefined {
  if (buf.length < 2) return undefined;
  if (buf[0] !== 0x50 || buf[1] !== 0x36) throw new Error('not a binary PPM (P6) image');
  const fields: number[] = [];
  let i = 2;
  while (fields.length < 3) {
    while (i < buf.length && isSpace(buf[i]!)) i++;
    if (i < buf.length && buf[i] === 0x23) {
      while (i < buf.length && buf[i] !== 0x0a) i++; // a comment runs to the end of its line
      continue;
    }
    const start = i;
    while (i < buf.length && buf[i]! >= 0x30 && buf[i]! <= 0x39) i++;
    if (i >= buf.length) {
      if (i - start > 10) throw new Error('PPM header field too long');
      return undefined;
    }
    if (i === start || !isSpace(buf[i]!)) throw new Error('malformed PPM header');
    fields.push(Number(buf.toString('latin1', start, i)));
  }
  const [width = 0, height = 0, maxval] = fields;
  if (maxval !== 255) throw new Error(`PPM with maxval ${String(maxval)} (only 8-bit is supported)`);
  if (width < 1 || height < 1 || width * height > MAX_FRAME_PIXELS) throw new Error(`PPM frame size ${width}x${height} out of range`);
  return { width, height, length: i + 1 }; // exactly one whitespace byte ends the header
}

/** Turns chunks of a PPM image stream into RGB frames. */
export class PpmStreamReader {
  private header: Buffer = Buffer.alloc(0);
  private frame: RgbImage | null = null;
  private filled = 0;

  /** The frames completed by `chunk`, in order. Throws on a corrupt stream. */
  push(chunk: Buffer): RgbImage[] {
    const out: RgbImage[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.frame === null) {
        // Headers are tiny: gather bytes until one parses (at most a few dozen).
        const take = Math.min(chunk.length - offset, 64);
        const candidate = Buffer.concat([this.header, chunk.subarray(offset, offset + take)]);
        const parsed = parsePpmHeader(candidate);
        if (parsed === undefined) {
          if (candidate.length > 256) throw new Error('PPM header not found');
          this.header = candidate;
          offset += take;
          continue;
        }
        offset += parsed.length - this.header.length;
        this.header = Buffer.alloc(0);
        this.frame = { width: parsed.width, height: parsed.height, data: Buffer.allocUnsafe(parsed.width * parsed.height * 3) };
        this.filled = 0;
      }
      const frame: RgbImage = this.frame;
      const n = Math.min(frame.data.length - this.filled, chunk.length - offset);
      chunk.copy(frame.data, this.filled, offset, offset + n);
      this.filled += n;
      offset += n;
      if (this.filled === frame.data.length) {
        out.push(frame);
        this.frame = null;
      }
    }
    return out;
  }

  /** True when the stream stopped inside a frame. */
  get partial(): boolean {
    return this.frame !== null || this.header.length > 0;
  }
}

/**
 * Pure: the length of the complete JPEG at the start of `buf` (which begins with FF D8), or
 * undefined if it is not complete yet. Throws on a structure that cannot be a JPEG.
 */
export function jpegLength(buf: Buffer): number | undefined {
  let i = 2;
  let inScan = false;
  while (i < buf.length) {
    if (inScan) {
      // Entropy-coded data: FF 00 is a stuffed byte, FF D0..D7 restart markers; any other FF xx ends it.
      const ff = buf.indexOf(0xff, i);
      if (ff < 0 || ff + 1 >= buf.length) return undefined;
      const next = buf[ff + 1]!;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
        i = next === 0xff ? ff + 1 : ff + 2;
        continue;
      }
      inScan = false;
      i = ff;
      continue;
    }
    if (buf[i] !== 0xff) throw new Error('corrupt JPEG: marker expected');
    if (i + 1 >= buf.length) return undefined;
    const marker = buf[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd9) return i + 2; // EOI
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    if (i + 3 >= buf.length) return undefined;
    const segment = buf.readUInt16BE(i + 2);
    if (segment < 2) throw new Error('corrupt JPEG: bad segment length');
    i += 2 + segment;
    if (marker === 0xda) inScan = true; // SOS: entropy-coded data follows its header
  }
  return undefined;
}

/** Pulls whole JPEG files out of a byte stream. */
export class JpegStreamSplitter {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  /** The JPEGs completed by `chunk`, in order. Throws when a picture grows past maxBytes. */
  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      const soi = findSoi(this.buf);
      if (soi < 0) {
        // Keep the last two bytes: they may be the start of the next picture's FF D8 FF.
        this.buf = Buffer.from(this.buf.subarray(Math.max(0, this.buf.length - 2)));
        break;
      }
      if (soi > 0) this.buf = this.buf.subarray(soi);
      let length: number | undefined;
      try {
        length = jpegLength(this.buf);
      } catch {
        this.buf = this.buf.subarray(2); // not a JPEG after all: look for the next start
        continue;
      }
      if (length === undefined) {
        if (this.buf.length > this.maxBytes) throw new Error(`a JPEG frame grew past ${this.maxBytes} bytes without ending`);
        break;
      }
      out.push(Buffer.from(this.buf.subarray(0, length))); // a copy: the stream buffer is reused
      this.buf = this.buf.subarray(length);
    }
    return out;
  }
}

function findSoi(buf: Buffer): number {
  for (let i = buf.indexOf(0xff); i >= 0 && i + 2 < buf.length; i = buf.indexOf(0xff, i + 1)) {
    if (buf[i + 1] === 0xd8 && buf[i + 2] === 0xff) return i;
  }
  return -1;
}
