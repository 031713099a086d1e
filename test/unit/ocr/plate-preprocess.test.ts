import { describe, expect, it } from 'vitest';
import { fitPlacement, PLATE_IN_H, PLATE_IN_W, plateCropRect, writePlateInput } from '../../../src/ocr/plate-preprocess.ts';
import type { RgbImage } from '../../../src/ocr/types.ts';

/** A w x h image whose pixel value is given by `f(x, y)` (grey). */
function image(w: number, h: number, f: (x: number, y: number) => number): RgbImage {
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.fill(f(x, y), (y * w + x) * 3, (y * w + x) * 3 + 3);
  return { width: w, height: h, data };
}

const at = (t: Float32Array, x: number, y: number, n = 0) => t[n * PLATE_IN_H * PLATE_IN_W + y * PLATE_IN_W + x]!;

describe('plate crop geometry', () => {
  it('widens the line by a share of its height on every side, keeping centre and angle', () => {
    expect(plateCropRect({ cx: 100, cy: 50, w: 120, h: 30, angle: 0.1 }, { vertical: 0.2, horizontal: 0.25 })).toEqual({
      cx: 100,
      cy: 50,
      w: 135,
      h: 42,
      angle: 0.1,
    });
  });

  it('fits the crop into 32x128 with its aspect kept, centred', () => {
    expect(fitPlacement(200, 100)).toEqual({ x: 32, y: 0, w: 64, h: 32 }); // 2:1 US plate: height-bound
    expect(fitPlacement(520, 110)).toEqual({ x: 0, y: 2, w: 128, h: 27 }); // long EU plate: width-bound
    expect(fitPlacement(64, 32).h).toBe(32); // small crops are enlarged
  });
});

describe('writePlateInput', () => {
  it('samples grey, normalised to -1..1, with mid-grey (0) padding', () => {
    // Left half black, right half white; the crop is the whole 200x100 image.
    const img = image(200, 100, (x) => (x < 100 ? 0 : 255));
    const out = new Float32Array(PLATE_IN_H * PLATE_IN_W).fill(9);
    writePlateInput(img, { cx: 100, cy: 50, w: 200, h: 100, angle: 0 }, out, 0);
    expect(at(out, 0, 16)).toBe(0); // padding left of the 64 px wide plate
    expect(at(out, 127, 16)).toBe(0);
    expect(at(out, 33, 16)).toBeCloseTo(-1, 5);
    expect(at(out, 94, 16)).toBeCloseTo(1, 5);
  });

  it('uses 0.299 R + 0.587 G + 0.114 B', () => {
    const img: RgbImage = { width: 4, height: 2, data: Buffer.from(Array.from({ length: 8 }, () => [255, 0, 0]).flat()) };
    const out = new Float32Array(PLATE_IN_H * PLATE_IN_W);
    writePlateInput(img, { cx: 2, cy: 1, w: 4, h: 2, angle: 0 }, out, 0);
    expect(at(out, 64, 16)).toBeCloseTo((0.299 * 255) / 127.5 - 1, 4);
  });

  it('deskews: a crop turned by the line angle reads the rotated content upright', () => {
    // A bright band along a line tilted by 0.3 rad through (150, 100); everything else dark.
    const angle = 0.3;
    const img = image(300, 200, (x, y) => {
      const v = -(x + 0.5 - 150) * Math.sin(angle) + (y + 0.5 - 100) * Math.cos(angle); // distance across the band
      return Math.abs(v) < 8 ? 255 : 0;
    });
    const out = new Float32Array(2 * PLATE_IN_H * PLATE_IN_W);
    writePlateInput(img, { cx: 150, cy: 100, w: 160, h: 64, angle }, out, 1);
    // The band crosses the crop's middle row from end to end, the top and bottom rows stay dark.
    const p = fitPlacement(160, 64);
    for (const x of [p.x + 2, p.x + p.w / 2, p.x + p.w - 3]) {
      expect(at(out, x, 16, 1)).toBeGreaterThan(0.9);
      expect(at(out, x, p.y + 1, 1)).toBeLessThan(-0.9);
      expect(at(out, x, p.y + p.h - 2, 1)).toBeLessThan(-0.9);
    }
    expect(at(out, 64, 16, 0)).toBe(0); // batch item 0 untouched
  });
});
