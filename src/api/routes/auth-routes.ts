/** Login, logout and "who am I" for the officer's page. Failures and lockouts are audited by AuthService. */
import { z } from 'zod';
import { permissionsFor } from '../../access/policy.ts';
import type { Principal } from '../../access/types.ts';
import type { ApiDeps } from '../api-deps.ts';
import { defineRoute, HttpError, type AnyRoute } from '../route-def.ts';
import { clearedSessionCookie, sessionCookie } from '../session-cookie.ts';

const loginBody = z.strictObject({
  username: z.string().trim().min(1).max(128),
  password: z.string().min(1).max(1024),
});

function userView(p: Principal) {
  return {
    userId: p.userId,
    username: p.username,
    displayName: p.displayName,
    roles: p.roles,
    trained: p.trainedAt !== null,
    permissions: [...permissionsFor(p.roles)].sort(),
  };
}

const LOGIN_REFUSED = {
  invalid: { status: 401, message: 'wrong user name or password' },
  locked: { status: 423, message: 'account locked after repeated failed logins; wait and try again, or ask an administrator' },
  disabled: { status: 403, message: 'account disabled; ask an administrator' },
} as const;

export function authRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/login',
      access: 'public',
      changesState: true,
      summary: 'Log in with user name and password; sets the HttpOnly session cookie and returns the CSRF token.',
      schemas: { body: loginBody },
      handler: async ({ body, request, reply }) => {
        const result = await deps.auth.login(body.username, body.password, { ip: request.ip, via: 'web' });
        if (!result.ok) {
          const refused = LOGIN_REFUSED[result.reason];
          throw new HttpError(refused.status, refused.message);
        }
        const maxAgeS = Math.max(1, Math.floor((result.expiresAt - deps.clock.now()) / 1000));
        reply.header('set-cookie', sessionCookie(result.token, { maxAgeS, secure: deps.secureCookie }));
        return { user: userView(result.principal), csrfToken: result.csrfToken, expiresAt: result.expiresAt };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/logout',
      access: 'session',
      changesState: true,
      summary: 'Ends the session and clears the cookie.',
      schemas: {},
      handler: ({ session, reply }) => {
        if (session) deps.auth.logout(session.token);
        reply.header('set-cookie', clearedSessionCookie(deps.secureCookie));
        return { ok: true };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/session',
      access: 'session',
      changesState: false,
      summary: 'The logged-in user, their permissions and the CSRF token (for a reloaded page).',
      schemas: {},
      handler: ({ session }) => {
        if (!session) throw new HttpError(401, 'login required');
        return { user: userView(session.principal), csrfToken: session.csrfToken };
      },
    }),
  ];
}
