import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DetectionRecorder } from '../../../src/alerts/recorder.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { checkCropsAfterMark, FLUSH_MARK_FILE, isWholeJpeg, lastDetectionRowid, readFlushMark, writeFlushMark } from '../../../src/store/crop-flush-mark.ts';
import { CropFlusher } from '../../../src/store/crop-flusher.ts';
import { CropWriter } from '../../../src/store/crop-writer.ts';
import { cropRelativePath } from '../../../src/store/crops.ts';
import { databaseFile, openDatabase, type Database } from '../../../src/store/db.ts';
import { createIdGenerator } from '../../../src/store/ids.ts';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]);
const T = Date.UTC(2025, 2, 1, 12);

let dir: string;
let db: Database;
let recorder: DetectionRecorder;
let writer: CropWriter;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-flush-mark-'));
  const clock = new ManualClock(T);
  db = openDatabase(databaseFile(dir), { clock });
  recorder = new DetectionRecorder(db, { clock, newId: createIdGenerator(clock), hitsTopic: 'a/b/c/hits', agency: 'a', deviceId: 'd' });
  writer = new CropWriter(dir);
});
afterEach(async () => {
  await writer.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A read whose crop is written lazily (not flushed), as the daemon stores a read that did not hit. */
async function lazyRead(): Promise<{ id: string; path: string }> {
  const id = recorder.newDetectionId();
  const path = cropRelativePath(id, T);
  await writer.writeLazy(path, JPEG);
  await recorder.recordDetectionSoon({ detectionId: id, cameraId: 'cam1', capturedAt: T, read: { text: 'ABC123', confidence: 0.9, box: { x: 0, y: 0, w: 10, h: 5 }, candidates: [] }, crop: { path, jpeg: JPEG }, matches: [] });
  return { id, path };
}
const cropPathOf = (id: string): string | null => (db.prepare('SELECT crop_path FROM detections WHERE id = ?').get(id) as { crop_path: string | null }).crop_path;

describe('crop flush mark', () => {
  it('first start with lazy crops: nothing is checked, the mark becomes the top rowid', async () => {
    await lazyRead();
    await lazyRead();
    expect(readFlushMark(dir)).toBeNull();
    const r = await checkCropsAfterMark(db, dir);
    expect(r).toEqual({ checked: 0, cleared: [], mark: 2 });
    expect(readFlushMark(dir)).toBe(2);
  });

  it('after an unclean stop, clears only the rows above the mark whose crop is missing or cut short, and deletes the partial file', async () => {
    const kept = await lazyRead();
    await writeFlushMark(dir, lastDetectionRowid(db));
    const whole = await lazyRead();
    const missing = await lazyRead();
    const cut = await lazyRead();
    // What a power cut leaves of crops written since the last flush: gone, or only their first bytes.
    rmSync(join(dir, missing.path));
    writeFileSync(join(dir, cut.path), JPEG.subarray(0, 6));
    rmSync(join(dir, kept.path)); // below the mark: not looked at (its flush made it durable)
    const r = await checkCropsAfterMark(db, dir);
    expect(r.checked).toBe(3);
    expect(r.cleared.sort()).toEqual([missing.id, cut.id].sort());
    expect(cropPathOf(missing.id)).toBeNull();
    expect(cropPathOf(cut.id)).toBeNull();
    expect(existsSync(join(dir, cut.path))).toBe(false);
    expect(cropPathOf(whole.id)).toBe(whole.path);
    expect(cropPathOf(kept.id)).toBe(kept.path);
    // The reads themselves are kept.
    expect((db.prepare('SELECT COUNT(*) AS n FROM detections').get() as { n: number }).n).toBe(4);
    expect(readFlushMark(dir)).toBe(4);
    // A second start finds nothing more to check.
    expect(await checkCropsAfterMark(db, dir)).toEqual({ checked: 0, cleared: [], mark: 4 });
  });

  it('a mark above the table (rows lost with the power cut) is lowered to the table, so reused rowids are checked next time', async () => {
    await lazyRead();
    await writeFlushMark(dir, 50);
    expect(await checkCropsAfterMark(db, dir)).toEqual({ checked: 0, cleared: [], mark: 1 });
    expect(readFlushMark(dir)).toBe(1);
  });

  it('an unreadable mark file means every row is checked', async () => {
    const a = await lazyRead();
    writeFileSync(join(dir, FLUSH_MARK_FILE), '{not json');
    expect(readFlushMark(dir)).toBe(0);
    rmSync(join(dir, a.path));
    expect((await checkCropsAfterMark(db, dir)).cleared).toEqual([a.id]);
  });

  it('isWholeJpeg wants SOI first and EOI last', async () => {
    const f = join(dir, 'x.jpg');
    writeFileSync(f, JPEG);
    expect(await isWholeJpeg(f)).toBe(true);
    writeFileSync(f, Buffer.concat([JPEG, Buffer.alloc(4096)])); // zero tail of a half-written file
    expect(await isWholeJpeg(f)).toBe(false);
    writeFileSync(f, Buffer.alloc(0));
    expect(await isWholeJpeg(f)).toBe(false);
    expect(await isWholeJpeg(join(dir, 'none.jpg'))).toBe(false);
  });
});

describe('CropFlusher', () => {
  it('flushes the lazy crops and records the top rowid as the mark, only when something changed', async () => {
    const errors: unknown[] = [];
    const flusher = new CropFlusher({ writer, dataDir: dir, lastRowid: () => lastDetectionRowid(db), walFile: `${databaseFile(dir)}-wal`, intervalMs: 60_000, initialMark: 0, onError: (e) => errors.push(e) });
    await lazyRead();
    await lazyRead();
    expect(writer.unflushed).toBe(2);
    await flusher.flush();
    expect(writer.unflushed).toBe(0);
    expect(readFlushMark(dir)).toBe(2);
    expect(flusher.count).toBe(1);
    await flusher.flush(); // nothing new: no mark written
    expect(flusher.count).toBe(1);
    await lazyRead();
    await flusher.stop(); // the stop flushes what is left
    expect(readFlushMark(dir)).toBe(3);
    expect(JSON.parse(readFileSync(join(dir, FLUSH_MARK_FILE), 'utf8'))).toEqual({ rowid: 3 });
    expect(errors).toEqual([]);
  });

  it('runs on its interval', async () => {
    const flusher = new CropFlusher({ writer, dataDir: dir, lastRowid: () => lastDetectionRowid(db), walFile: `${databaseFile(dir)}-wal`, intervalMs: 20, initialMark: 0, onError: () => undefined });
    flusher.start();
    await lazyRead();
    await expect.poll(() => readFlushMark(dir), { timeout: 5_000 }).toBe(1);
    await flusher.stop();
  });
});
