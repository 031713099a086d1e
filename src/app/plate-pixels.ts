/**
 * Cuts a plate's region (with margin) out of a frame as a small RGB image, so a track can keep
 * the pixels of its best observation without holding whole frames.
 */
import { cropRgb } from '../ocr/crop-rgb.ts';
import type { Box, RgbImage } from '../ocr/types.ts';

export interface PlatePixels {
  image: RgbImage;
  /** The plate box in `image` coordinates. */
  box: Box;
  /** The whole frame, reduced (reduceRgb in alerts/hit-frame.ts), for hit messages; absent when not kept. */
  frame?: RgbImage;
}

export function cutPlate(frame: RgbImage, box: Box, margin: number): PlatePixels | null {
  const mx = box.w * margin;
  const my = box.h * margin;
  const x0 = Math.max(0, Math.floor(box.x - mx));
  const y0 = Math.max(0, Math.floor(box.y - my));
  const x1 = Math.min(frame.width, Math.ceil(box.x + box.w + mx));
  const y1 = Math.min(frame.height, Math.ceil(box.y + box.h + my));
  const w = x1 - x0;
  const h = y1 - y0;
  if (w <= 0 || h <= 0) return null;
  return { image: cropRgb(frame, { x: x0, y: y0, w, h }), box: { x: box.x - x0, y: box.y - y0, w: box.w, h: box.h } };
}

/** The plate's pixels with the reduced whole frame attached (when both exist). */
export function withFrame(pixels: PlatePixels | null, frame: RgbImage | undefined): PlatePixels | null {
  return pixels && frame ? { ...pixels, frame } : pixels;
}
