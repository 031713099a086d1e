/** Pure plane geometry for text boxes: convex hull, minimum-area rectangle, corners. */
import type { Box } from '../ocr/types.ts';

export type Point = readonly [number, number];

/** A rotated rectangle; `w` runs along `angle` (radians, in (-pi/4, pi/4]), `h` across it. */
export interface RotatedRect {
  cx: number;
  cy: number;
  w: number;
  h: number;
  angle: number;
}

/** Convex hull (Andrew's monotone chain), counter-clockwise in y-down image space order-agnostic. */
export function convexHull(points: Point[]): Point[] {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length <= 2) return pts;
  const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/** Puts a rectangle into canonical form: angle in (-pi/4, pi/4], w along the angle. */
export function canonicalRect(r: RotatedRect): RotatedRect {
  let { w, h, angle } = r;
  while (angle > Math.PI / 4) {
    angle -= Math.PI / 2;
    [w, h] = [h, w];
  }
  while (angle <= -Math.PI / 4) {
    angle += Math.PI / 2;
    [w, h] = [h, w];
  }
  return { cx: r.cx, cy: r.cy, w, h, angle };
}

/** Minimum-area enclosing rectangle of a point set (rotating calipers over the hull). */
export function minAreaRect(points: Point[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) return { cx: 0, cy: 0, w: 0, h: 0, angle: 0 };
  let best: RotatedRect | undefined;
  let bestArea = Infinity;
  const n = hull.length;
  for (let i = 0; i < Math.max(1, n); i++) {
    const p = hull[i]!;
    const q = hull[(i + 1) % n]!;
    const len = Math.hypot(q[0] - p[0], q[1] - p[1]);
    const ux = len > 0 ? (q[0] - p[0]) / len : 1;
    const uy = len > 0 ? (q[1] - p[1]) / len : 0;
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const [x, y] of hull) {
      const u = x * ux + y * uy;
      const v = -x * uy + y * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea - 1e-9) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { cx: cu * ux - cv * uy, cy: cu * uy + cv * ux, w: maxU - minU, h: maxV - minV, angle: Math.atan2(uy, ux) };
    }
  }
  return canonicalRect(best!);
}

/** Corners: top-left, top-right, bottom-right, bottom-left (for a small angle). */
export function rectCorners(r: RotatedRect): [Point, Point, Point, Point] {
  const c = Math.cos(r.angle);
  const s = Math.sin(r.angle);
  const hw = r.w / 2;
  const hh = r.h / 2;
  const at = (u: number, v: number): Point => [r.cx + u * c - v * s, r.cy + u * s + v * c];
  return [at(-hw, -hh), at(hw, -hh), at(hw, hh), at(-hw, hh)];
}

/** Axis-aligned bounds of a rotated rectangle, clipped to a width x height image. */
export function rectBounds(r: RotatedRect, width: number, height: number): Box {
  const cs = rectCorners(r);
  const x0 = Math.max(0, Math.min(...cs.map((p) => p[0])));
  const y0 = Math.max(0, Math.min(...cs.map((p) => p[1])));
  const x1 = Math.min(width, Math.max(...cs.map((p) => p[0])));
  const y1 = Math.min(height, Math.max(...cs.map((p) => p[1])));
  return { x: Math.round(x0), y: Math.round(y0), w: Math.max(0, Math.round(x1) - Math.round(x0)), h: Math.max(0, Math.round(y1) - Math.round(y0)) };
}

/** Maps a rectangle through a per-axis scale (sx, sy), keeping it a rectangle (sx ~ sy). */
export function scaleRect(r: RotatedRect, sx: number, sy: number): RotatedRect {
  const c = Math.cos(r.angle);
  const s = Math.sin(r.angle);
  return canonicalRect({
    cx: r.cx * sx,
    cy: r.cy * sy,
    w: r.w * Math.hypot(c * sx, s * sy),
    h: r.h * Math.hypot(s * sx, c * sy),
    angle: Math.atan2(s * sy, c * sx),
  });
}

export function boxArea(b: Box): number {
  return Math.max(0, b.w) * Math.max(0, b.h);
}

/** Area shared by two axis-aligned boxes (0 when they do not overlap). */
export function intersectionArea(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  return ix * iy;
}

/** Intersection over union of two axis-aligned boxes. */
export function iou(a: Box, b: Box): number {
  const inter = intersectionArea(a, b);
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** Whether the point (x, y) lies in the axis-aligned box, edges included. */
export function pointInBox(x: number, y: number, b: Box): boolean {
  return x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h;
}

/** The smallest axis-aligned box holding both boxes. */
export function unionBox(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}
