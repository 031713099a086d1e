/** AuthService settings from the config's `access` section. */
import type { Config } from '../config/schema.ts';
import type { AuthServiceOptions } from './auth-service.ts';

export function authSettings(access: Config['access']): Pick<AuthServiceOptions, 'maxFailures' | 'lockoutMs' | 'sessionTtlMs' | 'sessionIdleMs'> {
  return {
    maxFailures: access.maxFailures,
    lockoutMs: access.lockoutMinutes * 60_000,
    sessionTtlMs: access.sessionHours * 3_600_000,
    sessionIdleMs: access.sessionIdleMinutes * 60_000,
  };
}
