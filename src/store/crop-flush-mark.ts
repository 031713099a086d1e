/**
 * Which detections' crops are known to be on disk, and the check after a power cut.
 *
 * Ordinary reads' crops are written lazily (crop-writer.ts) and flushed every
 * `store.cropFlushIntervalMs`. After each flush the flusher records the flush mark: the highest
 * detections rowid at the moment the flush began. Every row up to it named a crop whose file was
 * written before the flush, so those crops (and, through the same syncfs or the WAL's own flush,
 * those rows) are on disk. Rows above the mark may name a crop a power cut lost.
 *
 * At startup, `checkCropsAfterMark` looks at exactly those rows: a crop file that is missing, or
 * is not a whole JPEG (SOI at the start, EOI at the end), is deleted and the row's crop_path set
 * to NULL: the read itself is kept, and no row points at a missing or partial image. The mark is
 * rowid-based (not time-based) so a wall-clock jump cannot hide a row from the check.
 */
import { readFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AlprError } from '../errors.ts';
import { writeFileAtomic } from './crops.ts';
import type { Database } from './db.ts';

export const FLUSH_MARK_FILE = 'crops-flushed.json';

/** The recorded mark, or null when there is none (a new data directory, or one from before lazy crops). */
export function readFlushMark(dataDir: string): number | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, FLUSH_MARK_FILE), 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null;
    throw new AlprError('STORE_FAILED', `cannot read ${FLUSH_MARK_FILE} in ${dataDir}: ${(err as Error).message}`, { cause: err });
  }
  let rowid: unknown;
  try {
    rowid = (JSON.parse(text) as { rowid?: unknown }).rowid;
  } catch {
    rowid = undefined;
  }
  // An unreadable mark is treated as the lowest: every row gets checked (slow, never wrong).
  return Number.isSafeInteger(rowid) && (rowid as number) >= 0 ? (rowid as number) : 0;
}

/** Records `rowid` as the flush mark, durably (temporary file, fsync, rename, fsync of the folder). */
export async function writeFlushMark(dataDir: string, rowid: number): Promise<void> {
  await writeFileAtomic(join(dataDir, FLUSH_MARK_FILE), Buffer.from(`${JSON.stringify({ rowid })}\n`));
}

/** The highest detections rowid now (0 for an empty table). */
export function lastDetectionRowid(db: Database): number {
  const r = db.prepare('SELECT max(rowid) AS top FROM detections').get() as { top: number | null };
  return r.top ?? 0;
}

export interface CropCheck {
  /** Rows above the mark that named a crop. */
  checked: number;
  /** Detections whose crop did not survive (crop_path now NULL). */
  cleared: string[];
  /** The mark now recorded. */
  mark: number;
}

/** Whether `file` holds a whole JPEG: FF D8 first, FF D9 last (a file cut short by a power cut fails). */
export async function isWholeJpeg(file: string): Promise<boolean> {
  let h;
  try {
    h = await open(file, 'r');
  } catch {
    return false;
  }
  try {
    const { size } = await h.stat();
    if (size < 4) return false;
    const head = Buffer.alloc(2);
    const tail = Buffer.alloc(2);
    await h.read(head, 0, 2, 0);
    await h.read(tail, 0, 2, size - 2);
    return head[0] === 0xff && head[1] === 0xd8 && tail[0] === 0xff && tail[1] === 0xd9;
  } finally {
    await h.close();
  }
}

/**
 * Checks the crops of the rows above the flush mark (see above), then records the current top
 * rowid as the mark. Without a mark (first start with lazy crops), every crop so far was written
 * durably: nothing is checked.
 */
export async function checkCropsAfterMark(db: Database, dataDir: string): Promise<CropCheck> {
  const mark = readFlushMark(dataDir);
  const top = lastDetectionRowid(db);
  const rows =
    mark === null || mark >= top
      ? []
      : (db.prepare('SELECT id, crop_path FROM detections WHERE rowid > ? AND crop_path IS NOT NULL ORDER BY rowid').all(mark) as Array<{
          id: string;
          crop_path: string;
        }>);
  const cleared: string[] = [];
  const clear = db.prepare('UPDATE detections SET crop_path = NULL WHERE id = ? AND crop_path = ?');
  for (const row of rows) {
    const file = join(dataDir, ...row.crop_path.split('/'));
    if (await isWholeJpeg(file)) continue;
    clear.run(row.id, row.crop_path);
    await rm(file, { force: true });
    cleared.push(row.id);
  }
  // Rows lost with the power cut may free rowids below the old mark: the mark follows the table.
  await writeFlushMark(dataDir, top);
  return { checked: rows.length, cleared, mark: top };
}
