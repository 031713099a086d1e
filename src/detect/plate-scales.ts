/**
 * Two scales of the plate detector (pure merge). A plate close to the camera can be missed at
 * the main scale (512 px): the one US scene whose plate was never boxed holds a plate 295 px
 * wide in a 900 px frame, 168 px at that scale. The detector was trained on plates pasted at
 * 16–110 px wide (scripts/train/compose_scenes.py), and the same model run on the frame at half
 * the scale (~1 ms) sees such a plate within that range. So the coarse scale only adds plates
 * the main scale missed and that are wider than that range at the main scale: it never replaces
 * a main-scale box (a coarse box replacing one misread an EU plate), and smaller text it finds
 * is left to the main scale, which sees it sharper (it added a van's phone number to a scene
 * video; docs/accuracy.md).
 */
import { pointInBox } from './geometry.ts';
import type { DetectedPlate } from './plate-heatmap.ts';

/** Widest plate (input pixels) pasted into the detector's training scenes. */
export const PASTED_MAX_PLATE_WIDTH = 110;

function centreInside(a: DetectedPlate, b: DetectedPlate): boolean {
  return pointInBox(a.box.x + a.box.w / 2, a.box.y + a.box.h / 2, b.box);
}

/**
 * The main scale's plates and the coarse scale's close plates the main one missed, best first,
 * at most `maxPlates`. `mainScale`: image pixels per main-input pixel.
 */
export function mergePlateScales(main: readonly DetectedPlate[], coarse: readonly DetectedPlate[], mainScale: number, maxPlates: number): DetectedPlate[] {
  const added = coarse.filter((c) => c.box.w / mainScale > PASTED_MAX_PLATE_WIDTH && !main.some((m) => centreInside(m, c) || centreInside(c, m)));
  return [...main, ...added].sort((a, b) => b.score - a.score).slice(0, maxPlates);
}
