/**
 * The `evidence_holds` table: a detection under an active hold (not yet released) is exempt from
 * retention. Holds are never deleted or edited, only released once; every hold and release is
 * also appended to `evidence_hold_log` by triggers (see migration 3), so no code path can skip it.
 */
import type { Statement } from 'better-sqlite3';
import { AlprError } from '../errors.ts';
import type { Database } from './db.ts';

export interface EvidenceHold {
  id: string;
  detectionId: string;
  caseNumber: string;
  heldBy: string;
  reason: string;
  createdAt: number;
  releasedAt: number | null;
  releasedBy: string | null;
  releaseReason: string | null;
}

export interface NewHold {
  id: string;
  detectionId: string;
  caseNumber: string;
  heldBy: string;
  reason: string;
  createdAt: number;
}

export interface HoldRelease {
  releasedBy: string;
  releaseReason: string;
  releasedAt: number;
}

export interface HoldLogEntry {
  seq: number;
  holdId: string;
  detectionId: string;
  action: 'hold' | 'release';
  at: number;
  actor: string;
  caseNumber: string;
  reason: string;
}

interface HoldRow {
  id: string;
  detection_id: string;
  case_number: string;
  held_by: string;
  reason: string;
  created_at: number;
  released_at: number | null;
  released_by: string | null;
  release_reason: string | null;
}

interface HoldLogRow {
  seq: number;
  hold_id: string;
  detection_id: string;
  action: 'hold' | 'release';
  at: number;
  actor: string;
  case_number: string;
  reason: string;
}

function fromRow(r: HoldRow): EvidenceHold {
  return {
    id: r.id,
    detectionId: r.detection_id,
    caseNumber: r.case_number,
    heldBy: r.held_by,
    reason: r.reason,
    createdAt: r.created_at,
    releasedAt: r.released_at,
    releasedBy: r.released_by,
    releaseReason: r.release_reason,
  };
}

/** Limits on the free-text fields (characters). */
export const HOLD_FIELD_LIMITS = { caseNumber: 64, actor: 128, reason: 1000 } as const;

function checkText(name: string, value: string, max: number): string {
  const v = value.trim();
  if (v.length === 0) throw new AlprError('USAGE', `${name} must not be empty`);
  if (v.length > max) throw new AlprError('USAGE', `${name} is longer than ${max} characters`);
  return v;
}

export class HoldsRepo {
  private readonly db: Database;
  private readonly insertStmt: Statement;
  private readonly releaseStmt: Statement<[number, string, string, string]>;
  private readonly getStmt: Statement<[string], HoldRow>;
  private readonly activeStmt: Statement<[], HoldRow>;
  private readonly allStmt: Statement<[], HoldRow>;
  private readonly byDetectionStmt: Statement<[string], HoldRow>;
  private readonly isHeldStmt: Statement<[string], { n: number }>;
  private readonly detectionExistsStmt: Statement<[string], { n: number }>;
  private readonly logStmt: Statement<[string], HoldLogRow>;

  constructor(db: Database) {
    this.db = db;
    this.insertStmt = db.prepare(`INSERT INTO evidence_holds (id, detection_id, case_number, held_by, reason, created_at)
      VALUES (@id, @detection_id, @case_number, @held_by, @reason, @created_at)`);
    this.releaseStmt = db.prepare(`UPDATE evidence_holds SET released_at = ?, released_by = ?, release_reason = ?
      WHERE id = ? AND released_at IS NULL`);
    this.getStmt = db.prepare('SELECT * FROM evidence_holds WHERE id = ?');
    this.activeStmt = db.prepare('SELECT * FROM evidence_holds WHERE released_at IS NULL ORDER BY created_at, id');
    this.allStmt = db.prepare('SELECT * FROM evidence_holds ORDER BY created_at, id');
    this.byDetectionStmt = db.prepare('SELECT * FROM evidence_holds WHERE detection_id = ? ORDER BY created_at, id');
    this.isHeldStmt = db.prepare('SELECT COUNT(*) AS n FROM evidence_holds WHERE detection_id = ? AND released_at IS NULL');
    this.detectionExistsStmt = db.prepare('SELECT COUNT(*) AS n FROM detections WHERE id = ?');
    this.logStmt = db.prepare('SELECT * FROM evidence_hold_log WHERE hold_id = ? ORDER BY seq');
  }

  /** Places a hold. Throws USAGE when the detection does not exist (never held, or already purged). */
  add(h: NewHold): EvidenceHold {
    const row: HoldRow = {
      id: h.id,
      detection_id: h.detectionId,
      case_number: checkText('case number', h.caseNumber, HOLD_FIELD_LIMITS.caseNumber),
      held_by: checkText('held by', h.heldBy, HOLD_FIELD_LIMITS.actor),
      reason: checkText('reason', h.reason, HOLD_FIELD_LIMITS.reason),
      created_at: Math.floor(h.createdAt),
      released_at: null,
      released_by: null,
      release_reason: null,
    };
    return this.db.transaction(() => {
      if ((this.detectionExistsStmt.get(h.detectionId)?.n ?? 0) === 0) {
        throw new AlprError('USAGE', `no detection with id ${h.detectionId} (unknown, or already purged)`);
      }
      const { released_at: _a, released_by: _b, release_reason: _c, ...insert } = row;
      this.insertStmt.run(insert);
      return fromRow(row);
    }).immediate();
  }

  /** Releases an active hold. Throws USAGE when the hold is unknown or already released. */
  release(holdId: string, r: HoldRelease): EvidenceHold {
    const by = checkText('released by', r.releasedBy, HOLD_FIELD_LIMITS.actor);
    const reason = checkText('release reason', r.releaseReason, HOLD_FIELD_LIMITS.reason);
    return this.db.transaction(() => {
      const current = this.getStmt.get(holdId);
      if (!current) throw new AlprError('USAGE', `no evidence hold with id ${holdId}`);
      if (current.released_at !== null) {
        throw new AlprError('USAGE', `evidence hold ${holdId} was already released at ${new Date(current.released_at).toISOString()}`);
      }
      this.releaseStmt.run(Math.floor(r.releasedAt), by, reason, holdId);
      return fromRow(this.getStmt.get(holdId) as HoldRow);
    }).immediate();
  }

  get(id: string): EvidenceHold | undefined {
    const row = this.getStmt.get(id);
    return row ? fromRow(row) : undefined;
  }

  /** Active holds (oldest first); with `includeReleased`, every hold ever placed. */
  list(includeReleased = false): EvidenceHold[] {
    return (includeReleased ? this.allStmt : this.activeStmt).all().map(fromRow);
  }

  byDetection(detectionId: string): EvidenceHold[] {
    return this.byDetectionStmt.all(detectionId).map(fromRow);
  }

  /** True when the detection has at least one active hold. */
  isHeld(detectionId: string): boolean {
    return (this.isHeldStmt.get(detectionId)?.n ?? 0) > 0;
  }

  /** The hold's history (hold, then release if any), from the append-only log. */
  history(holdId: string): HoldLogEntry[] {
    return this.logStmt.all(holdId).map((r) => ({
      seq: r.seq,
      holdId: r.hold_id,
      detectionId: r.detection_id,
      action: r.action,
      at: r.at,
      actor: r.actor,
      caseNumber: r.case_number,
      reason: r.reason,
    }));
  }
}
