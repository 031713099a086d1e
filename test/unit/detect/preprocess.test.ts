import { describe, expect, it } from 'vitest';
import { boxShrinkBy, DET_MEAN, DET_STD, detInputSize, detTensor, greyTensor, padImage } from '../../../src/detect/preprocess.ts';
import type { RgbImage } from '../../../src/ocr/types.ts';

function solid(width: number, height: number, rgb: [number, number, number]): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { width, height, data };
}

describe('detector pre-processing', () => {
  it('scales the long side to maxSide, both sides multiples of 32', () => {
    expect(detInputSize(1280, 720, 960)).toEqual({ width: 960, height: 544 });
    expect(detInputSize(576, 432, 1280)).toEqual({ width: 1280, height: 960 });
    // A window of a 1280x720 frame is read at the frame's scale, not enlarged to the input size.
    expect(detInputSize(640, 720, 1280, { width: 1280, height: 720 })).toEqual({ width: 640, height: 736 });
    expect(detInputSize(640, 360, 960, { width: 1280, height: 720 })).toEqual({ width: 480, height: 256 });
    expect(detInputSize(918, 1632, 1280)).toEqual({ width: 736, height: 1280 });
    expect(detInputSize(1000, 10, 640)).toEqual({ width: 640, height: 32 });
  });

  it('writes BGR planes normalised with the ImageNet mean/std', () => {
    const t = detTensor(solid(10, 6, [255, 0, 0]), { width: 32, height: 32 });
    const plane = 32 * 32;
    expect(t).toHaveLength(3 * plane);
    expect(t[0]).toBeCloseTo((0 - DET_MEAN[0]) / DET_STD[0], 5); // B
    expect(t[plane + 5]).toBeCloseTo((0 - DET_MEAN[1]) / DET_STD[1], 5); // G
    expect(t[2 * plane + 100]).toBeCloseTo((1 - DET_MEAN[2]) / DET_STD[2], 5); // R
  });

  it('shrinks large images without losing the mean level', () => {
    const t = detTensor(solid(1000, 700, [100, 100, 100]), { width: 96, height: 64 });
    expect(t[96 * 64 + 1000]).toBeCloseTo((100 / 255 - DET_MEAN[1]) / DET_STD[1], 4);
  });

  it('pads an image with a border', () => {
    const p = padImage(solid(2, 1, [10, 20, 30]), 1, [0, 0, 0]);
    expect(p.width).toBe(4);
    expect(p.height).toBe(3);
    expect([...p.data.subarray(15, 21)]).toEqual([10, 20, 30, 10, 20, 30]);
    expect([...p.data.subarray(0, 3)]).toEqual([0, 0, 0]);
  });
});

describe('plate detector pre-processing', () => {
  it('writes one grey plane, 0.299 R + 0.587 G + 0.114 B scaled to -1..1', () => {
    const t = greyTensor(solid(64, 36, [200, 100, 50]), { width: 32, height: 32 });
    expect(t).toHaveLength(32 * 32);
    const grey = 0.299 * 200 + 0.587 * 100 + 0.114 * 50;
    expect(t[0]).toBeCloseTo(grey / 127.5 - 1, 4);
    expect(t[1023]).toBeCloseTo(grey / 127.5 - 1, 4);
    expect(greyTensor(solid(8, 8, [255, 255, 255]), { width: 32, height: 32 })[500]).toBeCloseTo(1, 5);
  });

  it('averages when shrinking 2x or more, so fine detail does not alias', () => {
    // 1-pixel black/white columns shrunk 4x: every input pixel is the mean, mid grey.
    const img = solid(128, 32, [0, 0, 0]);
    for (let y = 0; y < 32; y++) for (let x = 0; x < 128; x += 2) img.data.fill(255, (y * 128 + x) * 3, (y * 128 + x) * 3 + 3);
    const t = greyTensor(img, { width: 32, height: 32 });
    for (const v of [t[0], t[17], t[1023]]) expect(Math.abs(v!)).toBeLessThan(0.01); // 128 of 255 after rounding
  });
});

describe('boxShrinkBy', () => {
  it('makes each pixel the rounded mean of its block, dropping the ragged edge', () => {
    const width = 7;
    const height = 5;
    const data = Buffer.from(Array.from({ length: width * height * 3 }, (_, i) => (i * 37) % 256));
    const out = boxShrinkBy({ width, height, data }, 3, 2);
    expect([out.width, out.height]).toEqual([2, 2]);
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 2; x++) {
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 3; dx++) sum += data[((y * 2 + dy) * width + x * 3 + dx) * 3 + c]!;
          expect(out.data[(y * 2 + x) * 3 + c]).toBe(Math.round(sum / 6));
        }
      }
    }
  });
});
