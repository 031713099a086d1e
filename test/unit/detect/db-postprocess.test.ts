import { describe, expect, it } from 'vitest';
import { connectedComponents, dbPostprocess, unclipRect, type ProbMap } from '../../../src/detect/db-postprocess.ts';

function probMap(width: number, height: number): ProbMap {
  return { data: new Float32Array(width * height), width, height };
}

function fillRect(m: ProbMap, x: number, y: number, w: number, h: number, p: number): void {
  for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) m.data[yy * m.width + xx] = p;
}

describe('DB post-processing', () => {
  it('labels 8-connected components', () => {
    // rows: 1000 / 1001 / 0100 — the diagonal joins the left pixels; the right column is apart.
    const mask = new Uint8Array([1, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0]);
    const comps = connectedComponents(mask, 4, 3);
    expect(comps.map((c) => c.length).sort()).toEqual([1, 3]);
  });

  it('unclips by area * ratio / perimeter on each side', () => {
    const r = unclipRect({ cx: 0, cy: 0, w: 40, h: 10, angle: 0 }, 1.5);
    const d = (400 * 1.5) / 100;
    expect(r.w).toBeCloseTo(40 + 2 * d, 6);
    expect(r.h).toBeCloseTo(10 + 2 * d, 6);
  });

  it('turns blobs of a synthetic map into boxes in original coordinates', () => {
    const m = probMap(64, 32);
    fillRect(m, 8, 8, 40, 8, 0.9); // a text line
    fillRect(m, 56, 24, 4, 4, 0.35); // weak blob: mean probability below boxThresh
    fillRect(m, 2, 28, 2, 2, 0.95); // too small
    const lines = dbPostprocess(m, 128, 64); // original image is twice the map size
    expect(lines).toHaveLength(1);
    const [l] = lines;
    expect(l!.score).toBeCloseTo(0.9, 5);
    // Pixel centres span 39x7; d = 39*7*1.5/92 per side -> 47.9x15.9 map pixels, doubled in the image.
    const d = (39 * 7 * 1.5) / 92;
    expect(l!.rect.w).toBeCloseTo(2 * (39 + 2 * d), 4);
    expect(l!.rect.h).toBeCloseTo(2 * (7 + 2 * d), 4);
    expect(l!.rect.cx).toBeCloseTo(56, 4);
    expect(l!.rect.cy).toBeCloseTo(24, 4);
    expect(l!.box).toEqual({ x: 8, y: 8, w: 96, h: 32 });
  });

  it('follows a tilted line', () => {
    const m = probMap(80, 60);
    for (let x = 10; x < 70; x++) {
      const y0 = Math.round(20 + (x - 10) * 0.2);
      fillRect(m, x, y0, 1, 6, 0.8);
    }
    const [l] = dbPostprocess(m, 80, 60);
    expect(l).toBeDefined();
    expect(l!.rect.angle).toBeCloseTo(Math.atan(0.2), 1);
    expect(l!.rect.w).toBeGreaterThan(60);
  });
});
