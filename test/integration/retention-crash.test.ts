/**
 * A real crash mid-purge: a child process runs a sweep and SIGKILLs itself (no cleanup) at a
 * chosen file operation: while moving a held crop out of an expired hour folder, while moving
 * the folder into the trash, while emptying the trash, or between the unlinks of crops stored in
 * the earlier day layout. Reopening the data directory and starting the sweeper must leave no
 * orphaned image, no row pointing at a missing image, and the held read's crop in place.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.ts';
import { PurgeStore } from '../../src/retention/purge-store.ts';
import { RetentionSweeper } from '../../src/retention/sweeper.ts';
import { packageRoot } from '../../src/platform/paths.ts';
import { heldCropPath } from '../../src/store/crops.ts';
import { HoldsRepo } from '../../src/store/holds-repo.ts';
import { count, DAY, danglingRows, FakeTimer, openStore, retentionConfig, T0 } from '../unit/retention/helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'alpr-retention-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const src = (rel: string): string => pathToFileURL(join(packageRoot, rel)).href;

/** The child: sweeps with chunks of 20 and kills itself (SIGKILL) just before call number `at` of file operation `op`. */
const CHILD = `
import { ManualClock } from '${src('src/platform/clock.ts')}';
import { nodeRetentionFs } from '${src('src/retention/files.ts')}';
import { RetentionSweeper } from '${src('src/retention/sweeper.ts')}';
import { retentionSchema } from '${src('src/config/schema.ts')}';
import { databaseFile, openDatabase } from '${src('src/store/db.ts')}';
const [dataDir, now, op, at] = process.argv.slice(2);
const clock = new ManualClock(Number(now));
const db = openDatabase(databaseFile(dataDir), { clock });
let calls = 0;
const fs = { ...nodeRetentionFs, [op]: (...args) => {
  if (++calls === Number(at)) process.kill(process.pid, 'SIGKILL');
  return nodeRetentionFs[op](...args);
} };
const sweeper = new RetentionSweeper({ db, dataDir, clock, fs, unlinkConcurrency: 1,
  config: retentionSchema.parse({ chunkSize: 20, diskFloorMb: 0 }) });
await sweeper.sweepOnce();
process.stdout.write('not killed\\n');
`;

function filesUnder(dir: string): string[] {
  const crops = join(dir, 'crops');
  return readdirSync(crops, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `crops/${join(e.parentPath, e.name).slice(crops.length + 1)}`)
    .sort();
}

interface Scenario {
  dir: string;
  heldId: string;
  young: string[];
}

/** 50 expired reads (every 10th a hit), one more expired read under a hold, 5 young reads. */
async function populate(name: string, legacy: boolean): Promise<Scenario> {
  const dir = join(root, name);
  const clock = new ManualClock(T0 - 40 * DAY);
  const store = openStore(dir, clock);
  for (let i = 0; i < 50; i++) await store.addRead(T0 - 31 * DAY + i * 1000, { hit: i % 10 === 0, legacy });
  const held = await store.addRead(T0 - 31 * DAY + 60_000, { legacy });
  const young = [];
  for (let i = 0; i < 5; i++) young.push((await store.addRead(T0 - DAY + i, { legacy })).cropPath as string);
  clock.set(T0 - DAY);
  new HoldsRepo(store.db).add({ id: `hold-${name}`, detectionId: held.id, caseNumber: 'C-1', heldBy: 'officer', reason: 'court', createdAt: clock.now() });
  store.db.close();
  const child = join(root, 'child.mts');
  writeFileSync(child, CHILD);
  return { dir, heldId: held.id, young };
}

function crash(s: Scenario, op: string, at: number): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'child.mts'), s.dir, String(T0), op, String(at)], {
    cwd: packageRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.stderr).toBe('');
  expect(r.signal).toBe('SIGKILL');
  expect(r.stdout).not.toContain('not killed');
}

/** Restart: recovery, then a sweep. Returns the run log, newest first. */
async function restart(s: Scenario, expectRows: (rows: Array<{ id: string; crop_path: string }>) => void): Promise<Array<[string, number, number, boolean]>> {
  const clock = new ManualClock(T0 + 60_000);
  const after = openStore(s.dir, clock);
  expect(danglingRows(after.db, s.dir)).toEqual([]); // already true right after the crash
  expectRows(after.db.prepare('SELECT id, crop_path FROM detections ORDER BY captured_at').all() as Array<{ id: string; crop_path: string }>);
  const sweeper = new RetentionSweeper({ db: after.db, dataDir: s.dir, clock, config: retentionConfig({ chunkSize: 20 }), timer: new FakeTimer() });
  await sweeper.start();
  await sweeper.sweepOnce();
  await sweeper.stop();

  const rows = after.db.prepare('SELECT id, crop_path FROM detections ORDER BY captured_at').all() as Array<{ id: string; crop_path: string }>;
  expect(rows.map((r) => r.id)).toContain(s.heldId);
  expect(rows).toHaveLength(1 + s.young.length);
  expect(count(after.db, 'pending_file_deletions')).toBe(0);
  expect(danglingRows(after.db, s.dir)).toEqual([]);
  expect(filesUnder(s.dir)).toEqual(rows.map((r) => r.crop_path).sort()); // no orphan, trash empty
  for (const y of s.young) expect(existsSync(join(s.dir, ...y.split('/')))).toBe(true);
  const runs = new PurgeStore(after.db).runs().map((x): [string, number, number, boolean] => [x.reason, x.rowsDeleted, x.imagesDeleted, x.error === null]);
  after.db.close();
  return runs;
}

describe('retention: SIGKILL in the middle of a purge', () => {
  it('while emptying the trash: a restart empties it', async () => {
    const s = await populate('trash', false);
    crash(s, 'unlink', 8); // 5 of the hour's 50 expired crops unlinked (after two unlinks moving the held crop)
    const runs = await restart(s, (rows) => {
      expect(rows).toHaveLength(6);
      expect(rows[0]).toEqual({ id: s.heldId, crop_path: heldCropPath(s.heldId) });
    });
    expect(runs).toEqual([
      ['age', 0, 50 - 5, true], // the sweep after the restart empties the trash
      ['age', 50, 0, false], // sealed as interrupted; the trash is counted per chunk, its first was cut short
    ]);
  });

  it('while moving the expired hour folder into the trash: a restart drops it', async () => {
    const s = await populate('drop', false);
    crash(s, 'renameSync', 1);
    const runs = await restart(s, (rows) => {
      expect(rows).toHaveLength(6);
      expect(rows[0]?.crop_path).toBe(heldCropPath(s.heldId)); // moved out before the drop
    });
    expect(runs).toEqual([
      ['age', 0, 50, true],
      ['recovery', 0, 0, true], // dropped the queued folder
      ['age', 50, 0, false],
    ]);
  });

  it('while moving the held crop out: a restart moves it and drops the folder', async () => {
    const s = await populate('held', false);
    crash(s, 'rename', 1); // linked under a temporary name, not yet renamed, row not moved
    const runs = await restart(s, (rows) => {
      expect(rows).toHaveLength(6);
      expect(rows[0]?.crop_path).toMatch(/^crops\/\d{4}-\d{2}-\d{2}\/\d{2}\//); // still in the hour folder
    });
    expect(runs).toEqual([
      ['age', 0, 50, true],
      ['recovery', 0, 0, true],
      ['age', 50, 0, false],
    ]);
  });

  it('between the unlinks of crops in the earlier day layout: a restart unlinks the queued files', async () => {
    const s = await populate('legacy', true);
    crash(s, 'unlink', 6); // the killed chunk: 20 rows deleted and queued, 5 of its files unlinked
    const runs = await restart(s, (rows) => expect(rows).toHaveLength(6 + 50 - 20));
    expect(runs).toEqual([
      ['age', 30, 30, true],
      ['recovery', 0, 15, true],
      ['age', 20, 0, false], // its 5 unlinks happened after its last count
    ]);
  });
});
