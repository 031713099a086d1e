/**
 * Pure DB (differentiable binarisation) post-processing: threshold the probability map, label
 * 8-connected components, fit a minimum-area rectangle to each, score it by the mean
 * probability inside, expand it by the unclip distance (area * ratio / perimeter) and map it
 * back to original image coordinates.
 */
import type { Box } from '../ocr/types.ts';
import { minAreaRect, rectBounds, scaleRect, type Point, type RotatedRect } from './geometry.ts';

export interface DbOptions {
  /** Pixel threshold on the probability map. */
  thresh: number;
  /** Minimum mean probability inside a box. */
  boxThresh: number;
  unclipRatio: number;
  /** Minimum short side of a box in map pixels (before unclip). */
  minSize: number;
  maxCandidates: number;
}

export const DEFAULT_DB_OPTIONS: DbOptions = { thresh: 0.3, boxThresh: 0.6, unclipRatio: 1.5, minSize: 3, maxCandidates: 1000 };

export interface ProbMap {
  data: Float32Array;
  width: number;
  height: number;
}

/** One detected text line. */
export interface TextLine {
  /** Rotated rectangle in original image pixels (after unclip). */
  rect: RotatedRect;
  /** Axis-aligned bounds of `rect`, clipped to the image. */
  box: Box;
  /** Mean detector probability inside the line (0..1). */
  score: number;
}

/** 8-connected components of `mask` (1 = on); returns each component's pixel indices. */
export function connectedComponents(mask: Uint8Array, width: number, height: number): Int32Array[] {
  const seen = new Uint8Array(mask.length);
  const stack = new Int32Array(mask.length);
  const out: Int32Array[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    let top = 0;
    const pixels: number[] = [];
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const p = stack[--top]!;
      pixels.push(p);
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const q = yy * width + xx;
          if (mask[q] && !seen[q]) {
            seen[q] = 1;
            stack[top++] = q;
          }
        }
      }
    }
    out.push(Int32Array.from(pixels));
  }
  return out;
}

/**
 * Outline points of a component: the centres of its leftmost and rightmost pixel per row (as
 * OpenCV contours, which PaddleOCR's unclip ratio was tuned on).
 */
function outline(pixels: Int32Array, width: number): Point[] {
  const rows = new Map<number, [number, number]>();
  for (const p of pixels) {
    const x = p % width;
    const y = (p - x) / width;
    const r = rows.get(y);
    if (!r) rows.set(y, [x, x]);
    else {
      if (x < r[0]) r[0] = x;
      if (x > r[1]) r[1] = x;
    }
  }
  const pts: Point[] = [];
  for (const [y, [x0, x1]] of rows) pts.push([x0 + 0.5, y + 0.5], [x1 + 0.5, y + 0.5]);
  return pts;
}

/** Mean of the map over the pixel centres inside a rotated rectangle (map coordinates). */
export function meanInside(map: ProbMap, r: RotatedRect): number {
  const c = Math.cos(r.angle);
  const s = Math.sin(r.angle);
  const ext = (Math.abs(r.w * c) + Math.abs(r.h * s)) / 2;
  const eyt = (Math.abs(r.w * s) + Math.abs(r.h * c)) / 2;
  const x0 = Math.max(0, Math.floor(r.cx - ext));
  const x1 = Math.min(map.width - 1, Math.ceil(r.cx + ext));
  const y0 = Math.max(0, Math.floor(r.cy - eyt));
  const y1 = Math.min(map.height - 1, Math.ceil(r.cy + eyt));
  let sum = 0;
  let n = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - r.cx;
      const dy = y + 0.5 - r.cy;
      if (Math.abs(dx * c + dy * s) <= r.w / 2 && Math.abs(-dx * s + dy * c) <= r.h / 2) {
        sum += map.data[y * map.width + x]!;
        n++;
      }
    }
  }
  return n > 0 ? sum / n : 0;
}

/** Expands a rectangle by the DB unclip distance: area * ratio / perimeter on every side. */
export function unclipRect(r: RotatedRect, ratio: number): RotatedRect {
  const perimeter = 2 * (r.w + r.h);
  const d = perimeter > 0 ? (r.w * r.h * ratio) / perimeter : 0;
  return { ...r, w: r.w + 2 * d, h: r.h + 2 * d };
}

/**
 * Text lines from a DB probability map computed on an image resized from
 * `origWidth` x `origHeight`; results are in original coordinates, best score first.
 */
export function dbPostprocess(map: ProbMap, origWidth: number, origHeight: number, opts: DbOptions = DEFAULT_DB_OPTIONS): TextLine[] {
  const mask = new Uint8Array(map.data.length);
  for (let i = 0; i < mask.length; i++) mask[i] = map.data[i]! > opts.thresh ? 1 : 0;
  const comps = connectedComponents(mask, map.width, map.height)
    .sort((a, b) => b.length - a.length)
    .slice(0, opts.maxCandidates);
  const sx = origWidth / map.width;
  const sy = origHeight / map.height;
  const lines: TextLine[] = [];
  for (const comp of comps) {
    if (comp.length < opts.minSize * opts.minSize) continue;
    const rect = minAreaRect(outline(comp, map.width));
    if (Math.min(rect.w, rect.h) < opts.minSize) continue;
    const score = meanInside(map, rect);
    if (score < opts.boxThresh) continue;
    const grown = unclipRect(rect, opts.unclipRatio);
    if (Math.min(grown.w, grown.h) < opts.minSize + 2) continue;
    const scaled = scaleRect(grown, sx, sy);
    const box = rectBounds(scaled, origWidth, origHeight);
    if (box.w < 1 || box.h < 1) continue;
    lines.push({ rect: scaled, box, score });
  }
  return lines.sort((a, b) => b.score - a.score);
}
