/** /healthz for installers and supervisors (200 when ready, 503 with the reasons) and /metrics for Prometheus. */
import type { Registry } from 'prom-client';
import { defineRoute, type AnyRoute } from '../route-def.ts';

export interface SystemDeps {
  health(): { ready: boolean; reasons: string[]; checks: Record<string, string> };
  metrics: Registry;
}

export function systemRoutes(deps: SystemDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/healthz',
      access: 'public',
      changesState: false,
      summary: 'Readiness: 200 when every part is up, 503 naming what is not.',
      schemas: {},
      handler: ({ reply }) => {
        const report = deps.health();
        return reply.code(report.ready ? 200 : 503).send(report);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/metrics',
      access: 'public',
      changesState: false,
      summary: 'Prometheus metrics.',
      schemas: {},
      handler: async ({ reply }) => {
        const text = await deps.metrics.metrics();
        return reply.header('content-type', deps.metrics.contentType).send(text);
      },
    }),
  ];
}
