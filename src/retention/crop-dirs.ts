/**
 * Whole-folder expiry of crops. Crops live in hour folders (`crops/YYYY-MM-DD/HH/`, by capture
 * time); once a purge has deleted every unheld read of a wholly expired hour, the folder goes at
 * once instead of file by file:
 *
 * 1. the crops of held detections in it are hard-linked into `crops/held/` (flushed), their rows
 *    re-pointed there (one transaction), then the old names unlinked;
 * 2. in one IMMEDIATE transaction, with no row referring to the folder any more, it is renamed
 *    into `crops/.trash/` (atomic) and its queue entry cleared;
 * 3. the trash is emptied in chunks, between which the pipeline runs.
 *
 * A crash anywhere leaves a state that a restart finishes: a queued folder is dropped again (a
 * held crop linked twice is simply replaced), and whatever is in the trash is garbage by
 * definition. No row ever points into the trash: step 2 checks it under the write lock. A read
 * whose crop was written into the folder just before it moved, and whose row committed just
 * after (only possible for a capture older than the retention period, from another process), gets
 * its file back from the trash before the trash is emptied.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { heldCropPath, hourDirStart, syncDir } from '../store/crops.ts';
import { errorCode, listDir, type RetentionFs } from './files.ts';
import type { PurgeStore } from './purge-store.ts';

export const TRASH_DIR = 'crops/.trash';

/** `2025-03-01T13.ab12cd34`: the hour folder it was, and a random part so a re-made folder can go too (pure). */
export function trashName(dir: string): string {
  return `${dir.slice('crops/'.length).replace('/', 'T')}.${randomBytes(4).toString('hex')}`;
}

/** The hour folder a trash entry was (`crops/YYYY-MM-DD/HH`), or null (pure). */
export function trashOrigin(name: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})\.[0-9a-f]+$/.exec(name);
  if (!m) return null;
  const dir = `crops/${m[1]}/${m[2]}`;
  return hourDirStart(dir) === null ? null : dir;
}

export interface CropDirContext {
  fs: RetentionFs;
  dataDir: string;
  store: PurgeStore;
  /** Unlinks in flight at once while emptying the trash. */
  concurrency: number;
  /** Files unlinked between two yields to the event loop. */
  chunk: number;
  yieldToLoop(): Promise<void>;
  stopping(): boolean;
}

export interface DropResult {
  dirsDropped: number;
  /** Queued folders still referred to by an unheld read (the next purge deletes it, then drops them). */
  dirsBusy: number;
  heldRelocated: number;
  failed: Array<{ path: string; code: string | null; message: string }>;
}

export interface TrashResult {
  dirsEmptied: number;
  filesDeleted: number;
  failed: Array<{ path: string; code: string | null; message: string }>;
}

const abs = (dataDir: string, rel: string): string => join(dataDir, ...rel.split('/'));

/** Drops every queued hour folder that no unheld read refers to any more. */
export async function dropQueuedDirs(c: CropDirContext): Promise<DropResult> {
  const result: DropResult = { dirsDropped: 0, dirsBusy: 0, heldRelocated: 0, failed: [] };
  for (const dir of c.store.pendingDirs()) {
    if (c.stopping()) break;
    const hourStart = hourDirStart(dir);
    if (hourStart === null) {
      c.store.forgetDir(dir); // not an hour folder: never deleted whole
      continue;
    }
    const rows = c.store.hourDirRows(dir, hourStart);
    if (rows.some((r) => !r.held)) {
      result.dirsBusy++;
      continue;
    }
    if (rows.length > 0) {
      const moved = await relocate(c, rows, result);
      if (moved < rows.length) continue; // a held crop could not be moved: keep the folder
    }
    try {
      await c.fs.mkdir(abs(c.dataDir, TRASH_DIR));
      const to = abs(c.dataDir, `${TRASH_DIR}/${trashName(dir)}`);
      const dropped = c.store.dropHourDir(dir, hourStart, () => {
        try {
          c.fs.renameSync(abs(c.dataDir, dir), to);
        } catch (err) {
          if (errorCode(err) !== 'ENOENT') throw err; // already gone (a crash after the rename)
        }
      });
      if (dropped) result.dirsDropped++;
      else result.dirsBusy++;
    } catch (err) {
      result.failed.push({ path: dir, code: errorCode(err), message: (err as Error).message });
      continue;
    }
    // The day folder goes with its last hour (best effort: the orphan scan removes it later).
    await c.fs.rmdir(abs(c.dataDir, dir.slice(0, dir.lastIndexOf('/')))).catch(() => undefined);
  }
  return result;
}

/** Moves held crops out of a folder about to be dropped; returns how many rows point at a safe file now. */
async function relocate(c: CropDirContext, rows: ReadonlyArray<{ id: string; cropPath: string }>, result: DropResult): Promise<number> {
  const heldDir = abs(c.dataDir, 'crops/held');
  await c.fs.mkdir(heldDir);
  const moves: Array<{ id: string; from: string; to: string }> = [];
  let missing = 0;
  for (const r of rows) {
    const to = heldCropPath(r.id);
    const file = abs(c.dataDir, to);
    // One fixed temporary name per crop: a retry after a crash replaces the link it left.
    const tmp = `${file}.0.0.tmp`;
    try {
      // A link, then a rename over any copy an interrupted drop left: the final name is never partial.
      await c.fs.unlink(tmp).catch(() => undefined);
      await c.fs.link(abs(c.dataDir, r.cropPath), tmp);
      await c.fs.rename(tmp, file);
      moves.push({ id: r.id, from: r.cropPath, to });
    } catch (err) {
      await c.fs.unlink(tmp).catch(() => undefined);
      if (errorCode(err) === 'ENOENT') missing++; // no file to keep: dropping the folder loses nothing
      result.failed.push({ path: r.cropPath, code: errorCode(err), message: (err as Error).message });
    }
  }
  if (moves.length === 0) return missing;
  try {
    await syncDir(heldDir); // the links are on disk before any row names them
  } catch (err) {
    result.failed.push({ path: 'crops/held', code: errorCode(err), message: (err as Error).message });
    return missing;
  }
  result.heldRelocated += c.store.relocateCrops(moves);
  // The old names are garbage now; unlinked here so the trash holds (and counts) expired crops only.
  for (const m of moves) await c.fs.unlink(abs(c.dataDir, m.from)).catch(() => undefined);
  return moves.length + missing;
}

/**
 * Empties `crops/.trash` (dropped hour folders), in chunks with a yield between them. `onDeleted`
 * is told each chunk's count (the run's log row grows with it).
 */
export async function emptyTrash(c: CropDirContext, onDeleted: (files: number) => void): Promise<TrashResult> {
  const result: TrashResult = { dirsEmptied: 0, filesDeleted: 0, failed: [] };
  const root = abs(c.dataDir, TRASH_DIR);
  for (const name of await listDir(c.fs, root)) {
    if (c.stopping()) break;
    const dir = join(root, name);
    const origin = trashOrigin(name);
    if (origin !== null) await rescue(c, origin, dir, result);
    let names: string[];
    try {
      names = await c.fs.readdir(dir);
    } catch (err) {
      if (errorCode(err) === 'ENOTDIR') {
        await c.fs.unlink(dir).catch((e: unknown) => result.failed.push({ path: dir, code: errorCode(e), message: (e as Error).message }));
        continue;
      }
      if (errorCode(err) !== 'ENOENT') result.failed.push({ path: dir, code: errorCode(err), message: (err as Error).message });
      continue;
    }
    let failedHere = 0;
    for (let i = 0; i < names.length && !c.stopping(); i += c.chunk) {
      const part = names.slice(i, i + c.chunk);
      let next = 0;
      let deleted = 0;
      const worker = async (): Promise<void> => {
        while (next < part.length) {
          const file = join(dir, part[next++] as string);
          try {
            await c.fs.unlink(file);
            deleted++;
          } catch (err) {
            if (errorCode(err) === 'ENOENT') continue;
            failedHere++;
            result.failed.push({ path: file, code: errorCode(err), message: (err as Error).message });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(c.concurrency, part.length)) }, worker));
      result.filesDeleted += deleted;
      if (deleted > 0) onDeleted(deleted);
      await c.yieldToLoop();
    }
    if (c.stopping() || failedHere > 0) continue;
    try {
      await c.fs.rmdir(dir);
      result.dirsEmptied++;
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') result.failed.push({ path: dir, code: errorCode(err), message: (err as Error).message });
    }
  }
  return result;
}

/** Puts back files of a trashed folder that a row still names (see the header). */
async function rescue(c: CropDirContext, origin: string, trashDir: string, result: TrashResult): Promise<void> {
  const hourStart = hourDirStart(origin);
  if (hourStart === null) return;
  for (const r of c.store.hourDirRows(origin, hourStart)) {
    const name = r.cropPath.slice(origin.length + 1);
    try {
      await c.fs.mkdir(abs(c.dataDir, origin));
      await c.fs.rename(join(trashDir, name), abs(c.dataDir, r.cropPath));
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') result.failed.push({ path: r.cropPath, code: errorCode(err), message: (err as Error).message });
    }
  }
}
