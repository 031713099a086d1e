import { describe, expect, it } from 'vitest';
import { checkAccess, permissionsFor, ROLE_PERMISSIONS } from '../../../src/access/policy.ts';
import { PERMISSIONS, ROLES, type Permission, type Principal, type Role } from '../../../src/access/types.ts';

const who = (roles: Role[], trainedAt: number | null = 1): Principal => ({ userId: 'u1', username: 'pat', displayName: 'Pat', roles, trainedAt });

describe('permissionsFor', () => {
  it('is the union of the roles, and grants nothing for no role', () => {
    expect(permissionsFor([]).size).toBe(0);
    const both = permissionsFor(['operator', 'auditor']);
    expect(both.has('search')).toBe(true);
    expect(both.has('audit:read')).toBe(true);
    expect(both.has('release:decide')).toBe(false);
  });

  it('matches the documented matrix', () => {
    const grid = (r: Role) => PERMISSIONS.filter((p) => ROLE_PERMISSIONS[r].has(p));
    expect(grid('operator')).toEqual(['hits:read', 'hits:disposition', 'detections:read', 'images:view', 'search', 'hotlist:read', 'hotlist:enter']);
    expect(grid('supervisor')).toEqual([...PERMISSIONS.slice(0, 11)]);
    expect(PERMISSIONS.slice(11)).toEqual(['release:decide', 'audit:read', 'users:manage']);
    expect(grid('administrator')).toEqual(PERMISSIONS);
    expect(grid('auditor')).toEqual(['hits:read', 'detections:read', 'hotlist:read', 'audit:read']);
  });
});

describe('checkAccess', () => {
  it('refuses an anonymous caller with 401', () => {
    expect(checkAccess(null, 'hits:read')).toEqual({ ok: false, status: 401, reason: 'login required' });
  });

  it('refuses every data permission until training is recorded', () => {
    for (const p of PERMISSIONS.filter((x) => x !== 'users:manage')) {
      expect(checkAccess(who(['administrator'], null), p)).toEqual({ ok: false, status: 403, reason: 'training not recorded' });
    }
    // Account management is not data access: the first administrator must be able to record training.
    expect(checkAccess(who(['administrator'], null), 'users:manage')).toEqual({ ok: true });
  });

  it('refuses a permission the roles lack with 403, and allows one they hold', () => {
    for (const r of ROLES) {
      for (const p of PERMISSIONS) {
        const d = checkAccess(who([r]), p as Permission);
        expect(d.ok).toBe(ROLE_PERMISSIONS[r].has(p));
        if (!d.ok) expect(d).toEqual({ ok: false, status: 403, reason: `pat lacks the ${p} permission` });
      }
    }
  });

  it('fails closed on an unknown role or a non-finite training date', () => {
    expect(checkAccess(who(['root' as Role]), 'search').ok).toBe(false);
    expect(checkAccess(who(['operator'], Number.NaN), 'search')).toMatchObject({ ok: false, status: 403 });
  });
});
