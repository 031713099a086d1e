/**
 * Pure pre-processing for the PP-OCR recogniser: each text line (a rotated rectangle) is
 * sampled straight from the image to height 48 with its aspect kept, normalised to
 * (v / 255 - 0.5) / 0.5 in BGR order, and right-padded with 0 to the batch width.
 */
import type { RotatedRect } from '../detect/geometry.ts';
import { sampleBilinear } from './bilinear.ts';
import type { RgbImage } from './types.ts';

export const REC_HEIGHT = 48;
/** Upper bound on one line's width (a 25:1 line); longer lines are squeezed. */
export const REC_MAX_WIDTH = 1200;

/** Width of a line at height 48 with its aspect kept. */
export function recWidth(rect: RotatedRect): number {
  const ratio = rect.h > 0 ? rect.w / rect.h : 1;
  return Math.min(REC_MAX_WIDTH, Math.max(8, Math.ceil(REC_HEIGHT * ratio)));
}

/** Width a batch is padded to: its widest line, but at least `minWidth`. */
export function batchWidth(widths: readonly number[], minWidth: number): number {
  return Math.max(minWidth, ...widths);
}

/**
 * Writes one line into `out` (a [N, 3, 48, batchW] tensor) at batch index `n`: `width`
 * columns sampled from `rect` (box-averaged when shrinking), then zero padding.
 */
export function writeRecLine(image: RgbImage, rect: RotatedRect, width: number, out: Float32Array, n: number, batchW: number): void {
  const H = REC_HEIGHT;
  const plane = H * batchW;
  const base = n * 3 * plane;
  const c = Math.cos(rect.angle);
  const s = Math.sin(rect.angle);
  const du = rect.w / width;
  const dv = rect.h / H;
  // Supersample when the line is shrunk, so thin strokes are averaged, not skipped.
  const k = Math.min(4, Math.max(1, Math.ceil(Math.max(du, dv))));
  const sample = (x: number, y: number, ch: number): number => sampleBilinear(image, x, y, ch);
  const vals = [0, 0, 0];
  for (let v = 0; v < H; v++) {
    for (let u = 0; u < batchW; u++) {
      const o = v * batchW + u;
      if (u >= width) {
        out[base + o] = 0;
        out[base + plane + o] = 0;
        out[base + 2 * plane + o] = 0;
        continue;
      }
      vals[0] = vals[1] = vals[2] = 0;
      for (let sy = 0; sy < k; sy++) {
        const lv = (v + (sy + 0.5) / k) * dv - rect.h / 2;
        for (let sx = 0; sx < k; sx++) {
          const lu = (u + (sx + 0.5) / k) * du - rect.w / 2;
          const x = rect.cx + lu * c - lv * s;
          const y = rect.cy + lu * s + lv * c;
          vals[0] += sample(x, y, 2);
          vals[1] += sample(x, y, 1);
          vals[2] += sample(x, y, 0);
        }
      }
      const norm = 1 / (k * k * 127.5);
      out[base + o] = vals[0] * norm - 1;
      out[base + plane + o] = vals[1] * norm - 1;
      out[base + 2 * plane + o] = vals[2] * norm - 1;
    }
  }
}
