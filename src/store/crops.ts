/**
 * Plate crops: a JPEG of the plate box (plus a margin) stored at
 * `<dataDir>/crops/YYYY/MM/DD/<detectionId>.jpg` (UTC date of capture). The file is written under
 * a temporary name, flushed, then renamed, so the final name never holds a partial image.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { AlprError } from '../errors.ts';
import type { Box, RgbImage } from '../ocr/types.ts';

export interface CropOptions {
  /** Added on every side, as a fraction of the box's width (left/right) and height (top/bottom). */
  margin: number;
  /** JPEG quality 1..100. */
  quality: number;
}

export interface StoredCrop {
  /** Relative to the data dir, "/" separated (what `detections.crop_path` holds). */
  path: string;
  /** The JPEG bytes that were written. */
  jpeg: Buffer;
}

export interface CropRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The pixel rectangle to cut: the box grown by the margin, clamped to the image (pure). Null if empty. */
export function cropRect(box: Box, margin: number, width: number, height: number): CropRect | null {
  const mx = Math.max(0, margin) * box.w;
  const my = Math.max(0, margin) * box.h;
  const left = Math.max(0, Math.floor(box.x - mx));
  const top = Math.max(0, Math.floor(box.y - my));
  const right = Math.min(width, Math.ceil(box.x + box.w + mx));
  const bottom = Math.min(height, Math.ceil(box.y + box.h + my));
  if (!(right > left && bottom > top)) return null;
  return { left, top, width: right - left, height: bottom - top };
}

/** `crops/YYYY/MM/DD/<id>.jpg` for a capture time in ms (UTC), pure. */
export function cropRelativePath(detectionId: string, capturedAt: number): string {
  if (!/^[A-Za-z0-9_-]+$/.test(detectionId)) throw new AlprError('STORE_FAILED', `invalid detection id for a crop name: ${detectionId}`);
  const d = new Date(capturedAt);
  const yyyy = String(d.getUTCFullYear()).padStart(4, '0');
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `crops/${yyyy}/${mm}/${dd}/${detectionId}.jpg`;
}

/** Encodes the crop of `box` in `image` as JPEG (no file written). */
export async function encodeCrop(image: RgbImage, box: Box, options: CropOptions): Promise<Buffer> {
  const rect = cropRect(box, options.margin, image.width, image.height);
  if (!rect) {
    throw new AlprError('STORE_FAILED', `plate box ${JSON.stringify(box)} lies outside the ${image.width}x${image.height} image`);
  }
  const quality = Math.min(100, Math.max(1, Math.round(options.quality)));
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract(rect)
    .jpeg({ quality })
    .toBuffer();
}

/** Writes `bytes` to `file` atomically: temporary name, fsync, rename. */
export async function writeFileAtomic(file: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Crops, encodes and stores the plate image of a detection; returns its relative path and bytes. */
export async function writeCrop(
  dataDir: string,
  detectionId: string,
  capturedAt: number,
  image: RgbImage,
  box: Box,
  options: CropOptions,
): Promise<StoredCrop> {
  const jpeg = await encodeCrop(image, box, options);
  const path = cropRelativePath(detectionId, capturedAt);
  try {
    await writeFileAtomic(join(dataDir, ...path.split('/')), jpeg);
  } catch (err) {
    throw new AlprError('STORE_FAILED', `cannot write crop ${path} in ${dataDir}: ${(err as Error).message}`, { cause: err });
  }
  return { path, jpeg };
}
