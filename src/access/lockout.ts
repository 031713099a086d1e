/** Lockout decisions (pure): consecutive failures inside a window lock the account for a while. */
export interface LoginState {
  failedLogins: number;
  firstFailedAt: number | null;
  lockedUntil: number | null;
}

export function isLocked(s: Pick<LoginState, 'lockedUntil'>, now: number): boolean {
  return s.lockedUntil !== null && now < s.lockedUntil;
}

/**
 * The counters after one more failed login at `now`. Failures older than the window start a new
 * count; reaching `maxFailures` locks until now + lockoutMs and starts the next count afresh.
 */
export function decideFailure(s: LoginState, now: number, o: { maxFailures: number; lockoutMs: number }): LoginState {
  const inWindow = s.firstFailedAt !== null && now - s.firstFailedAt < o.lockoutMs && s.failedLogins > 0;
  const failedLogins = inWindow ? s.failedLogins + 1 : 1;
  const firstFailedAt = inWindow ? (s.firstFailedAt as number) : now;
  if (failedLogins >= o.maxFailures) return { failedLogins, firstFailedAt: null, lockedUntil: now + o.lockoutMs };
  return { failedLogins, firstFailedAt, lockedUntil: null };
}
