import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../src/access/types.ts';
import { checkDeclaration, decideRequest } from '../../../src/api/request-decision.ts';

const trained = (roles: Principal['roles']): Principal => ({ userId: 'u1', username: 'pat', displayName: 'Pat', roles, trainedAt: 1 });
const session = (p: Principal) => ({ principal: p, csrfToken: 'csrf-token-of-the-session' });

describe('decideRequest', () => {
  it('lets anyone reach a public route', () => {
    expect(decideRequest({ access: 'public', changesState: true }, null, undefined)).toEqual({ ok: true });
  });

  it('refuses a caller without a session with 401, on session and data routes alike', () => {
    expect(decideRequest({ access: 'session', changesState: false }, null, undefined)).toMatchObject({ ok: false, status: 401 });
    expect(decideRequest({ access: 'hits:read', changesState: false }, null, undefined)).toMatchObject({ ok: false, status: 401 });
  });

  it('applies checkAccess on data routes: untrained and under-privileged callers get 403', () => {
    const untrained = { ...trained(['administrator']), trainedAt: null };
    expect(decideRequest({ access: 'hits:read', changesState: false }, session(untrained), undefined)).toEqual({
      ok: false,
      status: 403,
      reason: 'training not recorded',
    });
    expect(decideRequest({ access: 'audit:read', changesState: false }, session(trained(['operator'])), undefined)).toMatchObject({ ok: false, status: 403 });
    expect(decideRequest({ access: 'audit:read', changesState: false }, session(trained(['auditor'])), undefined)).toEqual({ ok: true });
  });

  it('needs the session CSRF token on state-changing routes, compared exactly', () => {
    const s = session(trained(['operator']));
    const route = { access: 'hits:disposition', changesState: true } as const;
    expect(decideRequest(route, s, undefined)).toMatchObject({ ok: false, status: 403, reason: expect.stringMatching(/csrf/i) });
    expect(decideRequest(route, s, 'csrf-token-of-the-sessioN')).toMatchObject({ ok: false, status: 403 });
    expect(decideRequest(route, s, 'csrf-token-of-the-session-')).toMatchObject({ ok: false, status: 403 });
    expect(decideRequest(route, s, 'csrf-token-of-the-session')).toEqual({ ok: true });
    // Logout is a session route: no permission needed, but CSRF still is.
    expect(decideRequest({ access: 'session', changesState: true }, s, undefined)).toMatchObject({ ok: false, status: 403 });
  });
});

describe('checkDeclaration (fail closed at registration)', () => {
  it('accepts a fully declared route', () => {
    expect(checkDeclaration({ method: 'GET', url: '/api/x', access: 'search', changesState: false })).toBeNull();
  });

  it('refuses a route without access, with an unknown permission, or a POST that claims not to change state', () => {
    expect(checkDeclaration({ method: 'GET', url: '/api/x', changesState: false })).toMatch(/declares no access/);
    expect(checkDeclaration({ method: 'GET', url: '/api/x', access: 'hits:write' as never, changesState: false })).toMatch(/unknown permission "hits:write"/);
    expect(checkDeclaration({ method: 'GET', url: '/api/x', access: 'search' })).toMatch(/changes state/);
    expect(checkDeclaration({ method: 'POST', url: '/api/x', access: 'search', changesState: false })).toMatch(/CSRF/);
  });
});
