import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../../src/access/password.ts';
import { UsersRepo } from '../../../src/access/users-repo.ts';
import { PASSWORD, T0, tempDb, type TestDb } from './helpers.ts';

let t: TestDb;
let users: UsersRepo;
beforeEach(() => {
  t = tempDb();
  users = new UsersRepo(t.db, t.clock);
});
afterEach(() => t.close());

describe('UsersRepo', () => {
  it('creates, finds, lists and records training', () => {
    const p = users.create({ username: 'sgt.lee', displayName: 'Sgt Lee', roles: ['supervisor', 'operator', 'supervisor'], password: PASSWORD });
    expect(p).toMatchObject({ username: 'sgt.lee', displayName: 'Sgt Lee', roles: ['supervisor', 'operator'], trainedAt: null });
    expect(users.findByUsername('SGT.LEE')?.userId).toBe(p.userId);
    expect(users.get(p.userId)?.username).toBe('sgt.lee');
    users.recordTraining(p.userId, T0);
    expect(users.list()).toEqual([{ ...p, trainedAt: T0 }]);
  });

  it('stores a salted scrypt hash, never the password', async () => {
    const a = users.create({ username: 'a1', displayName: 'A', roles: ['operator'], password: PASSWORD });
    users.create({ username: 'b1', displayName: 'B', roles: ['operator'], password: PASSWORD });
    const rows = t.db.prepare('SELECT password_hash AS h FROM users ORDER BY username').all() as { h: string }[];
    expect(rows[0]?.h).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(rows[0]?.h).not.toBe(rows[1]?.h);
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
    expect(await verifyPassword(PASSWORD, rows[0]?.h as string)).toBe(true);
    users.setPassword(a.userId, 'another long passphrase');
    const h = (t.db.prepare('SELECT password_hash AS h FROM users WHERE id = ?').get(a.userId) as { h: string }).h;
    expect(await verifyPassword(PASSWORD, h)).toBe(false);
    expect(await verifyPassword('another long passphrase', h)).toBe(true);
  });

  it('names the bad field', () => {
    const ok = { username: 'pat', displayName: 'Pat', roles: ['operator' as const], password: PASSWORD };
    expect(() => users.create({ ...ok, password: 'short' })).toThrow(/at least 12 characters/);
    expect(() => users.create({ ...ok, username: 'x' })).toThrow(/username: username must be 2-64/);
    expect(() => users.create({ ...ok, username: "pat'; DROP TABLE users;--" })).toThrow(/username/);
    expect(() => users.create({ ...ok, roles: [] })).toThrow(/roles: at least one role/);
    expect(() => users.create({ ...ok, roles: ['root' as 'operator'] })).toThrow(/role must be one of operator, supervisor, administrator, auditor/);
    expect(() => users.create({ ...ok, displayName: ' ' })).toThrow(/display name is required/);
    users.create(ok);
    expect(() => users.create({ ...ok, username: 'PAT' })).toThrow(/user PAT already exists/);
    expect(() => users.recordTraining('nope', T0)).toThrow(/no user with id nope/);
  });
});
