/** Logins, lockout and sessions against a real SQLite file. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthService, tokenHash } from '../../../src/access/auth-service.ts';
import { UsersRepo } from '../../../src/access/users-repo.ts';
import { AuditLog } from '../../../src/audit/audit-log.ts';
import { MIN, PASSWORD, tempDb, type TestDb } from './helpers.ts';

let t: TestDb;
let users: UsersRepo;
let auth: AuthService;
let audit: AuditLog;
beforeEach(() => {
  t = tempDb();
  users = new UsersRepo(t.db, t.clock);
  audit = new AuditLog(t.db, t.clock);
  auth = new AuthService({ db: t.db, clock: t.clock, maxFailures: 3, lockoutMs: 15 * MIN, sessionTtlMs: 8 * 60 * MIN });
  users.create({ username: 'pat', displayName: 'Pat Doe', roles: ['operator'], password: PASSWORD });
});
afterEach(() => t.close());

const actions = () => audit.list().map((e) => `${e.action}:${e.username}`);

describe('AuthService.login', () => {
  it('logs in with the right password, stores only the token hash, and audits it', async () => {
    const r = await auth.login('pat', PASSWORD, { via: 'web', ip: '10.0.0.5' });
    if (!r.ok) throw new Error(r.reason);
    expect(r.principal).toMatchObject({ username: 'pat', roles: ['operator'], trainedAt: null });
    expect(r.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = t.db.prepare('SELECT token_hash FROM sessions').all() as { token_hash: string }[];
    expect(stored).toEqual([{ token_hash: tokenHash(r.token) }]);
    expect(JSON.stringify(t.db.prepare('SELECT * FROM sessions').all())).not.toContain(r.token);
    expect(audit.list()[0]).toMatchObject({ action: 'login', username: 'pat', detail: { via: 'web', ip: '10.0.0.5' } });
  });

  it('refuses a wrong password and an unknown user alike, and audits both', async () => {
    expect(await auth.login('pat', 'wrong password!!', { via: 'cli' })).toEqual({ ok: false, reason: 'invalid' });
    expect(await auth.login('nobody', PASSWORD, { via: 'cli' })).toEqual({ ok: false, reason: 'invalid' });
    expect(actions()).toEqual(['login-failed:pat', 'login-failed:nobody']);
  });

  it('locks the account after 3 failures in the window, refuses even the right password, and unlocks later', async () => {
    for (let i = 0; i < 3; i++) expect((await auth.login('pat', `bad password ${i}`, { via: 'web' })).ok).toBe(false);
    expect(actions()).toEqual(['login-failed:pat', 'login-failed:pat', 'login-failed:pat', 'lockout:pat']);
    expect(await auth.login('pat', PASSWORD, { via: 'web' })).toEqual({ ok: false, reason: 'locked' });
    t.clock.advance(15 * MIN);
    expect((await auth.login('pat', PASSWORD, { via: 'web' })).ok).toBe(true);
  });

  it('does not lock on failures spread beyond the window, and a success resets the count', async () => {
    await auth.login('pat', 'bad password 1', { via: 'web' });
    await auth.login('pat', 'bad password 2', { via: 'web' });
    t.clock.advance(16 * MIN);
    await auth.login('pat', 'bad password 3', { via: 'web' });
    expect((await auth.login('pat', PASSWORD, { via: 'web' })).ok).toBe(true);
    await auth.login('pat', 'bad password 4', { via: 'web' });
    await auth.login('pat', 'bad password 5', { via: 'web' });
    expect((await auth.login('pat', PASSWORD, { via: 'web' })).ok).toBe(true);
    expect(actions()).not.toContain('lockout:pat');
  });

  it('refuses a disabled account', async () => {
    users.setDisabled((users.findByUsername('pat') as { userId: string }).userId, true);
    expect(await auth.login('pat', PASSWORD, { via: 'web' })).toEqual({ ok: false, reason: 'disabled' });
  });
});

describe('AuthService sessions', () => {
  async function login(): Promise<string> {
    const r = await auth.login('pat', PASSWORD, { via: 'web' });
    if (!r.ok) throw new Error(r.reason);
    return r.token;
  }

  it('authenticates a token, moves the idle expiry on, and ends after 30 idle minutes', async () => {
    const token = await login();
    t.clock.advance(29 * MIN);
    expect(auth.authenticate(token)?.principal.username).toBe('pat');
    t.clock.advance(29 * MIN);
    expect(auth.authenticate(token)).not.toBeNull();
    t.clock.advance(30 * MIN);
    expect(auth.authenticate(token)).toBeNull();
    expect(auth.authenticate(token)).toBeNull();
  });

  it('ends a busy session 8 hours after login', async () => {
    const token = await login();
    for (let i = 0; i < 16; i++) {
      t.clock.advance(29 * MIN);
      expect(auth.authenticate(token)).not.toBeNull();
    }
    t.clock.advance(29 * MIN); // 8 h 13 min after login
    expect(auth.authenticate(token)).toBeNull();
  });

  it('returns the session CSRF token, and refuses unknown or tampered tokens', async () => {
    const r = await auth.login('pat', PASSWORD, { via: 'web' });
    if (!r.ok) throw new Error(r.reason);
    expect(auth.authenticate(r.token)?.csrfToken).toBe(r.csrfToken);
    expect(auth.authenticate(`${r.token.slice(0, -1)}${r.token.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(auth.authenticate('')).toBeNull();
  });

  it('logout ends the session and is audited; disabling a user ends theirs', async () => {
    const a = await login();
    auth.logout(a);
    expect(auth.authenticate(a)).toBeNull();
    expect(actions().at(-1)).toBe('logout:pat');
    const b = await login();
    users.setDisabled((users.findByUsername('pat') as { userId: string }).userId, true);
    expect(auth.authenticate(b)).toBeNull();
  });
});
