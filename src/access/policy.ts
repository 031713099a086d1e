/**
 * The one access check (pure): every data route of the HTTP API and every CLI command that reads
 * or changes ALPR data calls `checkAccess` with the permission it needs. It fails closed: no
 * principal, no training record or a missing permission is a refusal.
 */
import type { AccessDecision, Permission, Principal, Role } from './types.ts';

const OPERATOR: readonly Permission[] = [
  'hits:read',
  'hits:disposition',
  'detections:read',
  'images:view',
  'search',
  'hotlist:read',
  'hotlist:enter',
];
const SUPERVISOR: readonly Permission[] = [...OPERATOR, 'hotlist:approve', 'holds:manage', 'export', 'release:request'];
const ADMINISTRATOR: readonly Permission[] = [...SUPERVISOR, 'release:decide', 'audit:read', 'users:manage'];
// The auditor reviews who looked at what; read-only, and no images or free searches of plates.
const AUDITOR: readonly Permission[] = ['audit:read', 'hits:read', 'detections:read', 'hotlist:read'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  operator: new Set(OPERATOR),
  supervisor: new Set(SUPERVISOR),
  administrator: new Set(ADMINISTRATOR),
  auditor: new Set(AUDITOR),
};

/**
 * Managing accounts is not access to ALPR data, so it does not wait for a training record:
 * otherwise the first administrator could not record anyone's training, their own included.
 */
const NEEDS_NO_TRAINING: ReadonlySet<Permission> = new Set(['users:manage']);

/** The union of the roles' permissions (unknown roles grant nothing). */
export function permissionsFor(roles: readonly Role[]): ReadonlySet<Permission> {
  const out = new Set<Permission>();
  for (const r of roles) for (const p of ROLE_PERMISSIONS[r] ?? []) out.add(p);
  return out;
}

export function checkAccess(principal: Principal | null, permission: Permission): AccessDecision {
  if (principal === null) return { ok: false, status: 401, reason: 'login required' };
  if (!NEEDS_NO_TRAINING.has(permission) && (principal.trainedAt === null || !Number.isFinite(principal.trainedAt))) {
    return { ok: false, status: 403, reason: 'training not recorded' };
  }
  if (!permissionsFor(principal.roles).has(permission)) {
    return { ok: false, status: 403, reason: `${principal.username} lacks the ${permission} permission` };
  }
  return { ok: true };
}
