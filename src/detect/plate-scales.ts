/**
 * Two scales of the plate detector (pure merge). A plate close to the camera can be missed at
 * the main scale (512 px): the one US scene whose plate was never boxed holds a plate 295 px
 * wide in a 900 px frame, 168 px at that scale. The detector was trained on plates pasted at
 * 16–110 px wide (scripts/train/compose_scenes.py), and the same model run on the frame at half
 * the scale (~1 ms) sees such a plate within that range. So the coarse scale only adds plates
 * the main scale missed and that are wider than that range at the main scale, and smaller text
 * it finds is left to the main scale, which sees it sharper (it added a van's phone number to
 * a scene video; docs/accuracy.md).
 *
 * Where both scales box one plate and the main box is itself beyond the trained range, neither
 * box can be trusted on its own: a Brazilian close-up's main box held half the plate (`GZ29`),
 * while an EU plate's coarse box sat 6 px low and misread a letter; on rendered close-ups each
 * scale's box cut a different end off the plate. The main box then carries the union of both
 * as its `alternative` (the plate as either scale saw it), and the reader keeps whichever of
 * the two reads better (detector-only-reader.ts). A coarse box never simply replaces a main one.
 */
import { pointInBox, unionBox } from './geometry.ts';
import type { DetectedPlate } from './plate-heatmap.ts';

/** Widest plate (input pixels) pasted into the detector's training scenes. */
export const PASTED_MAX_PLATE_WIDTH = 110;

function centreInside(a: DetectedPlate, b: DetectedPlate): boolean {
  return pointInBox(a.box.x + a.box.w / 2, a.box.y + a.box.h / 2, b.box);
}

/**
 * The main scale's plates and the coarse scale's close plates the main one missed, best first,
 * at most `maxPlates`. `mainScale`: image pixels per main-input pixel. A main plate wider than
 * the trained range that a close coarse plate overlaps carries, as its `alternative`, the union
 * of its box and the best such coarse box, with that box's score.
 */
export function mergePlateScales(main: readonly DetectedPlate[], coarse: readonly DetectedPlate[], mainScale: number, maxPlates: number): DetectedPlate[] {
  const beyondRange = (p: DetectedPlate) => p.box.w / mainScale > PASTED_MAX_PLATE_WIDTH;
  const overlap = (a: DetectedPlate, b: DetectedPlate) => centreInside(a, b) || centreInside(b, a);
  const close = coarse.filter(beyondRange);
  const mainPlates = main.map((m) => {
    if (!beyondRange(m)) return m;
    const coarser = close.filter((c) => overlap(m, c)).sort((a, b) => b.score - a.score)[0];
    return coarser ? { ...m, alternative: { box: unionBox(m.box, coarser.box), score: coarser.score } } : m;
  });
  const added = close.filter((c) => !main.some((m) => overlap(m, c)));
  return [...mainPlates, ...added].sort((a, b) => b.score - a.score).slice(0, maxPlates);
}
