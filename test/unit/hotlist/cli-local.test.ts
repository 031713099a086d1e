import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hotlistCommand } from '../../../src/cli/hotlist.ts';
import { HotlistRepo } from '../../../src/hotlist/repo.ts';
import { loadPublicKey, verifyEnvelope } from '../../../src/hotlist/signing.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { databaseFile, openDatabase } from '../../../src/store/db.ts';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/hotlists');
const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

let dir: string;
let config: string;
let clock: ManualClock;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-test-'));
  config = join(dir, 'config.yaml');
  writeFileSync(config, 'cameras:\n  - {type: image-folder, id: cam1, path: frames}\nstore: {dataDir: data}\n');
  clock = new ManualClock(T0);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): { code: number; out: string; err: string } {
  const out = new PassThrough();
  const err = new PassThrough();
  const code = hotlistCommand(args, out, err, { clock });
  return { code, out: String(out.read() ?? ''), err: String(err.read() ?? '') };
}

describe('alpr-edge hotlist import (formats)', () => {
  it('imports NCIC and CA DOJ extracts by extension, JSON with --format', () => {
    expect(run(['import', join(FIXTURES, 'ncic-sample.ncic'), '--config', config, '--source', 'ncic']).code).toBe(0);
    expect(run(['import', join(FIXTURES, 'ca-doj.svs'), '--config', config, '--source', 'svs']).code).toBe(0);
    const json = join(dir, 'list.data');
    writeFileSync(json, readFileSync(join(FIXTURES, 'sample.json')));
    expect(run(['import', json, '--config', config, '--format', 'json', '--source', 'json']).out).toMatch(/imported 3 entries/);
    const db = openDatabase(databaseFile(join(dir, 'data')));
    const repo = new HotlistRepo(db);
    expect(repo.countBySource('ncic')).toBe(7);
    expect(repo.countBySource('svs')).toBe(3);
    expect(repo.findExact('4ABC123')[0]).toMatchObject({ list: 'stolen-vehicle', vehicle: { make: 'HOND' } });
    db.close();
  });

  it('reports bad lines as FILE:LINE and rejects a truncated extract, keeping the previous list', () => {
    const bad = join(FIXTURES, 'ncic-bad.ncic');
    const r = run(['import', bad, '--config', config]);
    expect(r.err).toContain(`${bad}:2: unknown list code "Q"`);
    expect(r.out).toMatch(/imported 2 entries/);
    expect(run(['import', join(FIXTURES, 'ca-doj.svs'), '--config', config, '--source', 'svs']).code).toBe(0);
    const t = run(['import', join(FIXTURES, 'ca-doj-truncated.svs'), '--config', config, '--source', 'svs']);
    expect(t.code).toBe(1);
    expect(t.err).toContain('ca-doj-truncated.svs:3: no "TOTAL RECORD n" footer');
    expect(t.out).toMatch(/rejected .*the previous list was kept/);
    const db = openDatabase(databaseFile(join(dir, 'data')));
    expect(new HotlistRepo(db).countBySource('svs')).toBe(3);
    db.close();
  });
});

describe('alpr-edge hotlist local', () => {
  it('add -> approve -> renew -> expire, with history; policy refusals exit 1', () => {
    const base = ['--config', config];
    const refused = run(['local', 'add', ...base, '--plate', 'ABC*', '--list', 'bolo', '--entered-by', 'off-1', '--reason', 'seen at scene']);
    expect(refused).toMatchObject({ code: 1, err: 'refused: case number is required for a local entry\n' });

    const add = run(['local', 'add', ...base, '--plate', 'ABC*', '--state', 'CA', '--list', 'bolo', '--entered-by', 'off-1', '--case', '26-77', '--reason', 'seen at scene', '--vehicle', 'red pickup']);
    expect(add.code).toBe(0);
    expect(add.out).toMatch(/^created \S+ pending plate=ABC\* state=CA list=bolo case=26-77 by=off-1 reason="seen at scene" \(inactive until a supervisor approves it\)/);
    const id = add.out.split(' ')[1] as string;

    expect(run(['local', 'approve', id, '--by', 'off-1', ...base])).toMatchObject({ code: 1, err: expect.stringMatching(/other than the member who entered it/) });
    clock.advance(DAY);
    expect(run(['local', 'approve', id, '--by', 'sgt-2', ...base]).out).toContain(`approved ${id} active`);
    clock.advance(10 * DAY);
    expect(run(['local', 'renew', id, '--by', 'sgt-2', ...base]).out).toContain(`expires=${new Date(T0 + 41 * DAY).toISOString()}`);
    clock.advance(30 * DAY);
    expect(run(['local', 'list', ...base]).out).toContain(`${id} expired`);
    expect(run(['local', 'expire', ...base]).out).toContain('1 entry expired');
    const history = run(['local', 'history', id, ...base]).out.trim().split('\n');
    expect(history.map((l) => l.split(' ').slice(1, 4).join(' '))).toEqual(['create by off-1', 'approve by sgt-2', 'renew by sgt-2', 'expire by system']);
    expect(run(['local', 'approve', 'nope', '--by', 'sgt-2', ...base])).toMatchObject({ code: 1, err: 'refused: no local hot-list entry nope\n' });
  });

  it('keygen and sign produce an envelope that verifies', () => {
    const prefix = join(dir, 'feed');
    expect(run(['keygen', '--out', prefix]).code).toBe(0);
    const env = join(dir, 'demo.signed.json');
    expect(run(['sign', join(FIXTURES, 'demo.csv'), '--key', `${prefix}.key`, '--source', 'state', '--version', 'v1', '--out', env]).code).toBe(0);
    const v = verifyEnvelope(readFileSync(env), loadPublicKey(readFileSync(`${prefix}.pub`, 'utf8')), env);
    expect(v.manifest).toMatchObject({ source: 'state', version: 'v1', kind: 'full', format: 'csv', generatedAt: new Date(T0).toISOString() });
  });

  it('rejects bad usage', () => {
    expect(() => run(['local', 'fly', '--config', config])).toThrow(/usage/);
    expect(() => run(['local', 'approve', 'x', '--config', config])).toThrow(/--by is required/);
    expect(() => run(['import', 'x.csv', '--config', config, '--format', 'xml'])).toThrow(/unknown format xml/);
  });
});
