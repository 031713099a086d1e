/** Cutting a rectangle out of an RGB image (windows for the detector, plate crops for tracks). */
import type { Box, RgbImage } from './types.ts';

/** A copy of the whole-pixel rectangle `r` (inside the image) of an RGB image. */
export function cropRgb(image: RgbImage, r: Box): RgbImage {
  const data = Buffer.allocUnsafe(r.w * r.h * 3);
  for (let row = 0; row < r.h; row++) {
    const src = ((r.y + row) * image.width + r.x) * 3;
    image.data.copy(data, row * r.w * 3, src, src + r.w * 3);
  }
  return { width: r.w, height: r.h, data };
}
