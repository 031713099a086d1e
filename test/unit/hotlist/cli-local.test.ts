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
import { isAlprError } from '../../../src/errors.ts';
import { AuditLog } from '../../../src/audit/audit-log.ts';
import { loginAs, seedUsers } from '../../support/users.ts';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/hotlists');
const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

let dir: string;
let config: string;
let clock: ManualClock;
let pw: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-test-'));
  config = join(dir, 'config.yaml');
  writeFileSync(config, 'cameras:\n  - {type: image-folder, id: cam1, path: frames}\nstore: {dataDir: data}\n');
  clock = new ManualClock(T0);
  pw = seedUsers(
    join(dir, 'data'),
    dir,
    [
      { username: 'off-1', roles: ['operator'] },
      { username: 'sgt-1', roles: ['supervisor'] },
      { username: 'sgt-2', roles: ['supervisor'] },
    ],
    clock,
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], user = 'sgt-1'): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const login = args[0] === 'import' || args[0] === 'local' ? loginAs(user, pw) : [];
  const code = await hotlistCommand([...args, ...login], out, err, { clock });
  return { code, out: String(out.read() ?? ''), err: String(err.read() ?? '') };
}

describe('alpr-edge hotlist import (formats)', () => {
  it('imports NCIC and CA DOJ extracts by extension, JSON with --format', async () => {
    expect((await run(['import', join(FIXTURES, 'ncic-sample.ncic'), '--config', config, '--source', 'ncic'])).code).toBe(0);
    expect((await run(['import', join(FIXTURES, 'ca-doj.svs'), '--config', config, '--source', 'svs'])).code).toBe(0);
    const json = join(dir, 'list.data');
    writeFileSync(json, readFileSync(join(FIXTURES, 'sample.json')));
    expect((await run(['import', json, '--config', config, '--format', 'json', '--source', 'json'])).out).toMatch(/imported 3 entries/);
    const db = openDatabase(databaseFile(join(dir, 'data')));
    const repo = new HotlistRepo(db);
    expect(repo.countBySource('ncic')).toBe(7);
    expect(repo.countBySource('svs')).toBe(3);
    expect(repo.findExact('4ABC123')[0]).toMatchObject({ list: 'stolen-vehicle', reason: 'Stolen vehicle (CA DOJ SVS), county 19, lost 2026-01-12' });
    expect(new AuditLog(db, clock).list({ action: 'hotlist-import' }).map((e) => [e.username, e.target])).toEqual([
      ['sgt-1', 'ncic'],
      ['sgt-1', 'svs'],
      ['sgt-1', 'json'],
    ]);
    db.close();
  });

  it('reports bad lines as FILE:LINE and rejects a truncated extract, keeping the previous list', async () => {
    const bad = join(FIXTURES, 'ncic-bad.ncic');
    const r = await run(['import', bad, '--config', config]);
    expect(r.err).toContain(`${bad}:2: unknown list code "Q"`);
    expect(r.out).toMatch(/imported 2 entries/);
    expect((await run(['import', join(FIXTURES, 'ca-doj.svs'), '--config', config, '--source', 'svs'])).code).toBe(0);
    const t = await run(['import', join(FIXTURES, 'ca-doj-truncated.svs'), '--config', config, '--source', 'svs']);
    expect(t.code).toBe(1);
    expect(t.err).toContain('ca-doj-truncated.svs:3: no "TOTAL RECORD n" footer');
    expect(t.out).toMatch(/rejected .*the previous list was kept/);
    const db = openDatabase(databaseFile(join(dir, 'data')));
    expect(new HotlistRepo(db).countBySource('svs')).toBe(3);
    db.close();
  });

  it('refuses an operator: importing needs the hotlist:approve permission', async () => {
    await expect(run(['import', join(FIXTURES, 'ca-doj.svs'), '--config', config], 'off-1')).rejects.toThrow(/access refused: off-1 lacks the hotlist:approve permission/);
  });
});

describe('alpr-edge hotlist local', () => {
  it('add -> approve -> renew -> expire, with history and audit; policy refusals exit 1', async () => {
    const base = ['--config', config];
    const refused = await run(['local', 'add', ...base, '--plate', 'ABC*', '--list', 'bolo', '--reason', 'seen at scene'], 'off-1');
    expect(refused).toMatchObject({ code: 1, err: 'refused: case number is required for a local entry\n' });

    const add = await run(['local', 'add', ...base, '--plate', 'ABC*', '--state', 'CA', '--list', 'bolo', '--case', '26-77', '--reason', 'seen at scene', '--vehicle', 'red pickup'], 'off-1');
    expect(add.code).toBe(0);
    expect(add.out).toMatch(/^created \S+ pending plate=ABC\* state=CA list=bolo case=26-77 by=off-1 reason="seen at scene" \(inactive until a supervisor approves it\)/);
    const id = add.out.split(' ')[1] as string;

    // The operator who entered it lacks the supervisor's permission to approve anything.
    const denied = await run(['local', 'approve', id, ...base], 'off-1').catch((e: unknown) => e);
    expect(isAlprError(denied, 'FORBIDDEN')).toBe(true);
    expect((denied as Error).message).toBe('access refused: off-1 lacks the hotlist:approve permission');

    clock.advance(DAY);
    expect((await run(['local', 'approve', id, ...base], 'sgt-2')).out).toContain(`approved ${id} active`);
    clock.advance(10 * DAY);
    expect((await run(['local', 'renew', id, ...base], 'sgt-2')).out).toContain(`expires=${new Date(T0 + 41 * DAY).toISOString()}`);
    clock.advance(30 * DAY);
    expect((await run(['local', 'list', ...base])).out).toContain(`${id} expired`);
    expect((await run(['local', 'expire', ...base])).out).toContain('1 entry expired');
    const history = (await run(['local', 'history', id, ...base])).out.trim().split('\n');
    expect(history.map((l) => l.split(' ').slice(1, 4).join(' '))).toEqual(['create by off-1', 'approve by sgt-2', 'renew by sgt-2', 'expire by system']);
    expect(await run(['local', 'approve', 'nope', ...base], 'sgt-2')).toMatchObject({ code: 1, err: 'refused: no local hot-list entry nope\n' });

    const db = openDatabase(databaseFile(join(dir, 'data')));
    const audit = new AuditLog(db, clock);
    const trail = audit
      .list()
      .filter((e) => !['login', 'logout', 'login-failed'].includes(e.action))
      .map((e) => `${e.action} ${e.username}${e.target ? ` ${e.target === id ? 'ID' : e.target}` : ''}`);
    expect(trail).toEqual([
      'hotlist-enter off-1 ID',
      'access-denied off-1 hotlist:approve',
      'hotlist-approve sgt-2 ID',
      'hotlist-renew sgt-2 ID',
      'hotlist-read sgt-1 local',
      'hotlist-expire sgt-1',
      'hotlist-read sgt-1 ID',
    ]);
    expect(audit.verify().ok).toBe(true);
    db.close();
  });

  it('keeps the rule that the approver is not the member who entered the entry', async () => {
    const base = ['--config', config];
    const add = await run(['local', 'add', ...base, '--plate', 'XYZ123', '--list', 'bolo', '--case', '26-78', '--reason', 'robbery'], 'sgt-1');
    const id = add.out.split(' ')[1] as string;
    expect(await run(['local', 'approve', id, ...base], 'sgt-1')).toMatchObject({ code: 1, err: expect.stringMatching(/other than the member who entered it \(sgt-1\)/) });
  });

  it('needs a login', async () => {
    await expect(hotlistCommand(['local', 'list', '--config', config], new PassThrough(), new PassThrough(), { clock })).rejects.toThrow(/needs a login: --user NAME/);
    await expect(
      hotlistCommand(['local', 'list', '--config', config, '--user', 'sgt-1', '--password-file', join(dir, 'nope')], new PassThrough(), new PassThrough(), { clock }),
    ).rejects.toThrow(/cannot read password file/);
  });

  it('keygen and sign produce an envelope that verifies', async () => {
    const prefix = join(dir, 'feed');
    expect((await run(['keygen', '--out', prefix])).code).toBe(0);
    const env = join(dir, 'demo.signed.json');
    expect((await run(['sign', join(FIXTURES, 'demo.csv'), '--key', `${prefix}.key`, '--source', 'state', '--version', 'v1', '--out', env])).code).toBe(0);
    const v = verifyEnvelope(readFileSync(env), loadPublicKey(readFileSync(`${prefix}.pub`, 'utf8')), env);
    expect(v.manifest).toMatchObject({ source: 'state', version: 'v1', kind: 'full', format: 'csv', generatedAt: new Date(T0).toISOString() });
  });

  it('rejects bad usage', async () => {
    await expect(run(['local', 'fly', '--config', config])).rejects.toThrow(/usage/);
    await expect(run(['local', 'approve', 'x', '--config', config, '--by', 'sgt-2'])).rejects.toThrow(/unknown option --by/);
    await expect(run(['import', 'x.csv', '--config', config, '--format', 'xml'])).rejects.toThrow(/unknown format xml/);
  });
});
