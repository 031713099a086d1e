import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hotlistCommand } from '../../../src/cli/hotlist.ts';
import { HotlistRepo } from '../../../src/hotlist/repo.ts';
import { databaseFile, openDatabase } from '../../../src/store/db.ts';

let dir: string;
let config: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-test-'));
  config = join(dir, 'config.yaml');
  writeFileSync(config, 'cameras:\n  - {type: image-folder, id: cam1, path: frames}\nstore: {dataDir: data}\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): { code: number; out: string; err: string } {
  const out = new PassThrough();
  const err = new PassThrough();
  const code = hotlistCommand(args, out, err);
  return { code, out: String(out.read() ?? ''), err: String(err.read() ?? '') };
}

describe('alpr-edge hotlist import', () => {
  it('imports into <dataDir>/alpr.db and prints counts and bad lines', () => {
    const csv = join(dir, 'list.csv');
    writeFileSync(csv, 'plate,state,list,reason,case_number\nABC123,CA,stolen,,\n,CA,stolen,,\n');
    const r = run(['import', csv, '--config', config]);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`${csv}:3: empty plate\n`);
    expect(r.out).toMatch(/imported 1 entries \(replaced 0\), 1 bad line\(s\) skipped/);
    const db = openDatabase(databaseFile(join(dir, 'data')));
    expect(new HotlistRepo(db).findExact('ABC123')).toHaveLength(1);
    db.close();
  });

  it('exits non-zero when --all-or-nothing rejects the file', () => {
    const csv = join(dir, 'list.csv');
    writeFileSync(csv, 'plate,state,list,reason,case_number\nABC123,CA,stolen,,\nDEF,Calif,stolen,,\n');
    const r = run(['import', csv, '--config', config, '--all-or-nothing']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${csv}:3: bad state "Calif"`);
    expect(r.out).toMatch(/rejected .* the previous list was kept/);
  });

  it('rejects bad usage', () => {
    expect(() => run(['import', 'x.csv'])).toThrow(/usage: alpr-edge hotlist import/);
    expect(() => run(['export'])).toThrow(/usage/);
  });
});
