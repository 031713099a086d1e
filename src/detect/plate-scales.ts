/**
 * Two scales of the plate detector (pure merge). A plate close to the camera can be missed at
 * the main scale (512 px): the one US scene whose plate was never boxed holds a plate 295 px
 * wide in a 1280 px frame. The same model run on the frame at half that scale (~1 ms) sees it.
 * The coarse scale only adds plates the main scale missed; where both box the same plate the
 * main scale's box stays, as it is the sharper one (a coarse box replacing it misread an EU
 * plate, docs/accuracy.md).
 */
import type { DetectedPlate } from './plate-heatmap.ts';

function centreInside(a: DetectedPlate, b: DetectedPlate): boolean {
  const cx = a.box.x + a.box.w / 2;
  const cy = a.box.y + a.box.h / 2;
  return cx >= b.box.x && cx <= b.box.x + b.box.w && cy >= b.box.y && cy <= b.box.y + b.box.h;
}

/** The main scale's plates and the coarse scale's other plates, best first, at most `maxPlates`. */
export function mergePlateScales(main: readonly DetectedPlate[], coarse: readonly DetectedPlate[], maxPlates: number): DetectedPlate[] {
  const added = coarse.filter((c) => !main.some((m) => centreInside(m, c) || centreInside(c, m)));
  return [...main, ...added].sort((a, b) => b.score - a.score).slice(0, maxPlates);
}
