/** Decodes an image file (JPEG, PNG, WebP, ...) into packed RGB with sharp. */
import sharp from 'sharp';
import { AlprError } from '../errors.ts';
import type { RgbImage } from '../ocr/types.ts';

export async function decodeImageFile(path: string): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(path, { failOn: 'error' })
      .rotate() // honour EXIF orientation, as a viewer would
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels`);
    return { width: info.width, height: info.height, data };
  } catch (err) {
    throw new AlprError('IMAGE_UNREADABLE', `cannot read image ${path}: ${(err as Error).message}`, { cause: err });
  }
}
