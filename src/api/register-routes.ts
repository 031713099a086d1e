/**
 * Puts the route table on a fastify instance. One preHandler per route applies its declaration:
 * session from the cookie → decideRequest (checkAccess + CSRF) → zod validation of params,
 * query and body. A route whose declaration is missing or inconsistent stops registration.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { isAlprError } from '../errors.ts';
import { isHotlistError } from '../hotlist/errors.ts';
import type { Principal } from '../access/types.ts';
import type { Logger } from '../platform/logger.ts';
import { checkDeclaration, decideRequest } from './request-decision.ts';
import { HttpError, type AnyRoute, type RouteSession } from './route-def.ts';
import { sessionTokenFrom } from './session-cookie.ts';

export interface SessionAuthenticator {
  authenticate(token: string): { principal: Principal; csrfToken: string } | null;
}

interface Validated {
  session: RouteSession | null;
  params: unknown;
  query: unknown;
  body: unknown;
}

const validated = new WeakMap<FastifyRequest, Validated>();

/** "plate: Too small: expected string to have >=1 characters; purpose: Required" */
export function describeIssues(where: string, error: z.ZodError): string {
  const parts = error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : where}: ${i.message}`);
  return `invalid ${where}: ${parts.join('; ')}`;
}

function parse(where: string, schema: z.ZodType | undefined, value: unknown): unknown {
  if (!schema) return undefined;
  const out = schema.safeParse(value ?? {});
  if (!out.success) throw new HttpError(400, describeIssues(where, out.error));
  return out.data;
}

function statusOf(err: unknown): { status: number; message: string } | null {
  if (err instanceof HttpError) return { status: err.status, message: err.message };
  if (isHotlistError(err, 'NOT_FOUND')) return { status: 404, message: err.message };
  if (isHotlistError(err, 'POLICY') || isAlprError(err, 'USAGE') || isAlprError(err, 'PURPOSE_REQUIRED')) {
    return { status: 400, message: (err as Error).message };
  }
  if (isAlprError(err, 'FORBIDDEN')) return { status: 403, message: err.message };
  return null;
}

export function registerRoutes(app: FastifyInstance, routes: readonly AnyRoute[], auth: SessionAuthenticator, logger: Logger): void {
  for (const route of routes) {
    const problem = checkDeclaration(route);
    if (problem !== null) throw new Error(problem);
  }
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
        const token = route.access === 'public' ? null : sessionTokenFrom(request.headers.cookie);
        const found = token === null ? null : auth.authenticate(token);
        const session = found && token !== null ? { ...found, token } : null;
        const csrf = request.headers['x-csrf-token'];
        const decision = decideRequest(route, session, typeof csrf === 'string' ? csrf : undefined);
        if (!decision.ok) return reply.code(decision.status).send({ error: decision.reason });
        try {
          validated.set(request, {
            session,
            params: parse('path', route.schemas.params, request.params),
            query: parse('query', route.schemas.query, request.query),
            body: parse('body', route.schemas.body, request.body),
          });
        } catch (err) {
          const known = statusOf(err);
          if (!known) throw err;
          return reply.code(known.status).send({ error: known.message });
        }
        return undefined;
      },
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const input = validated.get(request) as Validated;
        try {
          const out = await route.handler({ ...input, request, reply });
          if (reply.sent) return reply;
          return reply.send(out);
        } catch (err) {
          const known = statusOf(err);
          if (known) return reply.code(known.status).send({ error: known.message });
          logger.error({ err: (err as Error).message, route: `${route.method} ${route.url}` }, 'api route failed');
          return reply.code(500).send({ error: 'internal error (logged on the device)' });
        }
      },
    });
  }
}
