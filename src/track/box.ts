/** Pure box geometry for association: area, intersection over union, constant-velocity prediction. */
import type { Box } from '../ocr/types.ts';

export function boxArea(b: Box): number {
  return Math.max(0, b.w) * Math.max(0, b.h);
}

/** Intersection over union, 0..1; 0 when either box is empty. */
export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

export function centre(b: Box): { x: number; y: number } {
  return { x: b.x + b.w / 2, y: b.y + b.h / 2 };
}

/** A box seen at a time (ms). */
export interface TimedBox {
  box: Box;
  at: number;
}

/**
 * Where `last` should be at time `at`, moving at the velocity between `prev` and `last`
 * (constant velocity of the centre, size of the last box). Without a usable previous box, the last box as is.
 */
export function predictBox(last: TimedBox, prev: TimedBox | undefined, at: number): Box {
  const dt = prev === undefined ? 0 : last.at - prev.at;
  const ahead = at - last.at;
  if (prev === undefined || dt <= 0 || ahead <= 0) return last.box;
  const c0 = centre(prev.box);
  const c1 = centre(last.box);
  const cx = c1.x + ((c1.x - c0.x) / dt) * ahead;
  const cy = c1.y + ((c1.y - c0.y) / dt) * ahead;
  return { x: cx - last.box.w / 2, y: cy - last.box.h / 2, w: last.box.w, h: last.box.h };
}
