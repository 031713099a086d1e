/** Evidence holds (a held detection is never purged): list, place, release. Changes are audited. */
import { z } from 'zod';
import { AuditAction } from '../../audit/actions.ts';
import { HOLD_FIELD_LIMITS, HoldsRepo } from '../../store/holds-repo.ts';
import type { ApiDeps } from '../api-deps.ts';
import { auditAs, principalOf } from '../audit-as.ts';
import { defineRoute, type AnyRoute } from '../route-def.ts';
import { idParam } from './schemas.ts';

const holdBody = z.strictObject({
  detectionId: idParam.shape.id,
  caseNumber: z.string().max(HOLD_FIELD_LIMITS.caseNumber),
  reason: z.string().max(HOLD_FIELD_LIMITS.reason),
});
const releaseBody = z.strictObject({ reason: z.string().max(HOLD_FIELD_LIMITS.reason) });
const listQuery = z.strictObject({ all: z.enum(['true', 'false']).default('false') });

export function holdRoutes(deps: ApiDeps): AnyRoute[] {
  const holds = new HoldsRepo(deps.db);
  return [
    defineRoute({
      method: 'GET',
      url: '/api/holds',
      access: 'holds:manage',
      changesState: false,
      summary: 'Active holds (all=true: every hold ever placed).',
      schemas: { query: listQuery },
      handler: ({ query }) => ({ holds: holds.list(query.all === 'true') }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/holds',
      access: 'holds:manage',
      changesState: true,
      summary: 'Place an evidence hold on a detection (case number and reason required). Audited.',
      schemas: { body: holdBody },
      handler: ({ body, session }) => {
        const user = principalOf(session);
        return deps.db.transaction(() => {
          const hold = holds.add({ id: deps.newId(), ...body, heldBy: user.username, createdAt: deps.clock.now() });
          auditAs(deps, session, { action: AuditAction.holdAdd, target: hold.detectionId, caseNumber: hold.caseNumber, detail: { holdId: hold.id, reason: hold.reason } });
          return { hold };
        }).immediate();
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/holds/:id/release',
      access: 'holds:manage',
      changesState: true,
      summary: 'Release a hold (reason required); the detection is then purged on schedule. Audited.',
      schemas: { params: idParam, body: releaseBody },
      handler: ({ params, body, session }) => {
        const user = principalOf(session);
        return deps.db.transaction(() => {
          const hold = holds.release(params.id, { releasedBy: user.username, releaseReason: body.reason, releasedAt: deps.clock.now() });
          auditAs(deps, session, { action: AuditAction.holdRelease, target: hold.detectionId, caseNumber: hold.caseNumber, detail: { holdId: hold.id, reason: body.reason } });
          return { hold };
        }).immediate();
      },
    }),
  ];
}
