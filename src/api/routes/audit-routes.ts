/** The audit log for auditors: filter by time, user and action (reading it is audited too). */
import { z } from 'zod';
import { AuditAction } from '../../audit/actions.ts';
import type { ApiDeps } from '../api-deps.ts';
import { auditAs } from '../audit-as.ts';
import { defineRoute, type AnyRoute } from '../route-def.ts';

const auditQuery = z.strictObject({
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  userId: z.string().max(64).optional(),
  action: z.string().regex(/^[a-z-]{1,40}$/, 'an action name such as search or view-image').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export function auditRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/audit',
      access: 'audit:read',
      changesState: false,
      summary: 'Audit entries, newest first; query from/to (ms), userId, action, limit.',
      schemas: { query: auditQuery },
      handler: ({ query, session }) => {
        const entries = deps.audit.list({ ...query, order: 'desc' });
        auditAs(deps, session, { action: AuditAction.auditRead, detail: { ...query, results: entries.length } });
        return { entries };
      },
    }),
  ];
}
