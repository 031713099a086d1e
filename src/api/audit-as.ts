/** Appends an audit entry in the name of the request's user (every data route goes through here). */
import type { AuditEntry, AuditInput } from '../audit/audit-log.ts';
import type { ApiDeps } from './api-deps.ts';
import { HttpError, type RouteSession } from './route-def.ts';

export function auditAs(deps: Pick<ApiDeps, 'audit'>, session: RouteSession | null, e: Omit<AuditInput, 'userId' | 'username'>): AuditEntry {
  // Unreachable for a declared data route (the preHandler refused it), but never log anonymously.
  if (!session) throw new HttpError(401, 'login required');
  return deps.audit.append({ userId: session.principal.userId, username: session.principal.username, ...e });
}

/** The user of a data route (present once the preHandler let the request through). */
export function principalOf(session: RouteSession | null): RouteSession['principal'] {
  if (!session) throw new HttpError(401, 'login required');
  return session.principal;
}
