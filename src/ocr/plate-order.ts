/**
 * The order the detector-only reader reports a frame's plates in, best first (pure). The first
 * plate is the one the CLI prints and `alpr-edge eval` scores as top-1, so "best" means the
 * read most likely to be a whole plate read right:
 *
 * - a plate whose box the frame's edge cuts comes after every whole one: only part of it is in
 *   the picture, so its text is at best a fragment (a car half out of a US scene read `6F1A`
 *   before the labelled plate in the middle of it);
 * - otherwise the detector's plate-likeness times the reading's confidence: the detector alone
 *   ranked a truck's `FedEx` logo (read `GCEX`, confidence 0.58) above its plate (`91A4ZA`,
 *   0.999). Either figure alone says half of "a plate, read right"; their product both.
 *
 * Figures: docs/accuracy.md ("Which plate comes first").
 */
import type { Box, PlateRead } from './types.ts';

/** Whether any side of the box lies outside a width x height frame. */
export function cutByFrame(box: Box, width: number, height: number): boolean {
  return box.x < 0 || box.y < 0 || box.x + box.w > width || box.y + box.h > height;
}

/** The detector's (or the plate selection's) plate-likeness times the read's confidence. */
export function plateReadScore(plate: PlateRead): number {
  return (plate.detectorScore ?? plate.plateScore ?? 0) * plate.confidence;
}

/**
 * The better of a plate's reads from two boxes (the main and coarse detector scales,
 * plate-scales.ts), by the same score; undefined when neither box read a plate.
 */
export function betterRead(reads: readonly (PlateRead | undefined)[]): PlateRead | undefined {
  let best: PlateRead | undefined;
  for (const r of reads) if (r && (!best || plateReadScore(r) > plateReadScore(best))) best = r;
  return best;
}

/** The plates best first (a new array; ties keep the detector's order). */
export function orderPlates(plates: readonly PlateRead[], width: number, height: number): PlateRead[] {
  const keyed = plates.map((plate, index) => ({ plate, index, cut: cutByFrame(plate.box, width, height), score: plateReadScore(plate) }));
  keyed.sort((a, b) => Number(a.cut) - Number(b.cut) || b.score - a.score || a.index - b.index);
  return keyed.map((k) => k.plate);
}
