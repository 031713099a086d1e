/**
 * Search of stored reads by plate (full or partial), time and place. A purpose and a case number
 * are required (requirePurpose, the shared rule) and every search is audited with its criteria
 * and result count, in the same transaction as nothing else: the entry is written before the
 * results leave.
 */
import { z } from 'zod';
import { AuditAction } from '../../audit/actions.ts';
import { requirePurpose } from '../../audit/purpose.ts';
import { normaliseLocalPlate } from '../../hotlist/local-policy.ts';
import { searchDetections, type SearchCriteria } from '../../store/detection-search.ts';
import type { ApiDeps } from '../api-deps.ts';
import { auditAs } from '../audit-as.ts';
import { defineRoute, HttpError, type AnyRoute } from '../route-def.ts';

/** Known characters (besides wildcards) a partial plate needs: fewer would sweep most of the store. */
export const SEARCH_MIN_KNOWN_CHARS = 2;

const time = z.iso.datetime({ offset: true, error: 'an ISO 8601 date-time, e.g. 2026-11-28T14:00:00Z' }).transform((s) => Date.parse(s));

export const searchBody = z
  .strictObject({
    plate: z
      .string()
      .max(20)
      .regex(/^[A-Za-z0-9 *?-]*$/, 'letters, digits, spaces, "-" and the wildcards * and ? only')
      .optional(),
    from: time.optional(),
    to: time.optional(),
    near: z
      .strictObject({
        lat: z.number().min(-90).max(90),
        lon: z.number().min(-180).max(180),
        radiusM: z.number().min(1).max(50_000),
      })
      .optional(),
    purpose: z.string().max(500).default(''),
    caseNumber: z.string().max(64).default(''),
    limit: z.int().min(1).max(500).default(100),
  })
  .superRefine((b, ctx) => {
    if (b.from !== undefined && b.to !== undefined && b.from > b.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });

/** The criteria of a validated search body (pure); throws HttpError 400 naming what is wrong. */
export function searchCriteria(b: z.output<typeof searchBody>): SearchCriteria {
  const plate = b.plate === undefined ? '' : normaliseLocalPlate(b.plate);
  if (plate !== '' && plate.replace(/[*?]/g, '').length < SEARCH_MIN_KNOWN_CHARS) {
    throw new HttpError(400, `invalid body: plate: a partial plate needs at least ${SEARCH_MIN_KNOWN_CHARS} known characters besides * and ?`);
  }
  if (plate === '' && b.from === undefined && b.to === undefined && b.near === undefined) {
    throw new HttpError(400, 'invalid body: give a plate, a time range or a place to search');
  }
  return {
    ...(plate !== '' ? { plate } : {}),
    ...(b.from !== undefined ? { from: b.from } : {}),
    ...(b.to !== undefined ? { to: b.to } : {}),
    ...(b.near !== undefined ? { near: b.near } : {}),
    limit: b.limit,
  };
}

export function searchRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/search',
      access: 'search',
      // It reads, but it writes the audit entry: a cross-site page must not be able to trigger it.
      changesState: true,
      summary: 'Search reads by plate (wildcards * and ?), time range (from/to) and place (near: lat, lon, radiusM); purpose and caseNumber required; audited.',
      schemas: { body: searchBody },
      handler: ({ body, session }) => {
        const why = requirePurpose(AuditAction.search, body.purpose, body.caseNumber);
        const criteria = searchCriteria(body);
        const results = searchDetections(deps.db, criteria);
        const { limit: _limit, ...asked } = criteria;
        const entry = auditAs(deps, session, {
          action: AuditAction.search,
          target: criteria.plate ?? null,
          purpose: why.purpose,
          caseNumber: why.caseNumber,
          detail: { ...asked, results: results.length },
        });
        return { results, auditSeq: entry.seq };
      },
    }),
  ];
}
