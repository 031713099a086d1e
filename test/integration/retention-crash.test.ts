/**
 * A real crash mid-purge: a child process runs a sweep and is SIGKILLed between unlinks (rows of
 * the chunk already deleted and committed, some of its files not yet unlinked). Reopening the
 * data directory and starting the sweeper must leave no orphaned image and no row pointing at a
 * missing image.
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
import { count, DAY, danglingRows, FakeTimer, openStore, retentionConfig, T0 } from '../unit/retention/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'alpr-retention-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const src = (rel: string): string => pathToFileURL(join(packageRoot, rel)).href;

/** The child: sweeps with chunks of 20 and kills itself (SIGKILL, no cleanup) after 5 unlinks. */
const CHILD = `
import { ManualClock } from '${src('src/platform/clock.ts')}';
import { nodeRetentionFs } from '${src('src/retention/files.ts')}';
import { RetentionSweeper } from '${src('src/retention/sweeper.ts')}';
import { retentionSchema } from '${src('src/config/schema.ts')}';
import { databaseFile, openDatabase } from '${src('src/store/db.ts')}';
const [dataDir, now] = process.argv.slice(2);
const clock = new ManualClock(Number(now));
const db = openDatabase(databaseFile(dataDir), { clock });
let unlinks = 0;
const fs = { ...nodeRetentionFs, unlink: async (p) => {
  if (unlinks === 5) process.kill(process.pid, 'SIGKILL');
  unlinks++;
  return nodeRetentionFs.unlink(p);
} };
const sweeper = new RetentionSweeper({ db, dataDir, clock, fs, unlinkConcurrency: 1,
  config: retentionSchema.parse({ chunkSize: 20, diskFloorMb: 0 }) });
await sweeper.sweepOnce();
process.stdout.write('not killed\\n');
`;

function cropFiles(): string[] {
  const root = join(dir, 'crops');
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `crops/${join(e.parentPath, e.name).slice(root.length + 1)}`);
}

describe('retention: SIGKILL in the middle of a purge', () => {
  it('leaves no orphaned image and no dangling row after restart', async () => {
    const clock = new ManualClock(T0 - 40 * DAY);
    const store = openStore(dir, clock);
    for (let i = 0; i < 50; i++) await store.addRead(T0 - 31 * DAY + i * 1000, { hit: i % 10 === 0 });
    const young = [];
    for (let i = 0; i < 5; i++) young.push(await store.addRead(T0 - DAY + i));
    store.db.close();

    const child = join(dir, 'child.mts');
    writeFileSync(child, CHILD);
    const r = spawnSync(process.execPath, ['--import', 'tsx', child, dir, String(T0)], { cwd: packageRoot, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout).not.toContain('not killed');

    clock.set(T0 + 60_000);
    const after = openStore(dir, clock);
    // The killed chunk: its 20 rows are gone and their 20 paths queued; 5 files were unlinked already.
    expect(count(after.db, 'detections')).toBe(55 - 20);
    expect(count(after.db, 'pending_file_deletions')).toBe(20);
    expect(cropFiles()).toHaveLength(55 - 5);
    expect(danglingRows(after.db, dir)).toEqual([]);

    const sweeper = new RetentionSweeper({ db: after.db, dataDir: dir, clock, config: retentionConfig({ chunkSize: 20 }), timer: new FakeTimer() });
    await sweeper.start();
    expect(count(after.db, 'pending_file_deletions')).toBe(0);
    await sweeper.sweepOnce();
    await sweeper.stop();

    const rows = after.db.prepare('SELECT crop_path FROM detections ORDER BY captured_at').all() as { crop_path: string }[];
    expect(rows.map((x) => x.crop_path)).toEqual(young.map((y) => y.cropPath));
    expect(cropFiles().sort()).toEqual(young.map((y) => y.cropPath as string).sort()); // no orphans
    expect(danglingRows(after.db, dir)).toEqual([]);
    for (const y of young) expect(existsSync(join(dir, ...(y.cropPath as string).split('/')))).toBe(true);
    const runs = new PurgeStore(after.db).runs().map((x) => [x.reason, x.rowsDeleted, x.imagesDeleted, x.error === null]);
    expect(runs).toEqual([
      ['age', 30, 30, true],
      ['recovery', 0, 15, true],
      ['age', 20, 0, false], // sealed as interrupted; its 5 unlinks happened after its last count
    ]);
    after.db.close();
  });
});
