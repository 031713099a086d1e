import { describe, expect, it } from 'vitest';
import { batchWidth, REC_HEIGHT, recWidth, writeRecLine } from '../../../src/ocr/rec-preprocess.ts';

describe('recogniser pre-processing', () => {
  it('keeps the aspect at height 48 and pads batches to at least the minimum width', () => {
    expect(recWidth({ cx: 0, cy: 0, w: 100, h: 25, angle: 0 })).toBe(192);
    expect(batchWidth([192, 100], 320)).toBe(320);
    expect(batchWidth([400, 100], 320)).toBe(400);
  });

  it('samples the rectangle in BGR, normalised to -1..1, zero-padded on the right', () => {
    const width = 20;
    const height = 10;
    const data = Buffer.alloc(width * height * 3);
    for (let i = 0; i < width * height; i++) data.set([255, 0, 0], i * 3); // red
    const out = new Float32Array(2 * 3 * REC_HEIGHT * 100);
    writeRecLine({ width, height, data }, { cx: 10, cy: 5, w: 20, h: 10, angle: 0 }, 96, out, 1, 100);
    const plane = REC_HEIGHT * 100;
    const base = 3 * plane; // batch index 1
    expect(out[base + 10]).toBeCloseTo(-1, 5); // B
    expect(out[base + 2 * plane + 10]).toBeCloseTo(1, 5); // R
    expect(out[base + 2 * plane + 97]).toBe(0); // padding
    expect(out[10]).toBe(0); // batch index 0 untouched
  });
});
