/**
 * The daemon's local HTTP server (fastify): /healthz and /metrics, and — when the API is given —
 * the officer's page and the data API behind access control. Every route comes from the one
 * route table (routes.ts) and is registered with its declared access (register-routes.ts).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { silentLogger, type Logger } from '../platform/logger.ts';
import type { ApiDeps } from './api-deps.ts';
import { registerRoutes, type SessionAuthenticator } from './register-routes.ts';
import { routeTable } from './routes.ts';
import type { SystemDeps } from './routes/system-routes.ts';

export interface HttpServerDeps extends SystemDeps {
  /** The data API and page; absent: only /healthz and /metrics. */
  api?: ApiDeps;
  logger?: Logger;
}

/** Sent with every response: no framing, no sniffing, no referrer, scripts and styles only from the page itself. */
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

const NO_SESSIONS: SessionAuthenticator = { authenticate: () => null };

export function buildHttpServer(deps: HttpServerDeps): FastifyInstance {
  // Open event streams would hold close() forever: on stop every connection is cut.
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, forceCloseConnections: true });
  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    return payload;
  });
  const logger = deps.logger ?? silentLogger();
  registerRoutes(app, routeTable(deps, deps.api ?? null), deps.api?.auth ?? NO_SESSIONS, logger);
  return app;
}
