/**
 * The `releases` table: data-release requests and their one decision. Input is checked with zod
 * (errors name the field); a decided request cannot change (SQL trigger) and none is deleted.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { AlprError } from '../errors.ts';
import { JURISDICTIONS, type AgencyKind, type Jurisdiction } from './screen.ts';

export type ReleaseStatus = 'pending' | 'approved' | 'refused' | 'records-process';

export const releaseRequestSchema = z.strictObject({
  agency: z.string().trim().min(1, 'agency is required').max(200),
  agencyOri: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}[A-Z0-9]{7}$/, 'ORI must be 9 characters: a 2-letter state code and 7 letters or digits')
    .nullable()
    .default(null),
  agencyKind: z.enum(['law-enforcement', 'prosecutor', 'other'], { error: 'agency kind must be law-enforcement, prosecutor or other' }),
  agencyJurisdiction: z.enum(JURISDICTIONS, { error: `agency jurisdiction must be one of ${JURISDICTIONS.join(', ')}` }),
  requester: z.string().trim().min(1, 'requester is required').max(200),
  purpose: z.string().trim().min(1, 'purpose is required').max(500),
  legalBasis: z.string().trim().min(1, 'legal basis is required').max(500),
  caseNumber: z.string().trim().min(1, 'case number is required').max(64),
  detectionIds: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'detection id must be letters, digits, "-" or "_"'))
    .min(1, 'at least one detection is required')
    .max(1000),
});

export type ReleaseRequestInput = z.input<typeof releaseRequestSchema>;
export type CheckedRequest = z.output<typeof releaseRequestSchema>;

export interface ReleaseRequest extends Omit<CheckedRequest, 'agencyJurisdiction'> {
  /** 'unknown' only on requests stored before migration 8. */
  agencyJurisdiction: Jurisdiction;
  id: string;
  requestedAt: number;
  requestedByUserId: string | null;
  requestedBy: string;
  status: ReleaseStatus;
  decidedAt: number | null;
  decidedBy: string | null;
  decisionReason: string | null;
  automatic: boolean;
  bundlePath: string | null;
  manifestSha256: string | null;
}

interface Row {
  id: string;
  requested_at: number;
  requested_by_user_id: string | null;
  requested_by: string;
  agency: string;
  agency_ori: string | null;
  agency_kind: AgencyKind;
  agency_jurisdiction: Jurisdiction;
  requester: string;
  purpose: string;
  legal_basis: string;
  case_number: string;
  detection_ids: string;
  status: ReleaseStatus;
  decided_at: number | null;
  decided_by: string | null;
  decision_reason: string | null;
  automatic: number;
  bundle_path: string | null;
  manifest_sha256: string | null;
}

function fromRow(r: Row): ReleaseRequest {
  return {
    id: r.id,
    requestedAt: r.requested_at,
    requestedByUserId: r.requested_by_user_id,
    requestedBy: r.requested_by,
    agency: r.agency,
    agencyOri: r.agency_ori,
    agencyKind: r.agency_kind,
    agencyJurisdiction: r.agency_jurisdiction,
    requester: r.requester,
    purpose: r.purpose,
    legalBasis: r.legal_basis,
    caseNumber: r.case_number,
    detectionIds: JSON.parse(r.detection_ids) as string[],
    status: r.status,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by,
    decisionReason: r.decision_reason,
    automatic: r.automatic === 1,
    bundlePath: r.bundle_path,
    manifestSha256: r.manifest_sha256,
  };
}

/** Checks a request; throws AlprError RELEASE_INVALID naming the first bad field. */
export function checkReleaseRequest(input: unknown): CheckedRequest {
  const r = releaseRequestSchema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new AlprError('RELEASE_INVALID', `invalid release request: ${i ? `${i.path.join('.') || 'request'}: ${i.message}` : 'invalid'}`);
  }
  const ids = [...new Set(r.data.detectionIds)];
  if (r.data.agencyKind !== 'other' && r.data.agencyOri === null) {
    throw new AlprError('RELEASE_INVALID', 'invalid release request: agencyOri: a law-enforcement or prosecutorial agency is identified by its ORI');
  }
  if (r.data.agencyKind !== 'other' && r.data.agencyJurisdiction === 'non-government') {
    throw new AlprError('RELEASE_INVALID', 'invalid release request: agencyJurisdiction: a law-enforcement or prosecutorial agency is a government body; a non-government body is kind other');
  }
  return { ...r.data, detectionIds: ids };
}

export class ReleasesRepo {
  constructor(private readonly db: BetterSqlite3.Database) {}

  insert(r: ReleaseRequest): void {
    this.db
      .prepare(
        `INSERT INTO releases (id, requested_at, requested_by_user_id, requested_by, agency, agency_ori, agency_kind, agency_jurisdiction, requester,
           purpose, legal_basis, case_number, detection_ids, status, decided_at, decided_by, decision_reason, automatic, bundle_path, manifest_sha256)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.id,
        r.requestedAt,
        r.requestedByUserId,
        r.requestedBy,
        r.agency,
        r.agencyOri,
        r.agencyKind,
        r.agencyJurisdiction,
        r.requester,
        r.purpose,
        r.legalBasis,
        r.caseNumber,
        JSON.stringify(r.detectionIds),
        r.status,
        r.decidedAt,
        r.decidedBy,
        r.decisionReason,
        r.automatic ? 1 : 0,
        r.bundlePath,
        r.manifestSha256,
      );
  }

  get(id: string): ReleaseRequest | null {
    const r = this.db.prepare('SELECT * FROM releases WHERE id = ?').get(id) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  /** Oldest first; `from`/`to` bound requested_at (inclusive/exclusive). */
  list(q: { status?: ReleaseStatus; from?: number; to?: number } = {}): ReleaseRequest[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM releases WHERE (@status IS NULL OR status = @status) AND (@from IS NULL OR requested_at >= @from)
           AND (@to IS NULL OR requested_at < @to) ORDER BY requested_at, id`,
      )
      .all({ status: q.status ?? null, from: q.from ?? null, to: q.to ?? null }) as Row[];
    return rows.map(fromRow);
  }

  /** Records the decision of a pending request; false when it was no longer pending. */
  decide(id: string, d: { status: 'approved' | 'refused'; at: number; by: string; reason: string; bundlePath?: string | null; manifestSha256?: string | null }): boolean {
    return (
      this.db
        .prepare(
          `UPDATE releases SET status = ?, decided_at = ?, decided_by = ?, decision_reason = ?, bundle_path = ?, manifest_sha256 = ?
           WHERE id = ? AND status = 'pending'`,
        )
        .run(d.status, d.at, d.by, d.reason, d.bundlePath ?? null, d.manifestSha256 ?? null, id).changes === 1
    );
  }
}
