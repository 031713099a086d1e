/**
 * The file side of retention: unlinking crop images whose rows are gone, and the orphan scan that
 * removes crop files no row refers to (a crash between the crop write and the row's commit) and
 * temporary files a crash left mid-write. Whole expired hour folders are handled by
 * crop-dirs.ts. File system access goes through `RetentionFs` so tests can inject failures
 * (ENOSPC, EACCES), crashes and a fake free-space figure.
 */
import { renameSync } from 'node:fs';
import { link, mkdir, readdir, rename, rmdir, stat, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { cropPathKind, HOUR_MS } from '../store/crops.ts';

export interface RetentionFs {
  unlink(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<{ mtimeMs: number; size: number }>;
  rmdir(path: string): Promise<void>;
  /** Free space of the file system holding `path`: bytes = bavail × bsize. */
  statfs(path: string): Promise<{ bavail: number | bigint; bsize: number | bigint }>;
  link(existing: string, newPath: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Synchronous: an hour folder is moved to the trash inside a database transaction. */
  renameSync(from: string, to: string): void;
  mkdir(path: string): Promise<void>;
}

export const nodeRetentionFs: RetentionFs = {
  unlink: (p) => unlink(p),
  readdir: (p) => readdir(p),
  stat: (p) => stat(p),
  rmdir: (p) => rmdir(p),
  statfs: (p) => statfs(p),
  link: (a, b) => link(a, b),
  rename: (a, b) => rename(a, b),
  renameSync: (a, b) => renameSync(a, b),
  mkdir: async (p) => {
    await mkdir(p, { recursive: true });
  },
};

/** Free bytes available to this process on the file system holding `dir`. */
export async function freeBytes(fs: RetentionFs, dir: string): Promise<number> {
  const s = await fs.statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/** File system block: a file occupies its size rounded up to this. */
const BLOCK = 4096;

/**
 * Mean space the given crop files occupy (size rounded up to a 4 KiB block); null when none
 * could be read. Disk pressure uses it to size its first chunk.
 */
export async function meanCropBytes(fs: RetentionFs, dataDir: string, paths: readonly string[]): Promise<number | null> {
  let total = 0;
  let n = 0;
  for (const rel of paths) {
    const file = cropFile(dataDir, rel);
    if (file === null) continue;
    try {
      const { size } = await fs.stat(file);
      total += Math.max(BLOCK, Math.ceil(size / BLOCK) * BLOCK);
      n++;
    } catch {
      // A missing or unreadable file says nothing about the others' sizes: skip it.
    }
  }
  return n === 0 ? null : total / n;
}

/** The absolute file of a stored crop path (any layout), or null when the path is not a crop path (never unlinked). */
export function cropFile(dataDir: string, relativePath: string): string | null {
  return cropPathKind(relativePath) === null ? null : join(dataDir, ...relativePath.split('/'));
}

export function errorCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

export interface UnlinkResult {
  /** Paths that are gone now (unlinked, already missing, or not a crop path): clear them from the queue. */
  cleared: string[];
  /** Files actually unlinked. */
  unlinked: number;
  /** Paths not a crop path (cleared, never touched). */
  invalid: number;
  /** Files that could not be unlinked (kept in the queue for the next try). */
  failed: Array<{ path: string; code: string | null; message: string }>;
}

/** Unlinks crop files, at most `concurrency` at a time. A missing file counts as gone. */
export async function unlinkCrops(fs: RetentionFs, dataDir: string, paths: readonly string[], concurrency = 8): Promise<UnlinkResult> {
  const result: UnlinkResult = { cleared: [], unlinked: 0, invalid: 0, failed: [] };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const rel = paths[next++] as string;
      const file = cropFile(dataDir, rel);
      if (file === null) {
        result.invalid++;
        result.cleared.push(rel);
        continue;
      }
      try {
        await fs.unlink(file);
        result.unlinked++;
        result.cleared.push(rel);
      } catch (err) {
        if (errorCode(err) === 'ENOENT') result.cleared.push(rel);
        else result.failed.push({ path: rel, code: errorCode(err), message: (err as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, paths.length)) }, worker));
  return result;
}

export interface OrphanScanOptions {
  fs: RetentionFs;
  dataDir: string;
  /** True when a detection row refers to this crop (detection id, relative path). */
  hasRow(detectionId: string, relativePath: string): boolean;
  /** Current time (ms, the same clock as file mtimes). */
  now: number;
  /** Files younger than this are left alone: their row may still be committing. */
  graceMs: number;
  /** Empty day folders for days that ended at or before this time (ms) are removed. */
  removeEmptyDirsBefore: number;
  /** Awaited every `yieldEvery` files so the pipeline keeps running. */
  yieldToLoop(): Promise<void>;
  yieldEvery?: number;
  /** Checked between folders; true stops the scan early. */
  stopping(): boolean;
}

export interface OrphanScanResult {
  filesChecked: number;
  orphansDeleted: number;
  tempFilesDeleted: number;
  dirsRemoved: number;
  failed: Array<{ path: string; code: string | null; message: string }>;
}

const YEAR = /^\d{4}$/;
const TWO = /^\d{2}$/;
const DAY_DIR = /^(\d{4})-(\d{2})-(\d{2})$/;
const CROP_NAME = /^([A-Za-z0-9_-]+)\.jpg$/;
const TEMP_NAME = /^[A-Za-z0-9_-]+\.jpg\.\d+\.[0-9a-f]+\.tmp$/;

export async function listDir(fs: RetentionFs, dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).sort();
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') return [];
    throw err;
  }
}

/**
 * Walks the crop folders and removes (a) `<id>.jpg` files no detection row refers to and (b)
 * `*.tmp` files from interrupted writes, both only when older than the grace period; then
 * removes folders left empty, for times before `removeEmptyDirsBefore`. Folders walked: the hour
 * layout `crops/YYYY-MM-DD/HH/`, the earlier day layout `crops/YYYY/MM/DD/`, and `crops/held/`
 * (never removed). `crops/.trash` is emptied by crop-dirs.ts. Files with other names are never
 * touched.
 */
export async function scanOrphans(o: OrphanScanOptions): Promise<OrphanScanResult> {
  const result: OrphanScanResult = { filesChecked: 0, orphansDeleted: 0, tempFilesDeleted: 0, dirsRemoved: 0, failed: [] };
  const yieldEvery = o.yieldEvery ?? 2_000;
  const root = join(o.dataDir, 'crops');
  /** Removes `dir` when nothing is left in it and its time span ended before the limit. */
  const removeIfEmpty = async (dir: string, remaining: number, endsAt: number): Promise<boolean> => {
    if (remaining > 0 || endsAt > o.removeEmptyDirsBefore) return false;
    try {
      await o.fs.rmdir(dir);
      result.dirsRemoved++;
      return true;
    } catch (err) {
      if (errorCode(err) !== 'ENOTEMPTY' && errorCode(err) !== 'EEXIST' && errorCode(err) !== 'ENOENT') {
        result.failed.push({ path: dir, code: errorCode(err), message: (err as Error).message });
      }
      return false;
    }
  };
  const tryUnlink = async (file: string, rel: string): Promise<boolean> => {
    let mtimeMs: number;
    try {
      mtimeMs = (await o.fs.stat(file)).mtimeMs;
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') result.failed.push({ path: rel, code: errorCode(err), message: (err as Error).message });
      return false;
    }
    if (mtimeMs > o.now - o.graceMs) return false;
    try {
      await o.fs.unlink(file);
      return true;
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') result.failed.push({ path: rel, code: errorCode(err), message: (err as Error).message });
      return false;
    }
  };
  /** Scans one folder of crop files (`rel` is its path relative to the data dir); returns the entries left. */
  const scanFolder = async (dir: string, rel: string): Promise<number> => {
    const names = await listDir(o.fs, dir);
    let left = names.length;
    for (const name of names) {
      const path = `${rel}/${name}`;
      const m = CROP_NAME.exec(name);
      if (m) {
        result.filesChecked++;
        if (result.filesChecked % yieldEvery === 0) await o.yieldToLoop();
        if (!o.hasRow(m[1] as string, path) && (await tryUnlink(join(dir, name), path))) {
          result.orphansDeleted++;
          left--;
        }
      } else if (TEMP_NAME.test(name) && (await tryUnlink(join(dir, name), path))) {
        result.tempFilesDeleted++;
        left--;
      }
    }
    return left;
  };

  const top = await listDir(o.fs, root);
  for (const day of top) {
    const d = DAY_DIR.exec(day);
    if (!d) continue;
    const dayStart = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]));
    const dayDir = join(root, day);
    const hours = await listDir(o.fs, dayDir);
    let hoursLeft = hours.length;
    for (const hour of hours.filter((n) => TWO.test(n))) {
      if (o.stopping()) return result;
      const hourDir = join(dayDir, hour);
      const left = await scanFolder(hourDir, `crops/${day}/${hour}`);
      if (await removeIfEmpty(hourDir, left, dayStart + (Number(hour) + 1) * HOUR_MS)) hoursLeft--;
    }
    await removeIfEmpty(dayDir, hoursLeft, dayStart + 24 * HOUR_MS);
  }
  if (top.includes('held') && !o.stopping()) await scanFolder(join(root, 'held'), 'crops/held');

  // The day layout of earlier versions.
  for (const year of top.filter((n) => YEAR.test(n))) {
    const yearDir = join(root, year);
    const months = await listDir(o.fs, yearDir);
    let monthsLeft = months.length;
    for (const month of months.filter((n) => TWO.test(n))) {
      const monthDir = join(yearDir, month);
      const days = await listDir(o.fs, monthDir);
      let daysLeft = days.length;
      for (const day of days.filter((n) => TWO.test(n))) {
        if (o.stopping()) return result;
        const dayDir = join(monthDir, day);
        const left = await scanFolder(dayDir, `crops/${year}/${month}/${day}`);
        if (await removeIfEmpty(dayDir, left, Date.UTC(Number(year), Number(month) - 1, Number(day) + 1))) daysLeft--;
      }
      if (await removeIfEmpty(monthDir, daysLeft, Date.UTC(Number(year), Number(month), 1))) monthsLeft--;
    }
    await removeIfEmpty(yearDir, monthsLeft, Date.UTC(Number(year) + 1, 0, 1));
  }
  return result;
}
