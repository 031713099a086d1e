/**
 * Data releases end to end: a request is checked, screened (screen.ts), stored and audited; an
 * immigration-enforcement purpose, or a receiving agency that is not a California public agency
 * (SB 34), is refused there and then, a non-law-enforcement body is routed to the records
 * process; an administrator approves (a signed bundle + audit entry) or refuses.
 * Who may call what is the caller's check (release:request, release:decide).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { AuditAction } from '../audit/actions.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { requirePurpose } from '../audit/purpose.ts';
import { AlprError } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import { DetectionsRepo, type Detection } from '../store/detections-repo.ts';
import { createIdGenerator, type IdGenerator } from '../store/ids.ts';
import { writeBundle } from './bundle.ts';
import { checkReleaseRequest, ReleasesRepo, type ReleaseRequest, type ReleaseStatus } from './releases-repo.ts';
import { screenRequest } from './screen.ts';

export interface Actor {
  userId: string | null;
  username: string;
}

export interface ReleaseServiceOptions {
  db: BetterSqlite3.Database;
  clock: Clock;
  /** Crop paths are relative to it. */
  dataDir: string;
  audit?: AuditLog;
  newId?: IdGenerator;
}

export class ReleaseService {
  private readonly db: BetterSqlite3.Database;
  private readonly clock: Clock;
  private readonly dataDir: string;
  private readonly audit: AuditLog;
  private readonly repo: ReleasesRepo;
  private readonly detections: DetectionsRepo;
  private readonly newId: IdGenerator;

  constructor(o: ReleaseServiceOptions) {
    this.db = o.db;
    this.clock = o.clock;
    this.dataDir = o.dataDir;
    this.audit = o.audit ?? new AuditLog(o.db, o.clock);
    this.repo = new ReleasesRepo(o.db);
    this.detections = new DetectionsRepo(o.db);
    this.newId = o.newId ?? createIdGenerator(o.clock);
  }

  get(id: string): ReleaseRequest | null {
    return this.repo.get(id);
  }

  list(q: { status?: ReleaseStatus; from?: number; to?: number } = {}): ReleaseRequest[] {
    return this.repo.list(q);
  }

  /** Records a request; it comes back refused, routed to records, or pending. Throws RELEASE_INVALID for bad input. */
  request(input: unknown, actor: Actor): ReleaseRequest {
    const r = checkReleaseRequest(input);
    const missing = r.detectionIds.filter((id) => this.detections.get(id) === undefined);
    if (missing.length > 0) throw new AlprError('RELEASE_INVALID', `no detection with id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (+${missing.length - 5} more)` : ''}`);
    const now = this.clock.now();
    const screening = screenRequest(r);
    const base: ReleaseRequest = {
      ...r,
      id: this.newId(),
      requestedAt: now,
      requestedByUserId: actor.userId,
      requestedBy: actor.username,
      status: 'pending',
      decidedAt: null,
      decidedBy: null,
      decisionReason: null,
      automatic: false,
      bundlePath: null,
      manifestSha256: null,
    };
    const stored: ReleaseRequest =
      screening.outcome === 'needs-decision'
        ? base
        : {
            ...base,
            status: screening.outcome === 'refused' ? 'refused' : 'records-process',
            decidedAt: now,
            decidedBy: 'system',
            decisionReason: screening.reason,
            automatic: true,
          };
    const detail = { agency: r.agency, agencyOri: r.agencyOri, agencyKind: r.agencyKind, agencyJurisdiction: r.agencyJurisdiction, requester: r.requester, legalBasis: r.legalBasis, detections: r.detectionIds.length };
    this.db.transaction(() => {
      this.repo.insert(stored);
      const common = { ...actor, target: stored.id, purpose: r.purpose, caseNumber: r.caseNumber };
      this.audit.append({ ...common, action: AuditAction.releaseRequest, detail: { ...detail, status: stored.status } });
      if (screening.outcome === 'refused') {
        // `law` is the first ground's (immigration when it applies); `rules`/`laws` list every ground.
        const { grounds } = screening;
        this.audit.append({
          ...common,
          action: AuditAction.releaseRefuse,
          detail: { automatic: true, law: grounds[0]?.law, rules: grounds.map((g) => g.rule), laws: [...new Set(grounds.map((g) => g.law))], terms: screening.terms, reason: screening.reason },
        });
      } else if (screening.outcome === 'records-process') {
        this.audit.append({ ...common, action: AuditAction.releaseRoute, detail: { automatic: true, reason: screening.reason } });
      }
    }).immediate();
    return stored;
  }

  /** Approves a pending request: writes the signed bundle into `outDir`, records and audits it. */
  approve(id: string, actor: Actor, o: { key: KeyObject; outDir: string; reason?: string }): ReleaseRequest {
    const r = this.pending(id, actor);
    // Screened at request time; checked again so no path can approve what the rules refuse.
    const screening = screenRequest(r);
    if (screening.outcome !== 'needs-decision') throw new AlprError('RELEASE_INVALID', `release ${id} cannot be approved: ${screening.reason}`);
    requirePurpose(AuditAction.export, r.purpose, r.caseNumber);
    const detections: Detection[] = r.detectionIds.map((did) => {
      const d = this.detections.get(did);
      if (!d) throw new AlprError('RELEASE_INVALID', `release ${id}: detection ${did} no longer exists (purged?); refuse the request or ask for a new one`);
      return d;
    });
    const now = this.clock.now();
    const bundle = writeBundle(o.outDir, { release: r, approvedBy: actor.username, approvedAt: now, detections, crop: (d) => this.readCrop(d) }, o.key);
    try {
      this.db.transaction(() => {
        const reason = o.reason?.trim() || 'approved';
        if (!this.repo.decide(id, { status: 'approved', at: now, by: actor.username, reason, bundlePath: bundle.path, manifestSha256: bundle.manifestSha256 })) {
          throw new AlprError('RELEASE_INVALID', `release ${id} was decided meanwhile`);
        }
        this.audit.append({
          ...actor,
          action: AuditAction.releaseApprove,
          target: id,
          purpose: r.purpose,
          caseNumber: r.caseNumber,
          detail: { agency: r.agency, agencyOri: r.agencyOri, agencyJurisdiction: r.agencyJurisdiction, detections: r.detectionIds, bundle: bundle.path, manifestSha256: bundle.manifestSha256, reason },
        });
      }).immediate();
    } catch (err) {
      rmSync(bundle.path, { recursive: true, force: true });
      throw err;
    }
    return this.repo.get(id) as ReleaseRequest;
  }

  refuse(id: string, actor: Actor, reason: string): ReleaseRequest {
    const why = reason.trim();
    if (why === '') throw new AlprError('RELEASE_INVALID', 'a refusal needs a reason');
    const r = this.pending(id, actor);
    this.db.transaction(() => {
      if (!this.repo.decide(id, { status: 'refused', at: this.clock.now(), by: actor.username, reason: why })) {
        throw new AlprError('RELEASE_INVALID', `release ${id} was decided meanwhile`);
      }
      this.audit.append({ ...actor, action: AuditAction.releaseRefuse, target: id, purpose: r.purpose, caseNumber: r.caseNumber, detail: { automatic: false, reason: why } });
    }).immediate();
    return this.repo.get(id) as ReleaseRequest;
  }

  private pending(id: string, actor: Actor): ReleaseRequest {
    const r = this.repo.get(id);
    if (!r) throw new AlprError('RELEASE_INVALID', `no release request ${id}`);
    if (r.status !== 'pending') throw new AlprError('RELEASE_INVALID', `release ${id} is ${r.status}, only a pending request can be decided`);
    // Separation of duties: whoever entered the request does not decide it.
    if (r.requestedByUserId !== null && r.requestedByUserId === actor.userId) {
      throw new AlprError('RELEASE_INVALID', `release ${id} must be decided by an administrator other than ${r.requestedBy}, who entered it`);
    }
    return r;
  }

  private readCrop(d: Detection): Buffer | null {
    if (d.cropPath === null) return null;
    try {
      return readFileSync(join(this.dataDir, ...d.cropPath.split('/')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
}
