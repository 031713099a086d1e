/**
 * Security of the HTTP API, enumerated from THE route table (not a hand list): every data route
 * refuses anonymous (401), untrained (403) and under-privileged (403) callers; state-changing
 * routes need the session's CSRF token; injection strings in search fields do no harm; repeated
 * failed logins lock the account.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS } from '../../src/access/policy.ts';
import { ROLES, type Permission } from '../../src/access/types.ts';
import { registerRoutes } from '../../src/api/register-routes.ts';
import { defineRoute, type AnyRoute } from '../../src/api/route-def.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { seedHit, seedRead } from '../support/api-db.ts';
import { PASSWORD, startApiHarness, type ApiHarness } from '../support/api-server.ts';

let h: ApiHarness;
const sessions: Record<string, { cookie: string; csrf: string }> = {};

beforeAll(async () => {
  h = await startApiHarness();
  for (const u of ['operator', 'supervisor', 'admin', 'auditor', 'untrained', 'noroles']) sessions[u] = await h.login(u);
  seedRead(h.db, { id: 'det-1', plate: '6TRK902', capturedAt: h.clock.now() - 60_000, lat: 38.5, lon: -121.5 });
  seedHit(h.db, { id: 'hit-1', detectionId: 'det-1', plate: '6TRK902', createdAt: h.clock.now() - 60_000 });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** A concrete URL for a route pattern (path parameters filled with a well-formed id). */
const urlOf = (r: AnyRoute) => r.url.replace(/:id\b/g, 'hit-1').replace(/:file\b/g, 'app.js');

async function call(r: AnyRoute, who: string | null, csrf?: string | null) {
  const s = who ? sessions[who] : undefined;
  const headers: Record<string, string> = {};
  if (s) headers.cookie = s.cookie;
  const token = csrf === undefined ? s?.csrf : csrf;
  if (token) headers['x-csrf-token'] = token;
  return h.app.inject({ method: r.method, url: urlOf(r), headers, ...(r.method === 'POST' ? { payload: {} } : {}) });
}

describe('every route of the table', () => {
  it('has the routes the page needs, each declared', () => {
    const data = h.routes.filter((r) => r.access !== 'public' && r.access !== 'session');
    expect(data.length).toBeGreaterThanOrEqual(15);
    for (const r of h.routes) expect(h.app.hasRoute({ method: r.method, url: r.url })).toBe(true);
  });

  it('refuses anonymous callers with 401 on every non-public route', async () => {
    for (const r of h.routes.filter((x) => x.access !== 'public')) {
      const res = await call(r, null);
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.json()).toEqual({ error: 'login required' });
    }
  });

  it('refuses an untrained user (even an administrator) with 403 on every data route', async () => {
    for (const r of h.routes.filter((x) => x.access !== 'public' && x.access !== 'session')) {
      const res = await call(r, 'untrained');
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
      expect(res.json()).toEqual({ error: 'training not recorded' });
    }
  });

  it('refuses a trained user lacking the permission with 403 on every data route', async () => {
    const roleUser: Record<string, string> = { operator: 'operator', supervisor: 'supervisor', administrator: 'admin', auditor: 'auditor' };
    let lackingRoleChecks = 0;
    for (const r of h.routes.filter((x) => x.access !== 'public' && x.access !== 'session')) {
      const perm = r.access as Permission;
      // An account whose roles grant nothing, and every real role that lacks the permission.
      const refused = ['noroles', ...ROLES.filter((role) => !ROLE_PERMISSIONS[role].has(perm)).map((role) => roleUser[role] as string)];
      lackingRoleChecks += refused.length - 1;
      for (const who of refused) {
        const res = await call(r, who);
        expect(res.statusCode, `${who}: ${r.method} ${r.url}`).toBe(403);
        expect((res.json() as { error: string }).error).toMatch(new RegExp(`lacks the ${perm} permission`));
      }
    }
    expect(lackingRoleChecks).toBeGreaterThan(10);
  });

  it('refuses every state-changing route without, or with a wrong, CSRF token (403), before it changes anything', async () => {
    const auditBefore = h.deps.audit.head().seq;
    const changing = h.routes.filter((r) => r.changesState && r.access !== 'public');
    expect(changing.length).toBeGreaterThanOrEqual(8);
    for (const r of changing) {
      for (const token of [null, 'x'.repeat(43), `${sessions.admin?.csrf}x`, sessions.operator?.csrf as string]) {
        const res = await call(r, 'admin', token);
        expect(res.statusCode, `${r.method} ${r.url} with ${token}`).toBe(403);
        expect((res.json() as { error: string }).error).toMatch(/x-csrf-token/);
      }
    }
    expect(h.deps.audit.head().seq).toBe(auditBefore);
  });

  it('does not register a route whose declaration is missing (fail closed)', () => {
    const app = Fastify();
    const undeclared = { method: 'GET', url: '/api/leak', changesState: false, summary: '', schemas: {}, handler: () => 'data' } as unknown as AnyRoute;
    const ok = defineRoute({ method: 'GET', url: '/api/fine', access: 'hits:read', changesState: false, summary: '', schemas: {}, handler: () => 'x' });
    expect(() => registerRoutes(app, [ok, undeclared], { authenticate: () => null }, silentLogger())).toThrow(/\/api\/leak declares no access/);
    expect(app.hasRoute({ method: 'GET', url: '/api/fine' })).toBe(false);
  });
});

describe('injection attempts', () => {
  const search = (payload: Record<string, unknown>) =>
    h.app.inject({ method: 'POST', url: '/api/search', headers: { cookie: sessions.operator?.cookie ?? '', 'x-csrf-token': sessions.operator?.csrf ?? '' }, payload });

  it('refuses SQL in the plate field as invalid input', async () => {
    for (const plate of ["' OR 1=1 --", '6TRK902"; DROP TABLE detections; --', '%', "6TRK'||'902", '6TRK[0-9]']) {
      const res = await search({ plate, purpose: 'investigation', caseNumber: '26-1' });
      expect(res.statusCode, plate).toBe(400);
      expect((res.json() as { error: string }).error).toMatch(/^invalid body: plate: /);
    }
  });

  it('stores SQL in free-text fields as plain text and runs only the intended search', async () => {
    const purpose = "x'); DROP TABLE detections; --";
    const caseNumber = "1' OR '1'='1";
    const res = await search({ plate: '6TRK902', purpose, caseNumber });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { results: { id: string }[] }).results.map((r) => r.id)).toEqual(['det-1']);
    const miss = await search({ plate: 'ZZZ999', purpose, caseNumber });
    expect((miss.json() as { results: unknown[] }).results).toEqual([]);
    expect(h.db.prepare('SELECT COUNT(*) AS n FROM detections').get()).toEqual({ n: 1 });
    const entry = h.deps.audit.list({ action: 'search', order: 'desc', limit: 1 })[0];
    expect(entry).toMatchObject({ purpose, caseNumber, username: 'operator' });
    expect(h.deps.audit.verify().ok).toBe(true);
  });

  it('refuses malformed ids and unknown fields in paths, queries and bodies', async () => {
    const headers = { cookie: sessions.operator?.cookie ?? '' };
    expect((await h.app.inject({ method: 'GET', url: "/api/hits/1'%20OR%20'1'='1", headers })).statusCode).toBe(400);
    expect((await h.app.inject({ method: 'GET', url: '/api/hits?limit=1;DROP', headers })).statusCode).toBe(400);
    const extra = await search({ plate: '6TRK902', purpose: 'p', caseNumber: 'c', sql: 'DROP' });
    expect(extra.statusCode).toBe(400);
    expect((extra.json() as { error: string }).error).toMatch(/sql/);
  });
});

describe('brute force', () => {
  it('locks the account after repeated failures, even for the right password, and says so', async () => {
    const attempt = (password: string) => h.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'supervisor2', password } });
    for (let i = 0; i < 5; i++) {
      const res = await attempt(`wrong password ${i}`);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'wrong user name or password' });
    }
    const locked = await attempt(PASSWORD);
    expect(locked.statusCode).toBe(423);
    expect((locked.json() as { error: string }).error).toMatch(/locked/);
    expect(locked.headers['set-cookie']).toBeUndefined();
    // Once the lockout has passed, the right password works again.
    h.clock.advance(16 * 60_000);
    expect((await attempt(PASSWORD)).statusCode).toBe(200);
    expect(h.deps.audit.list({ action: 'lockout' }).map((e) => e.username)).toEqual(['supervisor2']);
  });
});
