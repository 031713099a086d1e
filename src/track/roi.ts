/**
 * A camera's region of interest, in normalised image coordinates (0..1, x to the right, y
 * down) so one config fits any stream resolution. Pure geometry: a read counts only when the
 * centre of its box lies inside the region (a plate half inside the edge still counts once its
 * centre is in).
 */
import type { Box } from '../ocr/types.ts';

export type RoiPoint = readonly [x: number, y: number];

export interface RoiRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** As configured (validated by the config schema): one polygon, or a list of rectangles (their union). */
export interface RoiConfig {
  polygon?: readonly RoiPoint[] | undefined;
  rects?: readonly RoiRect[] | undefined;
}

/** The region as polygons (a point is inside the region when it is inside any of them). */
export type Roi = readonly (readonly RoiPoint[])[];

export function roiFromConfig(config: RoiConfig): Roi {
  if (config.polygon) return [config.polygon];
  return (config.rects ?? []).map((r): RoiPoint[] => [
    [r.x, r.y],
    [r.x + r.w, r.y],
    [r.x + r.w, r.y + r.h],
    [r.x, r.y + r.h],
  ]);
}

/** Area of a simple polygon (shoelace); 0 for collinear points. */
export function polygonArea(points: readonly RoiPoint[]): number {
  let twice = 0;
  points.forEach(([x1, y1], i) => {
    const [x2, y2] = points[(i + 1) % points.length] as RoiPoint;
    twice += x1 * y2 - x2 * y1;
  });
  return Math.abs(twice) / 2;
}

/** Even-odd ray casting; a point exactly on an edge may fall either way. */
export function pointInPolygon(x: number, y: number, polygon: readonly RoiPoint[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as RoiPoint;
    const [xj, yj] = polygon[j] as RoiPoint;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function inRoi(roi: Roi, x: number, y: number): boolean {
  return roi.some((polygon) => pointInPolygon(x, y, polygon));
}

/** Whether the centre of `box` (pixels of a `width` × `height` image) lies in the region. */
export function boxCentreInRoi(roi: Roi, box: Box, width: number, height: number): boolean {
  return inRoi(roi, (box.x + box.w / 2) / width, (box.y + box.h / 2) / height);
}

/** 1 for each pixel of a `width` × `height` grid whose centre lies in the region, else 0 (row-major). */
export function roiMask(roi: Roi, width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) mask[y * width + x] = inRoi(roi, (x + 0.5) / width, (y + 0.5) / height) ? 1 : 0;
  }
  return mask;
}

/**
 * The part of a `width` × `height` frame worth reading for the region: the region's bounding box
 * widened by `margin` (share of the frame's width and height, so a plate whose centre is just
 * inside is read whole), in whole pixels, clamped to the frame. Null when it would still cover
 * most of the frame (`maxShare`): cropping would save little.
 */
export function roiReadWindow(roi: Roi, width: number, height: number, margin = 0.06, maxShare = 0.8): Box | null {
  const points = roi.flat();
  if (points.length === 0) return null;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x0 = Math.max(0, Math.floor((Math.min(...xs) - margin) * width));
  const y0 = Math.max(0, Math.floor((Math.min(...ys) - margin) * height));
  const x1 = Math.min(width, Math.ceil((Math.max(...xs) + margin) * width));
  const y1 = Math.min(height, Math.ceil((Math.max(...ys) + margin) * height));
  if (x1 - x0 < 16 || y1 - y0 < 16) return null;
  if ((x1 - x0) * (y1 - y0) > maxShare * width * height) return null;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
