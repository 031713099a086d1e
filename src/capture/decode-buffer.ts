/** Decodes an encoded image held in memory (a camera's JPEG) into packed RGB with sharp. */
import sharp from 'sharp';
import type { RgbImage } from '../ocr/types.ts';

/** Throws a plain Error naming what is wrong when the bytes are not a readable image. */
export async function decodeImageBuffer(bytes: Buffer): Promise<RgbImage> {
  const { data, info } = await sharp(bytes, { failOn: 'error' })
    .rotate() // honour EXIF orientation, as decodeImageFile does
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels`);
  return { width: info.width, height: info.height, data };
}
