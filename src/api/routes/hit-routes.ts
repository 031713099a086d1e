/**
 * Hits for the officer: the live stream, the recent list, one hit in full (audited) and its
 * disposition (audited). The disposition is refused unless the officer ticked "verified".
 */
import { z } from 'zod';
import { AuditAction } from '../../audit/actions.ts';
import { DISPOSITION_LIMITS, DISPOSITION_OUTCOMES, DispositionsRepo } from '../../store/dispositions-repo.ts';
import type { ApiDeps } from '../api-deps.ts';
import { auditAs, principalOf } from '../audit-as.ts';
import { sseEvent } from '../hit-events.ts';
import { HitQueries } from '../hit-queries.ts';
import { defineRoute, HttpError, type AnyRoute } from '../route-def.ts';
import { idParam, limitQuery } from './schemas.ts';

const dispositionBody = z.strictObject({
  outcome: z.enum(DISPOSITION_OUTCOMES),
  reportNumber: z.string().max(DISPOSITION_LIMITS.reportNumber).optional(),
  note: z.string().max(DISPOSITION_LIMITS.note).optional(),
  verified: z.literal(true, { error: 'tick "verified against the image" before recording a disposition' }),
});

export function hitRoutes(deps: ApiDeps): AnyRoute[] {
  const queries = new HitQueries(deps.db);
  const dispositions = new DispositionsRepo(deps.db);
  const keepAliveMs = deps.keepAliveMs ?? 15_000;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/hits/stream',
      access: 'hits:read',
      changesState: false,
      summary: 'Server-sent events: one "hit" event per hit recorded while the stream is open.',
      schemas: {},
      handler: ({ request, reply, session }) => {
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
        res.write(': connected\nretry: 3000\n\n');
        let unsubscribe = (): void => undefined;
        let closed = false;
        const close = (): void => {
          if (closed) return;
          closed = true;
          clearInterval(keepAlive);
          unsubscribe();
          res.end();
        };
        unsubscribe = deps.hitEvents.subscribe((hit) => {
          // A stream outlives nothing: once its session has ended (logout, expiry, disabled), it closes.
          if (!session || deps.auth.authenticate(session.token) === null) return close();
          res.write(sseEvent('hit', hit, hit.hitId));
        });
        const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), keepAliveMs);
        keepAlive.unref();
        request.raw.on('close', close);
        return reply;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/hits',
      access: 'hits:read',
      changesState: false,
      summary: 'Recent hits, newest first, with their latest disposition.',
      schemas: { query: limitQuery(200, 50) },
      handler: ({ query }) => ({ hits: queries.recent(query.limit) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/hits/:id',
      access: 'hits:read',
      changesState: false,
      summary: 'One hit: the read, the matched entry and its reason, dispositions and the verify-before-action notice (audited).',
      schemas: { params: idParam },
      handler: ({ params, session }) => {
        const detail = queries.detail(params.id);
        if (!detail) throw new HttpError(404, `no hit ${params.id} (unknown, or already purged)`);
        auditAs(deps, session, { action: AuditAction.viewHit, target: params.id, detail: { detectionId: detail.detection.id } });
        return {
          ...detail,
          images: {
            crop: detail.hasCrop ? `/api/detections/${detail.detection.id}/crop` : null,
            frame: detail.hasFrame ? `/api/detections/${detail.detection.id}/frame` : null,
          },
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/hits/:id/disposition',
      access: 'hits:disposition',
      changesState: true,
      summary: 'Records what happened after verification: confirmed, misread, not-located, or stop-made (report number required). Audited.',
      schemas: { params: idParam, body: dispositionBody },
      handler: ({ params, body, session }) => {
        const user = principalOf(session);
        const at = deps.clock.now();
        // The disposition and its audit entry commit together.
        return deps.db.transaction(() => {
          const saved = dispositions.add(deps.newId(), params.id, body, user, at);
          auditAs(deps, session, {
            action: AuditAction.disposition,
            target: params.id,
            caseNumber: saved.reportNumber,
            detail: { outcome: saved.outcome, ...(saved.reportNumber ? { reportNumber: saved.reportNumber } : {}) },
          });
          return { disposition: saved };
        }).immediate();
      },
    }),
  ];
}
