import { describe, expect, it } from 'vitest';
import { decodePlateMaps, PLATE_MAP_STRIDE, type PlateMaps } from '../../../src/detect/plate-heatmap.ts';

/** Maps of rows x cols with the given heat peaks (value at a cell, plus optional 3x3 shoulders) and sizes. */
function maps(rows: number, cols: number, peaks: { r: number; c: number; v: number; w: number; h: number; shoulder?: [number, number] }[]): PlateMaps {
  const plane = rows * cols;
  const data = new Float32Array(3 * plane);
  for (const p of peaks) {
    const i = p.r * cols + p.c;
    data[i] = p.v;
    data[plane + i] = Math.log(p.w / PLATE_MAP_STRIDE);
    data[2 * plane + i] = Math.log(p.h / PLATE_MAP_STRIDE);
    if (p.shoulder) {
      const [dc, v] = p.shoulder;
      data[p.r * cols + p.c + dc] = v;
    }
  }
  return { data, rows, cols };
}

const ONE = { threshold: 0.3, maxPlates: 4, scaleX: 1, scaleY: 1 };

describe('plate heat-map decoding', () => {
  it('turns a peak into a box centred on its cell with the regressed size', () => {
    const out = decodePlateMaps(maps(9, 16, [{ r: 4, c: 10, v: 0.9, w: 64, h: 24 }]), ONE);
    expect(out).toHaveLength(1);
    const { box, score } = out[0]!;
    expect(score).toBeCloseTo(0.9, 6);
    expect(box.x + box.w / 2).toBeCloseTo(10.5 * 8, 4);
    expect(box.y + box.h / 2).toBeCloseTo(4.5 * 8, 4);
    expect(box.w).toBeCloseTo(64, 3);
    expect(box.h).toBeCloseTo(24, 3);
  });

  it('moves the centre towards a strong neighbour and scales to image pixels', () => {
    const [p] = decodePlateMaps(maps(9, 16, [{ r: 4, c: 10, v: 0.8, w: 64, h: 24, shoulder: [1, 0.8] }]), { ...ONE, scaleX: 2.5, scaleY: 2 });
    // Two equal cells: the centre lies on their border, 11 cells in.
    expect(p!.box.x + p!.box.w / 2).toBeCloseTo(11 * 8 * 2.5, 3);
    expect(p!.box.y + p!.box.h / 2).toBeCloseTo(4.5 * 8 * 2, 3);
    expect(p!.box.w).toBeCloseTo(160, 2);
    expect(p!.box.h).toBeCloseTo(48, 2);
  });

  it('keeps peaks at or above the threshold, best first, at most maxPlates', () => {
    const m = maps(20, 40, [
      { r: 2, c: 2, v: 0.5, w: 40, h: 16 },
      { r: 15, c: 30, v: 0.95, w: 40, h: 16 },
      { r: 10, c: 15, v: 0.29, w: 40, h: 16 },
      { r: 2, c: 30, v: 0.7, w: 40, h: 16 },
    ]);
    expect(decodePlateMaps(m, ONE).map((p) => p.score.toFixed(2))).toEqual(['0.95', '0.70', '0.50']);
    expect(decodePlateMaps(m, { ...ONE, maxPlates: 2 }).map((p) => p.score.toFixed(2))).toEqual(['0.95', '0.70']);
    expect(decodePlateMaps(m, { ...ONE, threshold: 0.99 })).toEqual([]);
  });

  it('drops a weaker peak whose centre lies inside a stronger plate', () => {
    // Two peaks two cells apart on a 100 px wide plate are one plate.
    const m = maps(10, 30, [
      { r: 5, c: 10, v: 0.9, w: 100, h: 30 },
      { r: 5, c: 12, v: 0.6, w: 40, h: 16 },
      { r: 5, c: 25, v: 0.6, w: 40, h: 16 },
    ]);
    expect(decodePlateMaps(m, ONE).map((p) => Math.round(p.box.x + p.box.w / 2))).toEqual([84, 204]);
  });

  it('clamps a wild or missing size instead of making a huge or NaN box', () => {
    const m = maps(9, 16, [{ r: 4, c: 4, v: 0.9, w: 64, h: 24 }]);
    m.data[9 * 16 + 4 * 16 + 4] = 50;
    m.data[2 * 9 * 16 + 4 * 16 + 4] = Number.NaN;
    const [p] = decodePlateMaps(m, ONE);
    expect(p!.box.w).toBeCloseTo(Math.exp(6) * 8, 1);
    expect(p!.box.h).toBeCloseTo(Math.exp(-3) * 8, 3);
  });

  it('rejects maps of the wrong size', () => {
    expect(() => decodePlateMaps({ data: new Float32Array(10), rows: 2, cols: 2 }, ONE)).toThrow(/10 values, not 3x2x2/);
  });
});
