/**
 * The daemon's HTTP server on a real SQLite store with real accounts (UsersRepo, AuthService,
 * AuditLog), for fastify `inject` tests of the API. One trained user per role, an untrained
 * one, and one whose stored roles grant nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { AuthService } from '../../src/access/auth-service.ts';
import type { Role } from '../../src/access/types.ts';
import { UsersRepo } from '../../src/access/users-repo.ts';
import type { ApiDeps } from '../../src/api/api-deps.ts';
import { HitEventHub } from '../../src/api/hit-events.ts';
import { buildHttpServer } from '../../src/api/http-server.ts';
import { routeTable } from '../../src/api/routes.ts';
import type { AnyRoute } from '../../src/api/route-def.ts';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import type { Database } from '../../src/store/db.ts';
import { createIdGenerator } from '../../src/store/ids.ts';
import { openApiDatabase } from './api-db.ts';

export const PASSWORD = 'correct horse battery';

export const TEST_USERS: Record<string, { roles: Role[]; trained: boolean }> = {
  operator: { roles: ['operator'], trained: true },
  supervisor: { roles: ['supervisor'], trained: true },
  supervisor2: { roles: ['supervisor'], trained: true },
  admin: { roles: ['administrator'], trained: true },
  auditor: { roles: ['auditor'], trained: true },
  untrained: { roles: ['administrator'], trained: false },
  noroles: { roles: ['operator'], trained: true },
};

export interface ApiHarness {
  app: FastifyInstance;
  db: Database;
  dataDir: string;
  clock: ManualClock;
  deps: ApiDeps;
  routes: AnyRoute[];
  localChanges: number;
  login(username: string): Promise<{ cookie: string; csrf: string }>;
  close(): Promise<void>;
}

export async function startApiHarness(): Promise<ApiHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'alpr-api-'));
  const db = openApiDatabase(join(dataDir, 'alpr.db'));
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 12, 0, 0));
  const users = new UsersRepo(db, clock);
  for (const [username, u] of Object.entries(TEST_USERS)) {
    const p = users.create({ username, displayName: `Test ${username}`, roles: u.roles, password: PASSWORD });
    if (u.trained) users.recordTraining(p.userId, clock.now() - 86_400_000);
  }
  // A stored role this build does not know grants nothing: a trained account with no permission at all.
  db.prepare("UPDATE users SET roles = '[\"visitor\"]' WHERE username = 'noroles'").run();
  const audit = new AuditLog(db, clock);
  const harness = { localChanges: 0 } as ApiHarness;
  const deps: ApiDeps = {
    db,
    clock,
    newId: createIdGenerator(clock),
    dataDir,
    auth: new AuthService({ db, clock, audit }),
    audit,
    hitEvents: new HitEventHub(),
    logger: silentLogger(),
    secureCookie: false,
    onLocalHotlistChanged: () => {
      harness.localChanges++;
    },
    keepAliveMs: 60_000,
  };
  const system = { health: () => ({ ready: true, reasons: [], checks: {} }), metrics: new Registry() };
  const app = buildHttpServer({ ...system, api: deps });
  await app.ready();
  Object.assign(harness, {
    app,
    db,
    dataDir,
    clock,
    deps,
    routes: routeTable(system, deps),
    async login(username: string) {
      const res = await app.inject({ method: 'POST', url: '/api/login', payload: { username, password: PASSWORD } });
      if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      const cookie = String(res.headers['set-cookie']).split(';')[0] as string;
      return { cookie, csrf: (res.json() as { csrfToken: string }).csrfToken };
    },
    async close() {
      await app.close();
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
  return harness;
}
