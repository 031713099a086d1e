/**
 * `alpr-edge hold add|list|release` and `alpr-edge purge [--dry-run]` against a real data
 * directory: holds need a login with holds:manage and are recorded with their history and in
 * the audit log, held reads survive a purge and go once released (the purge is audited), an
 * unknown detection is a clear error with a non-zero exit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdCommand } from '../../src/cli/hold.ts';
import { purgeCommand } from '../../src/cli/purge.ts';
import { isAlprError } from '../../src/errors.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { packageRoot } from '../../src/platform/paths.ts';
import { HoldsRepo } from '../../src/store/holds-repo.ts';
import { heldCropPath } from '../../src/store/crops.ts';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { count, cropExists, DAY, openStore, T0 } from '../unit/retention/helpers.ts';
import { loginAs, seedUsers } from '../support/users.ts';

const dir = mkdtempSync(join(tmpdir(), 'alpr-retention-cli-'));
const dataDir = join(dir, 'data');
const config = join(dir, 'alpr.yaml');
const clock = new ManualClock(T0 - 40 * DAY);
let oldHeld: { id: string; cropPath: string | null };
let oldFree: { id: string; cropPath: string | null };
let pw: string;
const as = (user: string): string[] => loginAs(user, pw);

beforeAll(async () => {
  writeFileSync(config, 'cameras:\n  - {type: image-folder, id: cam1, path: frames}\nstore: {dataDir: data}\nretention: {diskFloorMb: 0}\n');
  const store = openStore(dataDir, clock);
  oldHeld = await store.addRead(T0 - 31 * DAY, { hit: true });
  oldFree = await store.addRead(T0 - 31 * DAY);
  await store.addRead(T0 - DAY);
  store.db.close();
  pw = seedUsers(
    dataDir,
    dir,
    [
      { username: 'officer', roles: ['supervisor'] },
      { username: 'sergeant', roles: ['supervisor'] },
      { username: 'patrol', roles: ['operator'] },
    ],
    clock,
  );
  clock.set(T0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [resolve(packageRoot, 'src/bin.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('alpr-edge hold / purge', () => {
  it('refuses a hold on an unknown detection with a clear message and a non-zero exit', () => {
    const r = cli(['hold', 'add', 'no-such-id', '--case', 'C-1', '--reason', 'court', '--config', config, ...as('officer')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/no detection with id no-such-id/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('refuses incomplete usage', async () => {
    const caught = await holdCommand(['add', oldHeld.id, '--case', 'C-1', '--config', config, ...as('officer')]).catch((e: unknown) => e);
    expect(isAlprError(caught, 'USAGE')).toBe(true);
    expect((caught as Error).message).toMatch(/--reason is required/);
  });

  it('refuses without a login, and refuses an operator (holds need holds:manage)', async () => {
    const anon = cli(['hold', 'list', '--config', config]);
    expect(anon.status).toBe(1);
    expect(anon.stderr).toMatch(/this command needs a login: --user NAME/);
    const denied = await holdCommand(['list', '--config', config, ...as('patrol')], capture().stream, clock).catch((e: unknown) => e);
    expect(isAlprError(denied, 'FORBIDDEN')).toBe(true);
    expect((denied as Error).message).toBe('access refused: patrol lacks the holds:manage permission');
  });

  it('holds a read through a purge, lists it, and purges it after release', async () => {
    const out = capture();
    expect(await holdCommand(['add', oldHeld.id, '--case', 'C-1', '--reason', 'court exhibit', '--config', config, ...as('officer')], out.stream, clock)).toBe(0);
    const holdId = /hold (\S+) placed on detection/.exec(out.text())?.[1] as string;
    expect(holdId).toBeTruthy();

    const list = capture();
    await holdCommand(['list', `--config=${config}`, ...as('officer')], list.stream, clock);
    expect(list.text()).toContain(`${holdId}  detection ${oldHeld.id}  case C-1  by officer`);
    expect(list.text()).toContain('1 active hold(s)');

    const dry = capture();
    expect(await purgeCommand(['--config', config, '--dry-run'], dry.stream, process.stderr, clock)).toBe(0);
    expect(dry.text()).toMatch(/would delete 1 expired read\(s\) \(1 image\(s\)\); 1 expired read\(s\) kept by evidence holds/);

    const r1 = cli(['purge', '--config', config]); // the real clock: everything 31+ days old by T0 is long expired
    expect(r1.stderr).toBe('');
    expect(r1.status).toBe(0);
    expect(r1.stdout).toMatch(/purged \(age, cutoff .*\): 2 read\(s\), 0 hit\(s\), 0 outbox message\(s\), 2 image\(s\); 1 held read\(s\) kept/);
    expect(cropExists(dataDir, oldFree.cropPath)).toBe(false);
    expect(cropExists(dataDir, heldCropPath(oldHeld.id))).toBe(true); // moved out of its expired hour folder

    const rel = capture();
    expect(await holdCommand(['release', holdId, '--reason', 'case closed', '--config', config, ...as('sergeant')], rel.stream, clock)).toBe(0);
    expect(rel.text()).toMatch(/now follows normal retention/);

    const r2 = capture();
    expect(await purgeCommand(['--config', config], r2.stream, process.stderr, clock)).toBe(0);
    expect(r2.text()).toMatch(/: 1 read\(s\), 1 hit\(s\), 1 outbox message\(s\), 1 image\(s\); 0 held read\(s\) kept/);
    expect(cropExists(dataDir, heldCropPath(oldHeld.id))).toBe(false);

    const store = openStore(dataDir, clock);
    expect(count(store.db, 'detections')).toBe(0);
    expect(new HoldsRepo(store.db).history(holdId).map((h) => `${h.action} ${h.actor}`)).toEqual(['hold officer', 'release sergeant']);
    const audit = new AuditLog(store.db, clock);
    const trail = audit.list().filter((e) => ['hold-add', 'hold-list', 'hold-release', 'purge'].includes(e.action));
    expect(trail.map((e) => `${e.action} ${e.username}`)).toEqual(['hold-add officer', 'hold-list officer', 'purge system', 'hold-release sergeant', 'purge system']);
    expect(trail[0]).toMatchObject({ target: oldHeld.id, caseNumber: 'C-1', detail: { holdId, reason: 'court exhibit' } });
    expect(trail[2]?.detail).toMatchObject({ reason: 'age', rowsDeleted: 2 });
    expect(trail[4]?.detail).toMatchObject({ reason: 'age', rowsDeleted: 1, hitsDeleted: 1 });
    expect(audit.verify().ok).toBe(true);
    store.db.close();
  });
});
