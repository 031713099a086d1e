/**
 * Logins, lockout and sessions.
 * - Passwords: scrypt (password.ts); an unknown username costs the same time as a wrong password.
 * - Lockout: `maxFailures` consecutive failures within `lockoutMs` lock the account for
 *   `lockoutMs`; while locked even the right password is refused. Failures, the lockout and
 *   logins are audited.
 * - Sessions: a random 32-byte token goes to the client; only its SHA-256 is stored. A session
 *   ends `sessionTtlMs` after login or `sessionIdleMs` after its last use, whichever is first.
 *   Each session has its own CSRF token for state-changing requests.
 */
import { createHash, randomBytes } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { AuditAction } from '../audit/actions.ts';
import { AuditLog } from '../audit/audit-log.ts';
import type { Clock } from '../platform/clock.ts';
import { decideFailure, isLocked } from './lockout.ts';
import { DUMMY_HASH, MAX_PASSWORD_LENGTH, verifyPassword } from './password.ts';
import type { Principal } from './types.ts';
import { UsersRepo } from './users-repo.ts';

export interface AuthServiceOptions {
  db: BetterSqlite3.Database;
  clock: Clock;
  /** Consecutive failures that lock the account. Default 5. */
  maxFailures?: number;
  /** How long a lockout lasts, and the window the failures must fall in. Default 15 min. */
  lockoutMs?: number;
  /** Absolute session lifetime. Default 8 h. */
  sessionTtlMs?: number;
  /** Idle limit. Default 30 min. */
  sessionIdleMs?: number;
  /** Shared audit log; by default one on the same database. */
  audit?: AuditLog;
}

export interface LoginMeta {
  ip?: string;
  via: 'web' | 'cli';
}

export type LoginResult =
  | { ok: true; token: string; csrfToken: string; principal: Principal; expiresAt: number }
  | { ok: false; reason: 'invalid' | 'locked' | 'disabled' };

interface SessionRow {
  user_id: string;
  csrf_token: string;
  expires_at: number;
  idle_expires_at: number;
}

export const DEFAULT_MAX_FAILURES = 5;
export const DEFAULT_LOCKOUT_MS = 15 * 60_000;
export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60_000;
export const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class AuthService {
  private readonly db: BetterSqlite3.Database;
  private readonly clock: Clock;
  private readonly users: UsersRepo;
  private readonly audit: AuditLog;
  private readonly maxFailures: number;
  private readonly lockoutMs: number;
  private readonly ttlMs: number;
  private readonly idleMs: number;

  constructor(o: AuthServiceOptions) {
    this.db = o.db;
    this.clock = o.clock;
    this.users = new UsersRepo(o.db, o.clock);
    this.audit = o.audit ?? new AuditLog(o.db, o.clock);
    this.maxFailures = Math.max(1, Math.floor(o.maxFailures ?? DEFAULT_MAX_FAILURES));
    this.lockoutMs = Math.max(1, o.lockoutMs ?? DEFAULT_LOCKOUT_MS);
    this.ttlMs = Math.max(1, o.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS);
    this.idleMs = Math.max(1, Math.min(o.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS, this.ttlMs));
  }

  async login(username: string, password: string, meta: LoginMeta): Promise<LoginResult> {
    const name = typeof username === 'string' ? username.slice(0, 64) : '';
    const creds = name === '' ? null : this.users.credentials(name);
    const pw = typeof password === 'string' && password.length <= MAX_PASSWORD_LENGTH ? password : '';
    // Always derive a key, so response time does not say whether the username exists.
    const matches = await verifyPassword(pw, creds?.passwordHash ?? DUMMY_HASH);
    const detail = { via: meta.via, ...(meta.ip ? { ip: meta.ip } : {}) };
    const fail = (reason: 'invalid' | 'locked' | 'disabled', userId: string | null, extra: Record<string, unknown> = {}): LoginResult => {
      this.audit.append({ userId, username: name || '(none)', action: AuditAction.loginFailed, detail: { ...detail, reason, ...extra } });
      return { ok: false, reason };
    };
    if (creds === null) return fail('invalid', null);
    // Re-read after the (slow) hash: another login may have changed the counters meanwhile.
    const now = this.clock.now();
    const fresh = this.users.credentials(name) ?? creds;
    const userId = fresh.principal.userId;
    if (fresh.disabled) return fail('disabled', userId);
    if (isLocked(fresh, now)) return fail('locked', userId, { lockedUntil: fresh.lockedUntil });
    if (!matches) {
      return this.db.transaction(() => {
        // Read, decide and write under the write lock: concurrent failures all count.
        const current = this.users.credentials(name) ?? fresh;
        const next = decideFailure(current, now, { maxFailures: this.maxFailures, lockoutMs: this.lockoutMs });
        this.users.setLoginState(userId, next);
        const r = fail('invalid', userId, { failures: next.failedLogins });
        if (next.lockedUntil !== null) {
          this.audit.append({
            userId,
            username: fresh.principal.username,
            action: AuditAction.lockout,
            detail: { ...detail, failures: next.failedLogins, lockedUntil: next.lockedUntil },
          });
        }
        return r;
      }).immediate();
    }
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = now + this.ttlMs;
    this.db.transaction(() => {
      this.users.setLoginState(userId, { failedLogins: 0, firstFailedAt: null, lockedUntil: null });
      this.db
        .prepare(
          `INSERT INTO sessions (token_hash, user_id, csrf_token, via, ip, created_at, expires_at, idle_expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(tokenHash(token), userId, csrfToken, meta.via, meta.ip ?? null, now, expiresAt, Math.min(expiresAt, now + this.idleMs));
      // Expired sessions of anyone are dropped here rather than by a timer.
      this.db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR idle_expires_at <= ?').run(now, now);
      this.audit.append({ userId, username: fresh.principal.username, action: AuditAction.login, detail });
    }).immediate();
    return { ok: true, token, csrfToken, principal: fresh.principal, expiresAt };
  }

  /** The session's principal, or null (unknown, expired, idle too long, user disabled). Moves the idle expiry on. */
  authenticate(token: string): { principal: Principal; csrfToken: string } | null {
    if (typeof token !== 'string' || token.length === 0 || token.length > 200) return null;
    const hash = tokenHash(token);
    const now = this.clock.now();
    const s = this.db.prepare('SELECT user_id, csrf_token, expires_at, idle_expires_at FROM sessions WHERE token_hash = ?').get(hash) as
      | SessionRow
      | undefined;
    if (!s) return null;
    if (now >= s.expires_at || now >= s.idle_expires_at || this.users.isDisabled(s.user_id)) {
      this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hash);
      return null;
    }
    const principal = this.users.get(s.user_id);
    if (!principal) return null;
    this.db.prepare('UPDATE sessions SET idle_expires_at = ? WHERE token_hash = ?').run(Math.min(s.expires_at, now + this.idleMs), hash);
    return { principal, csrfToken: s.csrf_token };
  }

  logout(token: string): void {
    if (typeof token !== 'string' || token.length === 0) return;
    const hash = tokenHash(token);
    const s = this.db.prepare('SELECT user_id, via FROM sessions WHERE token_hash = ?').get(hash) as { user_id: string; via: string } | undefined;
    if (!s) return;
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hash);
      const p = this.users.get(s.user_id);
      this.audit.append({ userId: s.user_id, username: p?.username ?? s.user_id, action: AuditAction.logout, detail: { via: s.via } });
    }).immediate();
  }
}
