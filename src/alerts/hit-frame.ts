/**
 * The reduced full frame a hit message carries: the whole frame the plate was read from,
 * scaled down to at most `maxWidth` pixels wide, as JPEG. Made only for reads that hit (it is
 * not stored on disk; the crop is the stored evidence).
 */
import sharp from 'sharp';
import type { RgbImage } from '../ocr/types.ts';
import type { HitFrameImage } from './hit-message.ts';

export interface HitFrameOptions {
  /** Widest frame sent, px (default 640). Narrower frames are sent at their own size. */
  maxWidth?: number;
  /** JPEG quality 1..100 (default 70). */
  quality?: number;
}

/** The reduced size for a frame (pure): aspect kept, width ≤ maxWidth, never enlarged. */
export function reducedSize(width: number, height: number, maxWidth: number): { width: number; height: number } {
  if (width <= maxWidth) return { width, height };
  return { width: maxWidth, height: Math.max(1, Math.round((height * maxWidth) / width)) };
}

/** Encodes the frame (reduced first when wider than maxWidth) as the hit message's JPEG. */
export async function encodeHitFrame(image: RgbImage, options: HitFrameOptions = {}): Promise<HitFrameImage> {
  const size = reducedSize(image.width, image.height, Math.max(16, Math.floor(options.maxWidth ?? 640)));
  const quality = Math.min(100, Math.max(1, Math.round(options.quality ?? 70)));
  const jpeg = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(size.width, size.height, { fit: 'fill' })
    .jpeg({ quality })
    .toBuffer();
  return { jpeg, ...size };
}

/**
 * A copy of `image` at most `maxWidth` wide (pure; nearest pixel, aspect kept). The pipeline keeps
 * this with a read instead of the whole frame, so a later hit can still show where the car was.
 */
export function reduceRgb(image: RgbImage, maxWidth = 640): RgbImage {
  const { width, height } = reducedSize(image.width, image.height, maxWidth);
  if (width === image.width) return { width, height, data: Buffer.from(image.data.subarray(0, width * height * 3)) };
  const data = Buffer.allocUnsafe(width * height * 3);
  const sx = image.width / width;
  const sy = image.height / height;
  for (let y = 0; y < height; y++) {
    const srcRow = Math.min(image.height - 1, Math.floor((y + 0.5) * sy)) * image.width;
    let o = y * width * 3;
    for (let x = 0; x < width; x++) {
      const s = (srcRow + Math.min(image.width - 1, Math.floor((x + 0.5) * sx))) * 3;
      data[o++] = image.data[s] as number;
      data[o++] = image.data[s + 1] as number;
      data[o++] = image.data[s + 2] as number;
    }
  }
  return { width, height, data };
}
