import { describe, expect, it } from 'vitest';
import type { DetectedPlate } from '../../../src/detect/plate-heatmap.ts';
import { mergePlateScales, PASTED_MAX_PLATE_WIDTH } from '../../../src/detect/plate-scales.ts';

const plate = (x: number, y: number, w: number, h: number, score: number): DetectedPlate => ({ box: { x, y, w, h }, score });
// A 900 px frame read at a 512 px long side.
const scale = 900 / 512;

describe('merging the two scales of the plate detector', () => {
  it('adds a close plate only the coarse scale found, best first', () => {
    const main = [plate(505, 121, 216, 65, 0.35)];
    // openalpr-us-dev car19.jpg: the plate is 318 px wide here, 181 px at the main scale.
    const close = plate(249, 208, 318, 158, 0.945);
    expect(mergePlateScales(main, [close], scale, 4)).toEqual([close, main[0]]);
  });

  it('leaves plates no wider than the trained range to the main scale, even ones it missed', () => {
    const small = plate(179, 382, PASTED_MAX_PLATE_WIDTH * scale - 1, 66, 0.9);
    expect(mergePlateScales([], [small], scale, 4)).toEqual([]);
  });

  it("keeps the main scale's box where both found the plate, even when the coarse one scores higher", () => {
    const main = [plate(300, 300, 40, 12, 0.6)];
    expect(mergePlateScales(main, [plate(250, 280, 300, 90, 0.9)], scale, 4)).toEqual(main);
    expect(mergePlateScales([plate(250, 280, 300, 90, 0.5)], [plate(100, 250, 400, 130, 0.9)], scale, 4)).toEqual([plate(250, 280, 300, 90, 0.5)]);
  });

  it('returns at most maxPlates', () => {
    const many = [plate(0, 0, 300, 60, 0.9), plate(400, 0, 300, 60, 0.8), plate(800, 0, 300, 60, 0.7)];
    expect(mergePlateScales([], many, scale, 2)).toEqual(many.slice(0, 2));
    expect(mergePlateScales([], [], scale, 4)).toEqual([]);
  });
});
