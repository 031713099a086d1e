/** `alpr-edge user ...` in process against a real SQLite file: bootstrap, own password, disable. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { userCommand } from '../../../src/cli/user.ts';
import { promptPassword } from '../../../src/cli/login.ts';
import { AuditLog } from '../../../src/audit/audit-log.ts';
import { databaseFile, openDatabase } from '../../../src/store/db.ts';
import { tempDb, type TestDb } from './helpers.ts';

let t: TestDb;
let config: string;
const file = (name: string, text: string): string => {
  const f = join(t.dir, name);
  writeFileSync(f, `${text}\n`);
  return f;
};
beforeEach(() => {
  t = tempDb('alpr-user-cli-');
  config = join(t.dir, 'alpr.yaml');
  writeFileSync(config, 'cameras:\n  - {type: image-folder, id: cam1, path: frames}\nstore: {dataDir: data}\n');
});
afterEach(() => t.close());

async function run(...args: string[]): Promise<string> {
  const out = new PassThrough();
  try {
    await userCommand([...args, '--config', config], out, t.clock);
    return String(out.read() ?? '');
  } catch (e) {
    return `error: ${(e as Error).message.split('\n')[0]}`;
  }
}

describe('alpr-edge user', () => {
  it('requires the first user to be an administrator, with a valid password', async () => {
    expect(await run('add', '--username', 'pat', '--name', 'Pat', '--roles', 'operator', '--new-password-file', file('p', 'long enough password'))).toBe(
      'error: the first user must have the administrator role',
    );
    expect(await run('add', '--username', 'chief', '--name', 'Chief', '--roles', 'administrator', '--new-password-file', file('s', 'short'))).toBe(
      'error: password must be at least 12 characters',
    );
    expect(await run('add', '--username', 'chief', '--name', 'Chief', '--roles', 'administrator,root', '--new-password-file', file('p', 'long enough password'))).toBe(
      'error: unknown role "root": roles are operator, supervisor, administrator, auditor',
    );
    expect(await run('add', '--username', 'chief', '--name', 'Chief', '--roles', 'administrator', '--trained-on', '2999-01-01', '--new-password-file', file('p', 'long enough password'))).toBe(
      'error: --trained-on 2999-01-01 is in the future',
    );
  });

  it('lets a user change their own password, and an administrator disable an account', async () => {
    const chief = ['--user', 'chief', '--password-file', file('chief', 'chief long passphrase')];
    await run('add', '--username', 'chief', '--name', 'Chief', '--roles', 'administrator', '--new-password-file', file('chief', 'chief long passphrase'));
    expect(await run('add', '--username', 'pat', '--name', 'Pat', '--roles', 'operator', '--new-password-file', file('pat', 'pat long passphrase'), ...chief)).toBe('added pat (operator); not trained\n');
    const pat = ['--user', 'pat', '--password-file', file('pat', 'pat long passphrase')];
    expect(await run('passwd', 'pat', '--new-password-file', file('new', 'pat new passphrase!'), ...pat)).toBe('password of pat changed\n');
    // Not someone else's.
    expect(await run('passwd', 'chief', '--new-password-file', file('new2', 'chief new passphrase'), '--user', 'pat', '--password-file', file('new', 'pat new passphrase!'))).toBe(
      'error: access refused: pat lacks the users:manage permission',
    );
    expect(await run('disable', 'chief', ...chief)).toBe('error: an administrator cannot disable their own account');
    expect(await run('disable', 'pat', ...chief)).toBe('pat disabled\n');
    expect(await run('passwd', 'pat', '--new-password-file', file('x', 'another passphrase'), '--user', 'pat', '--password-file', file('new', 'pat new passphrase!'))).toBe(
      'error: login refused for pat: the account is disabled',
    );
    expect(await run('disable', 'pat', '--enable', ...chief)).toBe('pat enabled\n');

    const db = openDatabase(databaseFile(join(t.dir, 'data')));
    const actions = new AuditLog(db, t.clock)
      .list()
      .filter((e) => e.action.startsWith('user-'))
      .map((e) => `${e.action} ${e.username} ${e.target}`);
    expect(actions).toEqual(['user-add chief chief', 'user-add chief pat', 'user-password pat pat', 'user-disable chief pat', 'user-enable chief pat']);
    db.close();
  });
});

describe('promptPassword', () => {
  function tty(): PassThrough & { isTTY: boolean; raw: boolean[]; setRawMode(on: boolean): void } {
    const s = new PassThrough() as PassThrough & { isTTY: boolean; raw: boolean[]; setRawMode(on: boolean): void };
    s.isTTY = true;
    s.raw = [];
    s.setRawMode = (on: boolean) => void s.raw.push(on);
    return s;
  }

  it('reads a line in raw mode without echo, with backspace, then restores the terminal', async () => {
    const input = tty();
    const out = new PassThrough();
    const p = promptPassword('password: ', input as unknown as NodeJS.ReadStream, out);
    input.write('secrex\u007ft pass\r');
    expect(await p).toBe('secret pass');
    expect(String(out.read())).toBe('password: \n');
    expect(input.raw).toEqual([true, false]);
  });

  it('turns echo off before the prompt shows, so nothing typed at the prompt is echoed', () => {
    const input = tty();
    const order: string[] = [];
    input.setRawMode = (on: boolean) => void order.push(`raw:${on}`);
    const out = new PassThrough();
    out.write = ((chunk: string) => order.push(`write:${chunk}`) > 0) as typeof out.write;
    void promptPassword('password: ', input as unknown as NodeJS.ReadStream, out);
    expect(order).toEqual(['raw:true', 'write:password: ']);
  });

  it('refuses when there is no terminal, and on ctrl-C', async () => {
    const notTty = new PassThrough() as unknown as NodeJS.ReadStream;
    await expect(promptPassword('pw: ', notTty, new PassThrough())).rejects.toThrow(/give --password-file FILE, or run from a terminal/);
    const input = tty();
    const p = promptPassword('pw: ', input as unknown as NodeJS.ReadStream, new PassThrough());
    input.write('abc\u0003');
    await expect(p).rejects.toThrow(/cancelled/);
  });
});
