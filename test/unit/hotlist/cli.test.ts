import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hotlistCommand } from '../../../src/cli/hotlist.ts';
import { HotlistRepo } from '../../../src/hotlist/repo.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { databaseFile, openDatabase } from '../../../src/store/db.ts';
import { loginAs, seedUsers } from '../../support/users.ts';

let dir: string;
let config: string;
let pw: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-test-'));
  config = join(dir, 'config.yaml');
  writeFileSync(config, 'cameras:\n  - {type: image-folder, id: cam1, path: frames}\nstore: {dataDir: data}\n');
  pw = seedUsers(join(dir, 'data'), dir, [{ username: 'sgt-1', roles: ['supervisor'] }], new ManualClock(Date.UTC(2026, 0, 1)));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const code = await hotlistCommand([...args, ...loginAs('sgt-1', pw)], out, err);
  return { code, out: String(out.read() ?? ''), err: String(err.read() ?? '') };
}

describe('alpr-edge hotlist import', () => {
  it('imports into <dataDir>/alpr.db and prints counts and bad lines', async () => {
    const csv = join(dir, 'list.csv');
    writeFileSync(csv, 'plate,state,list,reason,case_number\nABC123,CA,stolen,,\n,CA,stolen,,\n');
    const r = await run(['import', csv, '--config', config]);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`${csv}:3: empty plate\n`);
    expect(r.out).toMatch(/imported 1 entries \(replaced 0\), 1 bad line\(s\) skipped/);
    const db = openDatabase(databaseFile(join(dir, 'data')));
    expect(new HotlistRepo(db).findExact('ABC123')).toHaveLength(1);
    db.close();
  });

  it('exits non-zero when --all-or-nothing rejects the file', async () => {
    const csv = join(dir, 'list.csv');
    writeFileSync(csv, 'plate,state,list,reason,case_number\nABC123,CA,stolen,,\nDEF,Calif,stolen,,\n');
    const r = await run(['import', csv, '--config', config, '--all-or-nothing']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${csv}:3: bad state "Calif"`);
    expect(r.out).toMatch(/rejected .* the previous list was kept/);
  });

  it('rejects bad usage', async () => {
    await expect(run(['import', 'x.csv'])).rejects.toThrow(/usage: alpr-edge hotlist import/);
    await expect(run(['export'])).rejects.toThrow(/usage/);
  });
});
