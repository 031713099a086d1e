import { describe, expect, it } from 'vitest';
import { decideFailure, isLocked, type LoginState } from '../../../src/access/lockout.ts';

const O = { maxFailures: 3, lockoutMs: 1000 };
const fresh: LoginState = { failedLogins: 0, firstFailedAt: null, lockedUntil: null };

describe('lockout', () => {
  it('locks on the max-th consecutive failure within the window', () => {
    let s = decideFailure(fresh, 0, O);
    expect(s).toEqual({ failedLogins: 1, firstFailedAt: 0, lockedUntil: null });
    s = decideFailure(s, 10, O);
    expect(s.lockedUntil).toBeNull();
    s = decideFailure(s, 20, O);
    expect(s).toEqual({ failedLogins: 3, firstFailedAt: null, lockedUntil: 1020 });
    expect(isLocked(s, 1019)).toBe(true);
    expect(isLocked(s, 1020)).toBe(false);
  });

  it('starts a new count when the earlier failures fall outside the window', () => {
    let s = decideFailure(fresh, 0, O);
    s = decideFailure(s, 10, O);
    s = decideFailure(s, 1000, O);
    expect(s).toEqual({ failedLogins: 1, firstFailedAt: 1000, lockedUntil: null });
  });

  it('counts afresh after a lockout', () => {
    const locked: LoginState = { failedLogins: 3, firstFailedAt: null, lockedUntil: 1020 };
    expect(decideFailure(locked, 2000, O)).toEqual({ failedLogins: 1, firstFailedAt: 2000, lockedUntil: null });
  });
});
