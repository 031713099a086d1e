/**
 * Who may do what. Roles are the agency's job functions; permissions are what a route or CLI
 * command asks for. Every data route and command asks `checkAccess` (policy.ts), nothing else.
 */
export type Role = 'operator' | 'supervisor' | 'administrator' | 'auditor';

export const ROLES: readonly Role[] = ['operator', 'supervisor', 'administrator', 'auditor'];

export type Permission =
  | 'hits:read'
  | 'hits:disposition'
  | 'detections:read'
  | 'images:view'
  | 'search'
  | 'export'
  | 'hotlist:read'
  | 'hotlist:enter'
  | 'hotlist:approve'
  | 'holds:manage'
  | 'release:request'
  | 'release:decide'
  | 'audit:read'
  | 'users:manage';

export const PERMISSIONS: readonly Permission[] = [
  'hits:read',
  'hits:disposition',
  'detections:read',
  'images:view',
  'search',
  'export',
  'hotlist:read',
  'hotlist:enter',
  'hotlist:approve',
  'holds:manage',
  'release:request',
  'release:decide',
  'audit:read',
  'users:manage',
];

export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  roles: Role[];
  /** When the user's ALPR training was recorded (ms since the epoch); null: no data access at all. */
  trainedAt: number | null;
}

export type AccessDecision = { ok: true } | { ok: false; status: 401 | 403; reason: string };

export function isRole(v: string): v is Role {
  return (ROLES as readonly string[]).includes(v);
}
