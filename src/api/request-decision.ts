/**
 * Whether a request may reach its handler (pure): the route's declared access, the caller's
 * session and, for state-changing routes, the CSRF header. Data permissions are decided by
 * checkAccess — the one shared check — never here.
 */
import { timingSafeEqual } from 'node:crypto';
import { checkAccess } from '../access/policy.ts';
import { PERMISSIONS, type AccessDecision, type Principal } from '../access/types.ts';
import type { HttpMethod, RouteAccess } from './route-def.ts';

export interface DeclaredRoute {
  method: HttpMethod;
  url: string;
  access: RouteAccess;
  changesState: boolean;
}

/**
 * Refuses a route whose declaration is missing or inconsistent, so an undeclared route never
 * registers (fail closed): unknown access, or a POST that does not say it changes state.
 */
export function checkDeclaration(route: Partial<DeclaredRoute>): string | null {
  const name = `${route.method ?? '?'} ${route.url ?? '?'}`;
  const access = route.access as string | undefined;
  if (access === undefined) return `route ${name} declares no access (a permission, 'session' or 'public')`;
  if (access !== 'public' && access !== 'session' && !(PERMISSIONS as readonly string[]).includes(access)) {
    return `route ${name} declares an unknown permission "${access}"`;
  }
  if (typeof route.changesState !== 'boolean') return `route ${name} does not declare whether it changes state`;
  if (route.method !== 'GET' && !route.changesState) return `route ${name}: a ${route.method} route must be declared as changing state (CSRF)`;
  return null;
}

function sameToken(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function decideRequest(
  route: Pick<DeclaredRoute, 'access' | 'changesState'>,
  session: { principal: Principal; csrfToken: string } | null,
  csrfHeader: string | undefined,
): AccessDecision {
  if (route.access === 'public') return { ok: true };
  if (session === null) return { ok: false, status: 401, reason: 'login required' };
  if (route.access !== 'session') {
    const decision = checkAccess(session.principal, route.access);
    if (!decision.ok) return decision;
  }
  if (route.changesState && !sameToken(session.csrfToken, csrfHeader)) {
    return { ok: false, status: 403, reason: 'missing or wrong x-csrf-token header' };
  }
  return { ok: true };
}
