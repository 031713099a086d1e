import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { PurgeStore } from '../../../src/retention/purge-store.ts';
import { RetentionSweeper, type RetentionStatus } from '../../../src/retention/sweeper.ts';
import { cropHourDir, heldCropPath } from '../../../src/store/crops.ts';
import { HoldsRepo } from '../../../src/store/holds-repo.ts';
import { createIdGenerator } from '../../../src/store/ids.ts';
import { count, cropExists, DAY, danglingRows, FakeDiskFs, FakeTimer, JPEG, openStore, retentionConfig, T0, tempDataDir, type Store } from './helpers.ts';

let dir: string;
let clock: ManualClock;
let store: Store;
let statuses: RetentionStatus[];

beforeEach(() => {
  dir = tempDataDir();
  clock = new ManualClock(T0 - 40 * DAY);
  store = openStore(dir, clock);
  statuses = [];
});
afterEach(() => {
  store.db.close();
  rmSync(dir, { recursive: true, force: true });
});

function sweeper(overrides: Parameters<typeof retentionConfig>[0] = {}, extra: Partial<ConstructorParameters<typeof RetentionSweeper>[0]> = {}) {
  return new RetentionSweeper({
    db: store.db,
    dataDir: dir,
    clock,
    config: retentionConfig(overrides),
    onStatus: (s) => statuses.push(s),
    ...extra,
  });
}

describe('RetentionSweeper: age', () => {
  it('deletes a read at exactly 30 days with its crop, hits and outbox rows, and keeps a younger one', async () => {
    const old = await store.addRead(T0 - 30 * DAY, { hit: true });
    const young = await store.addRead(T0 - 30 * DAY + 1, { hit: true });
    clock.set(T0);
    const r = await sweeper().sweepOnce();
    expect(r.cutoff).toBe(T0 - 30 * DAY);
    expect(r.age).toMatchObject({ rowsDeleted: 1, hitsDeleted: 1, outboxDeleted: 1, imagesDeleted: 1, imagesFailed: 0, heldSkipped: 0 });
    expect(cropExists(dir, old.cropPath)).toBe(false);
    expect(cropExists(dir, young.cropPath)).toBe(true);
    expect(store.db.prepare('SELECT id FROM detections').all()).toEqual([{ id: young.id }]);
    expect(count(store.db, 'hits')).toBe(1);
    expect(count(store.db, 'outbox')).toBe(1);
    expect(count(store.db, 'pending_file_deletions')).toBe(0);
    expect(danglingRows(store.db, dir)).toEqual([]);

    clock.advance(1);
    const again = await sweeper().sweepOnce();
    expect(again.age.rowsDeleted).toBe(1);
    expect(count(store.db, 'detections')).toBe(0);
  });

  it('keeps held reads past 30 days and purges them after release', async () => {
    const held = await store.addRead(T0 - 35 * DAY, { hit: true });
    const free = await store.addRead(T0 - 35 * DAY);
    clock.set(T0);
    const holds = new HoldsRepo(store.db);
    const hold = holds.add({ id: createIdGenerator(clock)(), detectionId: held.id, caseNumber: 'C-7', heldBy: 'officer1', reason: 'court', createdAt: clock.now() });

    const r1 = await sweeper().sweepOnce();
    expect(r1.age).toMatchObject({ rowsDeleted: 1, heldSkipped: 1, imagesDeleted: 1, dirsDropped: 1, heldRelocated: 1 });
    expect(cropExists(dir, free.cropPath)).toBe(false);
    // The hour folder went whole; the held crop was moved out first and its row follows it.
    expect(existsSync(join(dir, ...cropHourDir(T0 - 35 * DAY).split('/')))).toBe(false);
    expect(store.db.prepare('SELECT id, crop_path FROM detections').all()).toEqual([{ id: held.id, crop_path: heldCropPath(held.id) }]);
    expect(readFileSync(join(dir, ...heldCropPath(held.id).split('/')))).toEqual(JPEG);
    expect(danglingRows(store.db, dir)).toEqual([]);
    // The database itself refuses to delete held evidence.
    expect(() => store.db.prepare('DELETE FROM hits WHERE detection_id = ?').run(held.id)).not.toThrow();
    expect(() => store.db.prepare('DELETE FROM detections WHERE id = ?').run(held.id)).toThrow(/evidence hold/);

    clock.advance(DAY);
    holds.release(hold.id, { releasedBy: 'sergeant2', releaseReason: 'case closed', releasedAt: clock.now() });
    const r2 = await sweeper().sweepOnce();
    expect(r2.age).toMatchObject({ rowsDeleted: 1, heldSkipped: 0, imagesDeleted: 1 });
    expect(cropExists(dir, heldCropPath(held.id))).toBe(false);
    expect(count(store.db, 'detections')).toBe(0);
    // The hold and its history outlive the detection.
    expect(holds.history(hold.id).map((h) => [h.action, h.actor])).toEqual([
      ['hold', 'officer1'],
      ['release', 'sergeant2'],
    ]);
  });

  it('deletes in chunks, yielding between them, and logs one run with the totals', async () => {
    for (let i = 0; i < 25; i++) await store.addRead(T0 - 31 * DAY + i * 1000, { hit: i % 5 === 0 });
    for (let i = 0; i < 3; i++) await store.addRead(T0 - DAY + i);
    clock.set(T0);
    const chunkSizes: number[] = [];
    const purge = new PurgeStore(store.db);
    const original = purge.purgeChunk.bind(purge);
    const s = sweeper({ chunkSize: 10 });
    // Observe chunk sizes through the store the sweeper builds.
    Object.defineProperty(s, 'store', { value: Object.assign(purge, { purgeChunk: (...a: Parameters<typeof original>) => {
      const c = original(...a);
      chunkSizes.push(c.rows);
      return c;
    } }), writable: true });
    let ticksBetween = 0;
    const ticker = setInterval(() => ticksBetween++, 0);
    const r = await s.sweepOnce();
    clearInterval(ticker);
    expect(chunkSizes).toEqual([10, 10, 5]);
    expect(r.age).toMatchObject({ rowsDeleted: 25, hitsDeleted: 5, outboxDeleted: 5, imagesDeleted: 25 });
    expect(count(store.db, 'detections')).toBe(3);
    expect(ticksBetween).toBeGreaterThan(0);
    const [run] = new PurgeStore(store.db).runs();
    expect(run).toMatchObject({
      reason: 'age',
      startedAt: T0,
      finishedAt: T0,
      cutoff: T0 - 30 * DAY,
      rowsDeleted: 25,
      hitsDeleted: 5,
      outboxDeleted: 5,
      imagesDeleted: 25,
      heldSkipped: 0,
      error: null,
    });
    expect(statuses).toContainEqual(expect.objectContaining({ type: 'purged', reason: 'age', rowsDeleted: 25, imagesDeleted: 25 }));
  });

  it('writes no plate text to the retention log or the status', async () => {
    await store.addRead(T0 - 31 * DAY, { plate: 'SECRET9' });
    clock.set(T0);
    await sweeper().sweepOnce();
    const log = JSON.stringify(store.db.prepare('SELECT * FROM retention_log').all());
    expect(log).not.toContain('SECRET9');
    expect(JSON.stringify(statuses)).not.toContain('SECRET9');
  });

  it('logs nothing when nothing expired', async () => {
    await store.addRead(T0 - DAY);
    clock.set(T0);
    const r = await sweeper().sweepOnce();
    expect(r.age.rowsDeleted).toBe(0);
    expect(count(store.db, 'retention_log')).toBe(0);
  });

  it('the retention log is append-only', async () => {
    await store.addRead(T0 - 31 * DAY);
    clock.set(T0);
    await sweeper().sweepOnce();
    expect(() => store.db.prepare('UPDATE retention_log SET rows_deleted = 0').run()).toThrow(/append-only/);
    expect(() => store.db.prepare('DELETE FROM retention_log').run()).toThrow(/append-only/);
  });

  it('a dry run counts without deleting', async () => {
    const a = await store.addRead(T0 - 31 * DAY);
    await store.addRead(T0 - 31 * DAY, { crop: false });
    const held = await store.addRead(T0 - 31 * DAY);
    clock.set(T0);
    new HoldsRepo(store.db).add({ id: 'h1', detectionId: held.id, caseNumber: 'C', heldBy: 'u', reason: 'r', createdAt: T0 });
    const d = await sweeper().dryRun();
    expect(d).toMatchObject({ cutoff: T0 - 30 * DAY, expiredReads: 2, expiredImages: 1, heldSkipped: 1, freeBytes: null, diskPressureReads: 0 });
    expect(count(store.db, 'detections')).toBe(3);
    expect(cropExists(dir, a.cropPath)).toBe(true);
  });

  it('keeps a file it cannot unlink queued and retries it on the next sweep', async () => {
    const a = await store.addRead(T0 - 31 * DAY, { legacy: true }); // unlinked file by file
    clock.set(T0);
    const fs = new FakeDiskFs(1e12, 0);
    let fail = true;
    const failing = Object.assign(Object.create(fs) as FakeDiskFs, {
      unlink: async (p: string) => {
        if (fail) throw Object.assign(new Error(`EACCES: permission denied, unlink '${p}'`), { code: 'EACCES' });
        return fs.unlink(p);
      },
    });
    const s = sweeper({}, { fs: failing });
    const r1 = await s.sweepOnce();
    expect(r1.age).toMatchObject({ rowsDeleted: 1, imagesDeleted: 0, imagesFailed: 1 });
    expect(count(store.db, 'pending_file_deletions')).toBe(1);
    expect(statuses).toContainEqual(expect.objectContaining({ type: 'error', operation: 'unlink', code: 'EACCES' }));
    fail = false;
    await s.sweepOnce();
    expect(count(store.db, 'pending_file_deletions')).toBe(0);
    expect(cropExists(dir, a.cropPath)).toBe(false);
  });
});

describe('RetentionSweeper: hour folders', () => {
  it('drops a wholly expired hour at once and unlinks the crops of a partly expired hour one by one', async () => {
    const cutoff = T0 - 30 * DAY;
    const whole = [];
    for (let i = 0; i < 12; i++) whole.push(await store.addRead(cutoff - 2 * 3_600_000 + i * 60_000, { hit: i === 0 }));
    const part = await store.addRead(cutoff); // expired, but its hour ends after the cutoff
    const young = await store.addRead(cutoff + 1); // same hour, not expired
    clock.set(T0);
    const r = await sweeper().sweepOnce();
    expect(r.age).toMatchObject({ rowsDeleted: 13, hitsDeleted: 1, imagesDeleted: 13, imagesFailed: 0, dirsDropped: 1, heldRelocated: 0 });
    expect(existsSync(join(dir, ...cropHourDir(cutoff - 2 * 3_600_000).split('/')))).toBe(false);
    for (const w of whole) expect(cropExists(dir, w.cropPath)).toBe(false);
    expect(cropExists(dir, part.cropPath)).toBe(false);
    expect(cropExists(dir, young.cropPath)).toBe(true);
    expect(readdirSync(join(dir, 'crops', '.trash'))).toEqual([]);
    expect(count(store.db, 'pending_file_deletions')).toBe(0);
    expect(new PurgeStore(store.db).runs()[0]).toMatchObject({ reason: 'age', rowsDeleted: 13, imagesDeleted: 13, error: null });
  });

  it('purges crops of the earlier day layout file by file, beside hour folders', async () => {
    const old = await store.addRead(T0 - 31 * DAY, { legacy: true });
    const now = await store.addRead(T0 - 31 * DAY + 1);
    const kept = await store.addRead(T0 - DAY, { legacy: true });
    expect(old.cropPath).toMatch(/^crops\/\d{4}\/\d{2}\/\d{2}\//);
    clock.set(T0);
    const r = await sweeper().sweepOnce();
    expect(r.age).toMatchObject({ rowsDeleted: 2, imagesDeleted: 2, dirsDropped: 1 });
    expect(cropExists(dir, old.cropPath) || cropExists(dir, now.cropPath)).toBe(false);
    expect(cropExists(dir, kept.cropPath)).toBe(true);
    expect(danglingRows(store.db, dir)).toEqual([]);
  });

  it('keeps a trashed file it cannot unlink and deletes it with the next sweep', async () => {
    const a = await store.addRead(T0 - 31 * DAY);
    clock.set(T0);
    const fs = new FakeDiskFs(1e12, 0);
    let fail = true;
    const failing = Object.assign(Object.create(fs) as FakeDiskFs, {
      unlink: async (p: string) => {
        if (fail) throw Object.assign(new Error(`EIO: i/o error, unlink '${p}'`), { code: 'EIO' });
        return fs.unlink(p);
      },
    });
    const s = sweeper({}, { fs: failing });
    const r1 = await s.sweepOnce();
    expect(r1.age).toMatchObject({ rowsDeleted: 1, dirsDropped: 1, imagesDeleted: 0, imagesFailed: 1 });
    expect(statuses).toContainEqual(expect.objectContaining({ type: 'error', operation: 'unlink', code: 'EIO' }));
    expect(readdirSync(join(dir, 'crops', '.trash'))).toHaveLength(1);
    fail = false;
    const r2 = await s.sweepOnce();
    expect(r2.age).toMatchObject({ rowsDeleted: 0, imagesDeleted: 1 });
    expect(readdirSync(join(dir, 'crops', '.trash'))).toEqual([]);
    expect(cropExists(dir, a.cropPath)).toBe(false);
    // The second sweep deleted no read but a file: it has its own log row.
    expect(new PurgeStore(store.db).runs().map((x) => [x.reason, x.rowsDeleted, x.imagesDeleted])).toEqual([
      ['age', 0, 1],
      ['age', 1, 0],
    ]);
  });

  it('reports the last sweep for status (time, counts, free space, disk pressure)', async () => {
    await store.addRead(T0 - 31 * DAY);
    await store.addRead(T0 - 31 * DAY, { crop: false });
    clock.set(T0);
    const MIB = 1024 * 1024;
    const s = sweeper({ diskFloorMb: 10, diskHeadroomMb: 0 }, { fs: new FakeDiskFs(MIB, MIB) });
    expect(s.lastSweep()).toBeNull();
    await s.sweepOnce();
    expect(s.lastSweep()).toEqual({ at: T0, rowsDeleted: 2, imagesDeleted: 1, freeBytes: 2 * MIB, diskPressure: true });
  });
});

describe('RetentionSweeper: disk pressure', () => {
  const MIB = 1024 * 1024;

  it('deletes the oldest unheld reads with images until floor + headroom is free, never held ones', async () => {
    const reads = [];
    for (let i = 0; i < 20; i++) reads.push(await store.addRead(T0 - 10 * DAY + i * 1000)); // none expired
    clock.set(T0);
    new HoldsRepo(store.db).add({ id: 'h-oldest', detectionId: reads[0]?.id as string, caseNumber: 'C', heldBy: 'u', reason: 'r', createdAt: T0 });
    // Floor 10 MiB, target 12 MiB; 8 MiB free; each crop frees 1 MiB → 4 reads must go.
    const fs = new FakeDiskFs(8 * MIB, MIB);
    const r = await sweeper({ diskFloorMb: 10, diskHeadroomMb: 2, chunkSize: 10 }, { fs }).sweepOnce();
    expect(r.age.rowsDeleted).toBe(0);
    expect(r.diskPressure).toMatchObject({ rowsDeleted: 4, imagesDeleted: 4, unresolved: false, freeBytesBefore: 8 * MIB });
    expect(r.freeBytes).toBe(12 * MIB);
    const left = (store.db.prepare('SELECT id FROM detections ORDER BY captured_at').all() as { id: string }[]).map((x) => x.id);
    expect(left).toEqual([reads[0]?.id, ...reads.slice(5).map((x) => x.id)]); // held oldest kept, next 4 oldest gone
    expect(statuses.filter((s) => s.type === 'disk').map((s) => s.type === 'disk' && s.state)).toEqual(['pressure', 'ok']);
    const [run] = new PurgeStore(store.db).runs();
    expect(run).toMatchObject({ reason: 'disk-pressure', rowsDeleted: 4, imagesDeleted: 4, freeBytes: 8 * MIB, error: null });
    expect(danglingRows(store.db, dir)).toEqual([]);
  });

  it('reports "unresolved" and stops when only reads without images or held reads remain', async () => {
    const held = await store.addRead(T0 - DAY);
    for (let i = 0; i < 5; i++) await store.addRead(T0 - DAY + i + 1, { crop: false });
    clock.set(T0);
    new HoldsRepo(store.db).add({ id: 'h', detectionId: held.id, caseNumber: 'C', heldBy: 'u', reason: 'r', createdAt: T0 });
    const fs = new FakeDiskFs(MIB, MIB);
    const r = await sweeper({ diskFloorMb: 10, diskHeadroomMb: 0 }, { fs }).sweepOnce();
    expect(r.diskPressure).toMatchObject({ rowsDeleted: 0, unresolved: true });
    expect(count(store.db, 'detections')).toBe(6); // deleting image-less rows would free nothing
    expect(statuses.filter((s) => s.type === 'disk').at(-1)).toMatchObject({ state: 'unresolved', freeBytes: MIB });
  });

  it('reports a statfs failure and still purges by age', async () => {
    await store.addRead(T0 - 31 * DAY);
    clock.set(T0);
    const fs = Object.assign(new FakeDiskFs(0, 0), {
      statfs: async () => {
        throw Object.assign(new Error('statfs failed'), { code: 'EIO' });
      },
    });
    const r = await sweeper({ diskFloorMb: 10 }, { fs }).sweepOnce();
    expect(r.age.rowsDeleted).toBe(1);
    expect(r.freeBytes).toBeNull();
    expect(statuses).toContainEqual(expect.objectContaining({ type: 'error', operation: 'statfs', code: 'EIO' }));
  });

  it('never throws out of its timer when the database is full (SQLITE_FULL / ENOSPC), and tries again', async () => {
    for (let i = 0; i < 300; i++) await store.addRead(T0 - 31 * DAY + i, { legacy: true });
    clock.set(T0);
    // Cap the database at its current size: the purge's pending-file and log rows cannot be written.
    const pages = Number(store.db.pragma('page_count', { simple: true }));
    store.db.exec('CREATE TABLE filler (x BLOB)');
    store.db.pragma(`max_page_count = ${pages + 1}`);
    for (;;) {
      try {
        store.db.prepare('INSERT INTO filler VALUES (zeroblob(1000))').run();
      } catch {
        break;
      }
    }
    const timer = new FakeTimer();
    const s = sweeper({ chunkSize: 300 }, { timer });
    await s.start();
    timer.fireAll();
    await s.whenIdle();
    expect(statuses).toContainEqual(expect.objectContaining({ type: 'error', operation: 'sweep', code: 'SQLITE_FULL' }));
    expect(count(store.db, 'detections')).toBe(300); // rolled back: nothing half-deleted
    expect(danglingRows(store.db, dir)).toEqual([]);
    expect(timer.delays()).toEqual([60_000]); // next sweep still scheduled

    store.db.pragma('max_page_count = 1073741823'); // space freed
    timer.fireAll();
    await s.whenIdle();
    expect(count(store.db, 'detections')).toBe(0);
    await s.stop();
  });
});

describe('RetentionSweeper: start/stop', () => {
  it('sweeps at start and then every interval, and stop() cancels the timer', async () => {
    await store.addRead(T0 - 31 * DAY);
    const later = await store.addRead(T0 - 30 * DAY + 30_000);
    clock.set(T0);
    const timer = new FakeTimer();
    const s = sweeper({ sweepIntervalMs: 60_000 }, { timer });
    await s.start();
    expect(timer.delays()).toEqual([0]);
    timer.fireAll();
    await s.whenIdle();
    expect(count(store.db, 'detections')).toBe(1);
    expect(timer.delays()).toEqual([60_000]);
    clock.advance(60_000);
    timer.fireAll();
    await s.whenIdle();
    expect(cropExists(dir, later.cropPath)).toBe(false);
    expect(count(store.db, 'detections')).toBe(0);
    await s.stop();
    expect(timer.delays()).toEqual([]);
  });

  it('stop() during a sweep ends it after the current chunk, leaving no queued files', async () => {
    for (let i = 0; i < 50; i++) await store.addRead(T0 - 31 * DAY + i);
    clock.set(T0);
    const s = sweeper({ chunkSize: 10 });
    const running = s.sweepOnce();
    await new Promise((r) => setImmediate(r));
    await s.stop();
    const r = await running;
    expect(r.stopped).toBe(true);
    expect(r.age.rowsDeleted).toBeLessThan(50);
    // Only the hour folder is still queued (its remaining reads refer to it); no file is.
    const hour = cropHourDir(T0 - 31 * DAY);
    expect(store.db.prepare('SELECT path FROM pending_file_deletions').all()).toEqual([{ path: `${hour}/` }]);
    expect(danglingRows(store.db, dir)).toEqual([]);
    expect(new PurgeStore(store.db).runs()[0]).toMatchObject({ error: 'stopped before every read was deleted' });

    const again = await sweeper({ chunkSize: 10 }).sweepOnce();
    expect(again.age).toMatchObject({ rowsDeleted: 50 - r.age.rowsDeleted, dirsDropped: 1, imagesDeleted: 50 });
    expect(count(store.db, 'pending_file_deletions')).toBe(0);
    expect(existsSync(join(dir, 'crops', ...hour.split('/').slice(1)))).toBe(false);
    expect(readdirSync(join(dir, 'crops', '.trash'))).toEqual([]);
  });
});
