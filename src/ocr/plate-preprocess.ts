/**
 * Pure pre-processing for the plate recogniser (models/plate-rec.onnx): the plate region around
 * a detected text line, deskewed by the line's angle, sampled to grey and fitted into 32x128 with
 * its aspect kept, centred on mid-grey. Mirrors `prepare` without augmentation in
 * scripts/train/augment.py, which the model was trained and validated with.
 */
import type { RotatedRect } from '../detect/geometry.ts';
import { sampleBilinear } from './bilinear.ts';
import type { RgbImage } from './types.ts';

export const PLATE_IN_H = 32;
export const PLATE_IN_W = 128;

export interface CropMargins {
  /** Added above and below the line, as a fraction of its height. */
  vertical: number;
  /** Added left and right of the line, as a fraction of its height. */
  horizontal: number;
}

/**
 * The detector's line hugs the characters; the recogniser was trained on crops from the whole
 * plate down to a trimmed text band, so a little context is added on every side (edge characters
 * cut by a tight box were a common PP-OCR error).
 */
export const DEFAULT_CROP_MARGINS: CropMargins = { vertical: 0.2, horizontal: 0.2 };

/** The rotated rectangle read for a text line: the line widened by `margins`, same centre and angle. */
export function plateCropRect(line: RotatedRect, margins: CropMargins = DEFAULT_CROP_MARGINS): RotatedRect {
  return {
    cx: line.cx,
    cy: line.cy,
    w: line.w + 2 * margins.horizontal * line.h,
    h: line.h * (1 + 2 * margins.vertical),
    angle: line.angle,
  };
}

/** Where a w x h crop lands in the 32x128 input: scale to fit, aspect kept, centred. */
export function fitPlacement(w: number, h: number): { x: number; y: number; w: number; h: number } {
  const s = Math.min(PLATE_IN_H / Math.max(h, 1e-6), PLATE_IN_W / Math.max(w, 1e-6));
  const nw = Math.min(PLATE_IN_W, Math.max(1, Math.round(w * s)));
  const nh = Math.min(PLATE_IN_H, Math.max(1, Math.round(h * s)));
  return { x: Math.floor((PLATE_IN_W - nw) / 2), y: Math.floor((PLATE_IN_H - nh) / 2), w: nw, h: nh };
}

/**
 * Writes the crop `rect` of `image` into `out` (a [N, 1, 32, 128] tensor) at batch index `n`:
 * grey (0.299 R + 0.587 G + 0.114 B), box-averaged when shrinking, normalised to
 * (v / 255 - 0.5) / 0.5; the padding is 0 (mid-grey). Pixels outside the image repeat the edge.
 */
export function writePlateInput(image: RgbImage, rect: RotatedRect, out: Float32Array, n: number): void {
  const plane = PLATE_IN_H * PLATE_IN_W;
  const base = n * plane;
  out.fill(0, base, base + plane);
  const place = fitPlacement(rect.w, rect.h);
  const c = Math.cos(rect.angle);
  const s = Math.sin(rect.angle);
  const du = rect.w / place.w;
  const dv = rect.h / place.h;
  const k = Math.min(4, Math.max(1, Math.ceil(Math.max(du, dv))));
  // Grey is linear in R, G and B, so sampling each channel and mixing equals mixing then sampling.
  const grey = (x: number, y: number): number =>
    0.299 * sampleBilinear(image, x, y, 0) + 0.587 * sampleBilinear(image, x, y, 1) + 0.114 * sampleBilinear(image, x, y, 2);
  const norm = 1 / (k * k * 127.5);
  for (let v = 0; v < place.h; v++) {
    for (let u = 0; u < place.w; u++) {
      let sum = 0;
      for (let sy = 0; sy < k; sy++) {
        const lv = (v + (sy + 0.5) / k) * dv - rect.h / 2;
        for (let sx = 0; sx < k; sx++) {
          const lu = (u + (sx + 0.5) / k) * du - rect.w / 2;
          sum += grey(rect.cx + lu * c - lv * s, rect.cy + lu * s + lv * c);
        }
      }
      out[base + (place.y + v) * PLATE_IN_W + place.x + u] = sum * norm - 1;
    }
  }
}
