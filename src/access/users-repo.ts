/**
 * The `users` table: individual accounts with roles, a training date, a password hash and the
 * lockout counters. Inputs are checked with zod; an error names the field.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { AlprError } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import { createIdGenerator, type IdGenerator } from '../store/ids.ts';
import { hashPasswordSync } from './password.ts';
import { ROLES, type Principal, type Role } from './types.ts';

export const usernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/, 'username must be 2-64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit');
const newUserSchema = z.object({
  username: usernameSchema,
  displayName: z.string().trim().min(1, 'display name is required').max(200, 'display name is longer than 200 characters'),
  roles: z
    .array(z.enum(ROLES as [Role, ...Role[]], { error: `role must be one of ${ROLES.join(', ')}` }))
    .min(1, 'at least one role is required')
    .max(ROLES.length),
  password: z.string(),
});

export interface NewUser {
  username: string;
  displayName: string;
  roles: Role[];
  password: string;
}

/** What login needs beyond the principal. */
export interface Credentials {
  principal: Principal;
  passwordHash: string;
  disabled: boolean;
  failedLogins: number;
  firstFailedAt: number | null;
  lockedUntil: number | null;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  roles: string;
  password_hash: string;
  trained_at: number | null;
  disabled: number;
  failed_logins: number;
  first_failed_at: number | null;
  locked_until: number | null;
}

function toPrincipal(r: UserRow): Principal {
  const roles = (JSON.parse(r.roles) as string[]).filter((x): x is Role => (ROLES as readonly string[]).includes(x));
  return { userId: r.id, username: r.username, displayName: r.display_name, roles, trainedAt: r.trained_at };
}

function firstIssue(err: z.ZodError): string {
  const i = err.issues[0];
  return i ? `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}` : 'invalid';
}

export class UsersRepo {
  private readonly db: BetterSqlite3.Database;
  private readonly clock: Clock;
  private readonly newId: IdGenerator;

  constructor(db: BetterSqlite3.Database, clock: Clock) {
    this.db = db;
    this.clock = clock;
    this.newId = createIdGenerator(clock);
  }

  /** Creates an account (password hashed with scrypt). Throws AlprError USAGE naming a bad field or a taken username. */
  create(u: NewUser): Principal {
    const parsed = newUserSchema.safeParse(u);
    if (!parsed.success) throw new AlprError('USAGE', `invalid user: ${firstIssue(parsed.error)}`);
    const { username, displayName, password } = parsed.data;
    const roles = [...new Set(parsed.data.roles)];
    const hash = hashPasswordSync(password);
    if (this.findByUsername(username)) throw new AlprError('USAGE', `user ${username} already exists`);
    const now = this.clock.now();
    const id = this.newId();
    this.db
      .prepare(
        `INSERT INTO users (id, username, display_name, roles, password_hash, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, username, displayName, JSON.stringify(roles), hash, now, now);
    return this.get(id) as Principal;
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  findByUsername(username: string): Principal | null {
    const r = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return r ? toPrincipal(r) : null;
  }

  get(userId: string): Principal | null {
    const r = this.db.prepare('SELECT * FROM users WHERE id = ?').get(userId) as UserRow | undefined;
    return r ? toPrincipal(r) : null;
  }

  list(): Principal[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(toPrincipal);
  }

  isDisabled(userId: string): boolean {
    const r = this.db.prepare('SELECT disabled FROM users WHERE id = ?').get(userId) as { disabled: number } | undefined;
    return r === undefined || r.disabled === 1;
  }

  credentials(username: string): Credentials | null {
    const r = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    if (!r) return null;
    return {
      principal: toPrincipal(r),
      passwordHash: r.password_hash,
      disabled: r.disabled === 1,
      failedLogins: r.failed_logins,
      firstFailedAt: r.first_failed_at,
      lockedUntil: r.locked_until,
    };
  }

  recordTraining(userId: string, at: number): void {
    if (!Number.isFinite(at)) throw new AlprError('USAGE', 'training date is not a date');
    this.update(userId, 'trained_at = ?', at);
  }

  setPassword(userId: string, password: string): void {
    this.update(userId, 'password_hash = ?', hashPasswordSync(password));
  }

  /** Disabling also ends the user's sessions. */
  setDisabled(userId: string, disabled: boolean): void {
    this.db.transaction(() => {
      this.update(userId, 'disabled = ?', disabled ? 1 : 0);
      if (disabled) this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
    })();
  }

  /** Stores the lockout counters (auth-service decides them). */
  setLoginState(userId: string, s: { failedLogins: number; firstFailedAt: number | null; lockedUntil: number | null }): void {
    this.db
      .prepare('UPDATE users SET failed_logins = ?, first_failed_at = ?, locked_until = ? WHERE id = ?')
      .run(s.failedLogins, s.firstFailedAt, s.lockedUntil, userId);
  }

  private update(userId: string, set: string, value: unknown): void {
    const r = this.db.prepare(`UPDATE users SET ${set}, updated_at = ? WHERE id = ?`).run(value, this.clock.now(), userId);
    if (r.changes !== 1) throw new AlprError('USAGE', `no user with id ${userId}`);
  }
}
