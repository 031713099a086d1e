import { existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { unlinkCrops } from '../../../src/retention/files.ts';
import { PurgeStore } from '../../../src/retention/purge-store.ts';
import { RetentionSweeper, type RetentionStatus } from '../../../src/retention/sweeper.ts';
import { cropHourDir, cropRelativePath, heldCropPath } from '../../../src/store/crops.ts';
import { HoldsRepo } from '../../../src/store/holds-repo.ts';
import { nodeRetentionFs } from '../../../src/retention/files.ts';
import { count, cropExists, DAY, danglingRows, FakeTimer, JPEG, openStore, retentionConfig, tempDataDir, type Store } from './helpers.ts';

let dir: string;
let clock: ManualClock;
let store: Store;

/** "Now" is close to the real time, so the orphan scan's grace period applies to real file mtimes. */
const NOW = Math.floor(Date.now() / 1000) * 1000;

beforeEach(() => {
  dir = tempDataDir();
  clock = new ManualClock(NOW - 40 * DAY);
  store = openStore(dir, clock);
});
afterEach(() => {
  store.db.close();
  rmSync(dir, { recursive: true, force: true });
});

function reopen(): void {
  store.db.close();
  store = openStore(dir, clock);
}

function sweeper(statuses: RetentionStatus[] = []) {
  return new RetentionSweeper({
    db: store.db,
    dataDir: dir,
    clock,
    config: retentionConfig({ chunkSize: 10 }),
    timer: new FakeTimer(),
    onStatus: (s) => statuses.push(s),
  });
}

function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1));
}

describe('crash between the row delete and the file unlink', () => {
  it('start-up unlinks the queued files: no orphan images, no rows pointing at missing images', async () => {
    const expired = [];
    // The day layout of earlier versions: its crops are queued and unlinked file by file.
    for (let i = 0; i < 15; i++) expired.push(await store.addRead(NOW - 31 * DAY + i * 1000, { hit: i === 0, legacy: true }));
    const kept = await store.addRead(NOW - DAY);
    clock.set(NOW);

    // The first half of a sweep: one chunk's rows deleted and its paths queued, committed...
    const purge = new PurgeStore(store.db);
    const chunk = purge.purgeChunk({ kind: 'expired', cutoff: NOW - 30 * DAY }, 10, null, { reason: 'age', startedAt: NOW, cutoff: NOW - 30 * DAY, freeBytes: null }, NOW);
    expect(chunk.rows).toBe(10);
    // ...and three of its files unlinked before the process died.
    await unlinkCrops(nodeRetentionFs, dir, chunk.paths.slice(0, 3));
    reopen();
    expect(count(store.db, 'pending_file_deletions')).toBe(10);
    expect(danglingRows(store.db, dir)).toEqual([]); // rows first: nothing points at a missing image
    expect(filesUnder(join(dir, 'crops'))).toHaveLength(16 - 3);

    clock.advance(60_000);
    const statuses: RetentionStatus[] = [];
    const s = sweeper(statuses);
    await s.start();
    expect(count(store.db, 'pending_file_deletions')).toBe(0);
    for (const p of chunk.paths) expect(cropExists(dir, p)).toBe(false);
    expect(danglingRows(store.db, dir)).toEqual([]);
    const runs = new PurgeStore(store.db).runs();
    expect(runs.map((r) => [r.reason, r.rowsDeleted, r.imagesDeleted, r.error])).toEqual([
      ['recovery', 0, 7, null],
      ['age', 10, 0, 'interrupted: the process stopped before the run finished'],
    ]);
    expect(statuses).toContainEqual(expect.objectContaining({ type: 'purged', reason: 'recovery', imagesDeleted: 7 }));

    // The rest of the expired reads go with the first sweep; the young one stays.
    await s.sweepOnce();
    await s.stop();
    expect(store.db.prepare('SELECT id FROM detections').all()).toEqual([{ id: kept.id }]);
    expect(filesUnder(join(dir, 'crops'))).toEqual([kept.cropPath?.slice('crops/'.length)]);
    expect(count(store.db, 'hits')).toBe(0);
  });
});

describe('crash between the row deletes of an expired hour and the drop of its folder', () => {
  it('start-up moves the held crop out and drops the folder; the first sweep empties the trash', async () => {
    const hourStart = Math.floor((NOW - 31 * DAY) / 3_600_000) * 3_600_000;
    const expired = [];
    for (let i = 0; i < 15; i++) expired.push(await store.addRead(hourStart + i * 1000));
    const held = await store.addRead(hourStart + 20_000, { hit: true });
    const kept = await store.addRead(NOW - DAY);
    clock.set(NOW);
    new HoldsRepo(store.db).add({ id: 'h1', detectionId: held.id, caseNumber: 'C-9', heldBy: 'u', reason: 'court', createdAt: NOW });

    // Both chunks of the purge committed (rows gone, the folder queued once), then the process died.
    const purge = new PurgeStore(store.db);
    const run = { reason: 'age' as const, startedAt: NOW, cutoff: NOW - 30 * DAY, freeBytes: null };
    const first = purge.purgeChunk({ kind: 'expired', cutoff: NOW - 30 * DAY }, 10, null, run, NOW);
    const second = purge.purgeChunk({ kind: 'expired', cutoff: NOW - 30 * DAY }, 10, first.runId, run, NOW);
    expect([first.rows, second.rows, first.paths.length + second.paths.length]).toEqual([10, 5, 0]);
    expect(first.dirs).toEqual([cropHourDir(hourStart)]);
    reopen();
    expect(store.db.prepare('SELECT path FROM pending_file_deletions').all()).toEqual([{ path: `${cropHourDir(hourStart)}/` }]);
    expect(danglingRows(store.db, dir)).toEqual([]);

    clock.advance(60_000);
    const s = sweeper();
    await s.start();
    expect(count(store.db, 'pending_file_deletions')).toBe(0);
    expect(existsSync(join(dir, ...cropHourDir(hourStart).split('/')))).toBe(false);
    expect(filesUnder(join(dir, 'crops', '.trash'))).toHaveLength(15); // start-up does not wait for the trash
    expect(new PurgeStore(store.db).runs()[0]).toMatchObject({ reason: 'recovery', rowsDeleted: 0, imagesDeleted: 0, error: null });
    await s.sweepOnce();
    expect(filesUnder(join(dir, 'crops')).sort()).toEqual([`held/${held.id}.jpg`, (kept.cropPath as string).slice('crops/'.length)].sort());
    expect(store.db.prepare('SELECT crop_path FROM detections WHERE id = ?').get(held.id)).toEqual({ crop_path: heldCropPath(held.id) });
    expect(danglingRows(store.db, dir)).toEqual([]);
    expect(new PurgeStore(store.db).runs()[0]).toMatchObject({ reason: 'age', rowsDeleted: 0, imagesDeleted: 15, error: null });
  });
});

describe('orphan scan', () => {
  function writeCropFile(rel: string, ageMs: number): string {
    const file = join(dir, ...rel.split('/'));
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JPEG);
    const t = (Date.now() - ageMs) / 1000;
    utimesSync(file, t, t);
    return file;
  }

  it('removes old crop files with no row and interrupted temporary files, keeps everything else', async () => {
    clock.set(NOW);
    const withRow = await store.addRead(NOW - 2 * DAY);
    const orphan = writeCropFile(cropRelativePath('0190a0a0-0000-7000-8000-000000000001', NOW - 2 * DAY), 3_600_000);
    const youngOrphan = writeCropFile(cropRelativePath('0190a0a0-0000-7000-8000-000000000002', NOW), 1_000); // row may be committing
    const tmp = writeCropFile(`${cropRelativePath('0190a0a0-0000-7000-8000-000000000003', NOW - 2 * DAY)}.1234.deadbeef.tmp`, 3_600_000);
    const foreign = writeCropFile('crops/2025/01/01/README.txt', 3_600_000);
    // A file named like a detection that exists, but in another day's folder, is an orphan too.
    const misplaced = writeCropFile(`crops/2000/01/01/${withRow.id}.jpg`, 3_600_000);
    // A held crop whose row went (e.g. a crash after linking it, before the row moved to it).
    const heldOrphan = writeCropFile(heldCropPath('0190a0a0-0000-7000-8000-000000000004'), 3_600_000);

    const r = await sweeper().scanOrphans();
    expect(r).toMatchObject({ orphansDeleted: 3, tempFilesDeleted: 1, failed: [] });
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(heldOrphan)).toBe(false);
    expect(existsSync(misplaced)).toBe(false);
    expect(existsSync(tmp)).toBe(false);
    expect(existsSync(youngOrphan)).toBe(true);
    expect(existsSync(foreign)).toBe(true);
    expect(cropExists(dir, withRow.cropPath)).toBe(true);
    // The emptied folder of a day long past is removed; recent day folders stay.
    expect(existsSync(join(dir, 'crops', '2000'))).toBe(false);
    const [run] = new PurgeStore(store.db).runs();
    expect(run).toMatchObject({ reason: 'orphan-scan', imagesDeleted: 4, rowsDeleted: 0, error: null });
  });

  it('runs at start-up and then once per orphanScanIntervalMs', async () => {
    clock.set(NOW);
    const orphan = writeCropFile(cropRelativePath('0190a0a0-0000-7000-8000-00000000000a', NOW - DAY), 3_600_000);
    const timer = new FakeTimer();
    const s = new RetentionSweeper({
      db: store.db,
      dataDir: dir,
      clock,
      config: retentionConfig({ orphanScanIntervalMs: 3_600_000, sweepIntervalMs: 60_000 }),
      timer,
    });
    await s.start();
    timer.fireAll();
    await s.whenIdle();
    expect(existsSync(orphan)).toBe(false);

    const second = writeCropFile(cropRelativePath('0190a0a0-0000-7000-8000-00000000000b', NOW - DAY), 3_600_000);
    clock.advance(60_000);
    timer.fireAll();
    await s.whenIdle();
    expect(existsSync(second)).toBe(true); // not due yet
    clock.advance(3_600_000);
    timer.fireAll();
    await s.whenIdle();
    expect(existsSync(second)).toBe(false);
    await s.stop();
  });
});
