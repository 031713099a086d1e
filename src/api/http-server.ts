/**
 * The daemon's local HTTP server (fastify). For now: /healthz for installers and supervisors
 * (200 when ready, 503 with the reasons otherwise) and /metrics for Prometheus. The officer's
 * web page and the data API (behind access control) are added here later.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface HttpServerDeps {
  health(): { ready: boolean; reasons: string[]; checks: Record<string, string> };
  metrics: Registry;
}

export function buildHttpServer(deps: HttpServerDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', async (_req, reply) => {
    const report = deps.health();
    return reply.code(report.ready ? 200 : 503).send(report);
  });
  app.get('/metrics', async (_req, reply) => {
    const text = await deps.metrics.metrics();
    return reply.header('content-type', deps.metrics.contentType).send(text);
  });
  return app;
}
