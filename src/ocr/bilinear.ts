/**
 * Bilinear sampling of one channel of an interleaved RGB image at a sub-pixel point (pure).
 * Pixel centres are at +0.5; points outside the image repeat the edge. Shared by the line and
 * plate crops fed to the recognisers, so both read the frame the same way.
 */
import type { RgbImage } from './types.ts';

export function sampleBilinear(image: RgbImage, x: number, y: number, ch: number): number {
  const { data, width: iw, height: ih } = image;
  const xc = Math.min(iw - 1, Math.max(0, x - 0.5));
  const yc = Math.min(ih - 1, Math.max(0, y - 0.5));
  const x0 = Math.floor(xc);
  const y0 = Math.floor(yc);
  const x1 = Math.min(iw - 1, x0 + 1);
  const y1 = Math.min(ih - 1, y0 + 1);
  const fx = xc - x0;
  const fy = yc - y0;
  const a = data[(y0 * iw + x0) * 3 + ch]!;
  const b = data[(y0 * iw + x1) * 3 + ch]!;
  const d = data[(y1 * iw + x0) * 3 + ch]!;
  const e = data[(y1 * iw + x1) * 3 + ch]!;
  const top = a + (b - a) * fx;
  return top + (d + (e - d) * fx - top) * fy;
}
