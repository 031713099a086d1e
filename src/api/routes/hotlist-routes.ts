/**
 * Officers' own hot-list entries: enter (pending), approve (a supervisor, never the member who
 * entered it — local-policy.ts), renew. Reuses the local-entry repository; every change is audited.
 */
import { z } from 'zod';
import { AuditAction } from '../../audit/actions.ts';
import { LocalEntriesRepo } from '../../hotlist/local-repo.ts';
import type { ApiDeps } from '../api-deps.ts';
import { auditAs, principalOf } from '../audit-as.ts';
import { defineRoute, type AnyRoute } from '../route-def.ts';
import { idParam } from './schemas.ts';

const text = (max: number) => z.string().max(max);

const entryBody = z.strictObject({
  plate: text(20),
  state: text(3).optional(),
  list: text(64),
  caseNumber: text(64),
  reason: text(500),
  vehicle: z
    .strictObject({
      year: z.int().min(1900).max(2100).nullable().default(null),
      make: text(64).nullable().default(null),
      model: text(64).nullable().default(null),
      colour: text(32).nullable().default(null),
      description: text(500).nullable().default(null),
    })
    .optional(),
});

export function hotlistRoutes(deps: ApiDeps): AnyRoute[] {
  const repo = new LocalEntriesRepo(deps.db);
  const changed = (): void => deps.onLocalHotlistChanged?.();
  return [
    defineRoute({
      method: 'GET',
      url: '/api/hotlist/local',
      access: 'hotlist:read',
      changesState: false,
      summary: 'Local (officer-entered) entries with their status as of now.',
      schemas: {},
      handler: () => ({ entries: repo.list(deps.clock.now()) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/hotlist/local',
      access: 'hotlist:enter',
      changesState: true,
      summary: 'Enter a local entry (pending until a supervisor approves). Audited.',
      schemas: { body: entryBody },
      handler: ({ body, session }) => {
        const user = principalOf(session);
        return deps.db.transaction(() => {
          const entry = repo.create({ ...body, enteredBy: user.username }, deps.clock.now(), deps.newId);
          auditAs(deps, session, { action: AuditAction.hotlistEnter, target: entry.id, caseNumber: entry.caseNumber, detail: { plate: entry.plate, list: entry.list } });
          return { entry };
        }).immediate();
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/hotlist/local/:id/approve',
      access: 'hotlist:approve',
      changesState: true,
      summary: 'Approve a pending entry (supervisor; not the member who entered it). Audited.',
      schemas: { params: idParam },
      handler: ({ params, session }) => {
        const user = principalOf(session);
        const entry = deps.db.transaction(() => {
          const e = repo.approve(params.id, user.username, deps.clock.now());
          auditAs(deps, session, { action: AuditAction.hotlistApprove, target: e.id, caseNumber: e.caseNumber, detail: { expiresAt: e.expiresAt } });
          return e;
        }).immediate();
        changed();
        return { entry };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/hotlist/local/:id/renew',
      access: 'hotlist:enter',
      changesState: true,
      summary: 'Renew an active entry for another 30 days. Audited.',
      schemas: { params: idParam },
      handler: ({ params, session }) => {
        const user = principalOf(session);
        const entry = deps.db.transaction(() => {
          const e = repo.renew(params.id, user.username, deps.clock.now());
          auditAs(deps, session, { action: AuditAction.hotlistRenew, target: e.id, caseNumber: e.caseNumber, detail: { expiresAt: e.expiresAt } });
          return e;
        }).immediate();
        changed();
        return { entry };
      },
    }),
  ];
}
