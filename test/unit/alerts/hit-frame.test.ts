import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeHitFrame, reduceRgb, reducedSize } from '../../../src/alerts/hit-frame.ts';
import type { RgbImage } from '../../../src/ocr/types.ts';

/** Left half red, right half blue. */
function halves(width: number, height: number): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(x < width / 2 ? [255, 0, 0] : [0, 0, 255], (y * width + x) * 3);
  }
  return { width, height, data };
}

describe('hit frame', () => {
  it('reduces to at most maxWidth, keeping the aspect, never enlarging', () => {
    expect(reducedSize(1920, 1080, 640)).toEqual({ width: 640, height: 360 });
    expect(reducedSize(320, 240, 640)).toEqual({ width: 320, height: 240 });
    expect(reducedSize(4000, 1, 640)).toEqual({ width: 640, height: 1 });
  });

  it('keeps the picture when reducing a frame (nearest pixel)', () => {
    const small = reduceRgb(halves(1920, 1080));
    expect([small.width, small.height, small.data.length]).toEqual([640, 360, 640 * 360 * 3]);
    expect([...small.data.subarray(0, 3)]).toEqual([255, 0, 0]);
    const last = (640 * 360 - 1) * 3;
    expect([...small.data.subarray(last, last + 3)]).toEqual([0, 0, 255]);
  });

  it('encodes a JPEG of the reduced size', async () => {
    const f = await encodeHitFrame(halves(1280, 720));
    expect([f.width, f.height]).toEqual([640, 360]);
    const meta = await sharp(f.jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 640, 360]);
  });
});
