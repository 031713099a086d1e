import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { MASS_PURGE_MIN_EXPIRED } from '../../../src/retention/policy.ts';
import { PurgeStore } from '../../../src/retention/purge-store.ts';
import { RetentionSweeper } from '../../../src/retention/sweeper.ts';
import { WAL_AUTOCHECKPOINT_PAGES } from '../../../src/store/db.ts';
import { HoldsRepo } from '../../../src/store/holds-repo.ts';
import { formatUuidV7 } from '../../../src/store/ids.ts';
import { count, cropExists, DAY, FakeTimer, openStore, retentionConfig, T0, tempDataDir, type Store } from './helpers.ts';

let dir: string;
let clock: ManualClock;
let store: Store;

beforeEach(() => {
  dir = tempDataDir();
  clock = new ManualClock(T0);
  store = openStore(dir, clock);
});
afterEach(() => {
  store.db.close();
  rmSync(dir, { recursive: true, force: true });
});

function detectionIndexes(): string[] {
  return (
    store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'detections' AND sql IS NOT NULL ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
}

/** `n` expired reads without crops, inserted in one transaction. */
function bulkExpired(n: number): void {
  const insert = store.db.prepare(`INSERT INTO detections (id, captured_at, camera_id, plate, confidence, box_x, box_y, box_w, box_h, created_at)
    VALUES (?, ?, 'cam1', ?, 0.9, 0, 0, 1, 1, ?)`);
  const rand = new Uint8Array(8);
  store.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const t = T0 - 60 * DAY + i * 1000;
      insert.run(formatUuidV7(t, 0, rand), t, `P${(i * 7919) % 100_000}`, t);
    }
  })();
}

describe('mass purge (catch-up)', () => {
  it('sets the plate and location indexes aside, purges, rebuilds them, and keeps held and young reads', async () => {
    const before = detectionIndexes();
    expect(before).toEqual(expect.arrayContaining(['detections_captured_at', 'detections_location', 'detections_plate']));
    bulkExpired(MASS_PURGE_MIN_EXPIRED + 10);
    const held = await store.addRead(T0 - 59 * DAY);
    const young = await store.addRead(T0 - DAY);
    new HoldsRepo(store.db).add({ id: 'h', detectionId: held.id, caseNumber: 'C', heldBy: 'u', reason: 'r', createdAt: T0 });

    const purge = new PurgeStore(store.db);
    const aside: string[][] = [];
    const original = purge.setIndexesAside.bind(purge);
    purge.setIndexesAside = () => {
      const names = original();
      aside.push(names);
      return names;
    };
    const s = new RetentionSweeper({ db: store.db, dataDir: dir, clock, config: retentionConfig({ chunkSize: 50_000, chunkPauseMs: 0 }) });
    Object.defineProperty(s, 'store', { value: purge, writable: true });
    const r = await s.sweepOnce();

    expect(aside).toEqual([['detections_location', 'detections_plate']]);
    expect(r.age).toMatchObject({ rowsDeleted: MASS_PURGE_MIN_EXPIRED + 10, heldSkipped: 1, imagesDeleted: 0 });
    expect(detectionIndexes()).toEqual(before);
    expect(count(store.db, 'retention_dropped_indexes')).toBe(0);
    expect(count(store.db, 'detections')).toBe(2);
    expect(cropExists(dir, held.cropPath) && cropExists(dir, young.cropPath)).toBe(true);
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_AUTOCHECKPOINT_PAGES); // restored
  });

  it('rebuilds indexes a crashed mass purge left aside when the sweeper starts', async () => {
    const before = detectionIndexes();
    expect(new PurgeStore(store.db).setIndexesAside()).toEqual(['detections_location', 'detections_plate']);
    store.db.close();
    store = openStore(dir, clock); // "restart"
    expect(detectionIndexes()).toEqual(['detections_captured_at']);
    const s = new RetentionSweeper({ db: store.db, dataDir: dir, clock, config: retentionConfig(), timer: new FakeTimer() });
    await s.start();
    await s.stop();
    expect(detectionIndexes()).toEqual(before);
    expect(count(store.db, 'retention_dropped_indexes')).toBe(0);
  });
});
