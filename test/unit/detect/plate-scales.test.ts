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
  });

  it('gives a main box beyond the trained range, as its alternative, its union with the best overlapping close coarse box', () => {
    // openalpr-br JGZ3298.jpg (1280x960): the main scale boxed half of an 807 px plate (182 px
    // at 512), the coarse scale all of it; a small sticker box inside the plate stays as it is.
    const s = 1280 / 512;
    const half = plate(384, 432, 454, 146, 0.53);
    const sticker = plate(297, 378, 60, 32, 0.31);
    const whole = plate(244, 341, 762, 240, 0.84);
    const weaker = plate(250, 350, 700, 200, 0.6);
    expect(mergePlateScales([half, sticker], [weaker, whole], s, 4)).toEqual([{ ...half, alternative: { box: { x: 244, y: 341, w: 762, h: 240 }, score: 0.84 } }, sticker]);
    // Rendered close-up: each scale's box cuts a different end off the plate; the union holds it.
    const left = plate(150, 135, 311, 80, 0.37);
    const right = plate(181, 129, 333, 86, 0.42);
    expect(mergePlateScales([left], [right], s, 4)[0]!.alternative).toEqual({ box: { x: 150, y: 129, w: 364, h: 86 }, score: 0.42 });
    // A main box within the range gets none, and a coarse box it overlaps is not added.
    const inRange = plate(400, 432, 100 * s, 40, 0.7);
    expect(mergePlateScales([inRange], [whole], s, 4)).toEqual([inRange]);
    // A close coarse box that overlaps no main box is still added on its own.
    expect(mergePlateScales([sticker], [plate(700, 100, 400, 130, 0.9)], s, 4)).toEqual([plate(700, 100, 400, 130, 0.9), sticker]);
  });

  it('returns at most maxPlates', () => {
    const many = [plate(0, 0, 300, 60, 0.9), plate(400, 0, 300, 60, 0.8), plate(800, 0, 300, 60, 0.7)];
    expect(mergePlateScales([], many, scale, 2)).toEqual(many.slice(0, 2));
    expect(mergePlateScales([], [], scale, 4)).toEqual([]);
  });
});
