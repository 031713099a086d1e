import { describe, expect, it } from 'vitest';
import type { DetectedPlate } from '../../../src/detect/plate-heatmap.ts';
import { mergePlateScales } from '../../../src/detect/plate-scales.ts';

const plate = (x: number, y: number, w: number, h: number, score: number): DetectedPlate => ({ box: { x, y, w, h }, score });

describe('merging the two scales of the plate detector', () => {
  it("keeps the main scale's box where both found the plate, even when the coarse one scores higher", () => {
    const main = [plate(199, 172, 111, 24, 0.9)];
    const coarse = [plate(198, 178, 112, 24, 0.95)];
    expect(mergePlateScales(main, coarse, 4)).toEqual(main);
  });

  it('adds a plate only the coarse scale found, best first, at most maxPlates in all', () => {
    const main = [plate(100, 100, 60, 20, 0.5)];
    const close = plate(255, 216, 295, 147, 0.8);
    expect(mergePlateScales(main, [close], 4)).toEqual([close, main[0]]);
    const many = [plate(0, 0, 10, 5, 0.9), plate(50, 0, 10, 5, 0.8), plate(100, 0, 10, 5, 0.7)];
    expect(mergePlateScales(main, many, 2)).toEqual(many.slice(0, 2));
  });

  it("treats a coarse box holding a main box's centre, or centred inside one, as the same plate", () => {
    const main = [plate(300, 300, 40, 12, 0.6)];
    expect(mergePlateScales(main, [plate(250, 280, 200, 60, 0.9)], 4)).toEqual(main);
    expect(mergePlateScales(main, [plate(310, 302, 10, 4, 0.9)], 4)).toEqual(main);
    expect(mergePlateScales([], [], 4)).toEqual([]);
  });
});
