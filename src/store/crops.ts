/**
 * Plate crops: a JPEG of the plate box (plus a margin) stored at
 * `<dataDir>/crops/YYYY-MM-DD/HH/<detectionId>.jpg` (UTC hour of capture), so retention drops a
 * whole expired hour at once instead of unlinking its files one by one (src/retention/crop-dirs.ts).
 * The file is written under a temporary name, flushed, then renamed, and its directory flushed,
 * so the final name never holds a partial image and a committed row never names a lost file.
 *
 * Other crop paths a data directory may hold (see `cropPathKind`): `crops/YYYY/MM/DD/<id>.jpg`
 * (the layout before the hour folders: still read and purged file by file) and
 * `crops/held/<id>.jpg` (crops of held detections moved out of an hour folder being dropped).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { AlprError } from '../errors.ts';
import type { Box, RgbImage } from '../ocr/types.ts';
import type { CropWriter } from './crop-writer.ts';

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

export const HOUR_MS = 3_600_000;
const ID = /^[A-Za-z0-9_-]+$/;
const two = (n: number): string => String(n).padStart(2, '0');

/** `crops/YYYY-MM-DD/HH` (no trailing slash): the folder of crops captured in that UTC hour, pure. */
export function cropHourDir(capturedAt: number): string {
  const d = new Date(capturedAt);
  return `crops/${String(d.getUTCFullYear()).padStart(4, '0')}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}/${two(d.getUTCHours())}`;
}

/** `crops/YYYY-MM-DD/HH/<id>.jpg` for a capture time in ms (UTC), pure. */
export function cropRelativePath(detectionId: string, capturedAt: number): string {
  if (!ID.test(detectionId)) throw new AlprError('STORE_FAILED', `invalid detection id for a crop name: ${detectionId}`);
  return `${cropHourDir(capturedAt)}/${detectionId}.jpg`;
}

/** Where a held detection's crop goes when its hour folder is dropped, pure. */
export function heldCropPath(detectionId: string): string {
  if (!ID.test(detectionId)) throw new AlprError('STORE_FAILED', `invalid detection id for a crop name: ${detectionId}`);
  return `crops/held/${detectionId}.jpg`;
}

export type CropPathKind =
  /** In an hour folder: `dir` is `crops/YYYY-MM-DD/HH`, covering captures in [hourStart, hourStart + 1 h). */
  | { kind: 'hour'; dir: string; hourStart: number; id: string }
  /** The day-folder layout of earlier versions: purged file by file. */
  | { kind: 'legacy'; id: string }
  | { kind: 'held'; id: string };

const HOUR_PATH = /^crops\/(\d{4})-(\d{2})-(\d{2})\/(\d{2})\/([A-Za-z0-9_-]+)\.jpg$/;
const LEGACY_PATH = /^crops\/\d{4}\/\d{2}\/\d{2}\/([A-Za-z0-9_-]+)\.jpg$/;
const HELD_PATH = /^crops\/held\/([A-Za-z0-9_-]+)\.jpg$/;

/** What kind of crop path `relativePath` is; null when it is none (such a path is never deleted), pure. */
export function cropPathKind(relativePath: string): CropPathKind | null {
  const h = HOUR_PATH.exec(relativePath);
  if (h) {
    const hourStart = Date.UTC(Number(h[1]), Number(h[2]) - 1, Number(h[3]), Number(h[4]));
    // Only a real calendar hour (no 2025-02-30 or hour 24): the folder name must round-trip.
    if (cropHourDir(hourStart) !== relativePath.slice(0, relativePath.lastIndexOf('/'))) return null;
    return { kind: 'hour', dir: cropHourDir(hourStart), hourStart, id: h[5] as string };
  }
  const l = LEGACY_PATH.exec(relativePath);
  if (l) return { kind: 'legacy', id: l[1] as string };
  const k = HELD_PATH.exec(relativePath);
  return k ? { kind: 'held', id: k[1] as string } : null;
}

/** The capture hour (ms) a folder `crops/YYYY-MM-DD/HH` holds, or null when it is not one, pure. */
export function hourDirStart(dir: string): number | null {
  const m = /^crops\/(\d{4})-(\d{2})-(\d{2})\/(\d{2})$/.exec(dir);
  if (!m) return null;
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]));
  return cropHourDir(start) === dir ? start : null;
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

/** A temporary name beside `file` (the orphan scan recognises and removes stale ones). */
export function tempNameFor(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** Flushes a directory's entries (a rename into it) to disk. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes `file`'s data (fdatasync); false when it no longer exists (purged since it was written). */
export async function datasyncIfPresent(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return false;
    throw err;
  }
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Writes `bytes` to `file` atomically and durably: temporary name, fsync, rename, fsync of the
 * directory (without it a power cut can lose the rename after the caller went on). One file at a
 * time: crops written at a high rate go through a CropWriter, which shares the flushes.
 */
export async function writeFileAtomic(file: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = tempNameFor(file);
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
  await syncDir(dirname(file));
}

/**
 * Crops, encodes and stores the plate image of a detection; returns its relative path and bytes
 * once the file is durable. With a `writer` (for `dataDir`), the flushes are shared with the
 * other crops being written at the same time; with `lazy` too, it returns once the file is
 * written, and the writer's next flushLazy() makes it durable.
 */
export async function writeCrop(
  dataDir: string,
  detectionId: string,
  capturedAt: number,
  image: RgbImage,
  box: Box,
  options: CropOptions,
  writer?: CropWriter,
  lazy = false,
): Promise<StoredCrop> {
  const jpeg = await encodeCrop(image, box, options);
  const path = cropRelativePath(detectionId, capturedAt);
  try {
    if (writer) await (lazy ? writer.writeLazy(path, jpeg) : writer.write(path, jpeg));
    else await writeFileAtomic(join(dataDir, ...path.split('/')), jpeg);
  } catch (err) {
    if (err instanceof AlprError) throw err;
    throw new AlprError('STORE_FAILED', `cannot write crop ${path} in ${dataDir}: ${(err as Error).message}`, { cause: err });
  }
  return { path, jpeg };
}
