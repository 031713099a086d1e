/** Loads the annual report's inputs from the database (the adapter around report.ts). */
import type BetterSqlite3 from 'better-sqlite3';
import type { Clock } from '../platform/clock.ts';
import { ReleasesRepo } from '../release/releases-repo.ts';
import { AuditLog } from './audit-log.ts';
import { yearBounds, type HoldLogInput, type LocalHistoryInput, type ReportInputs } from './report.ts';

export function loadReportInputs(db: BetterSqlite3.Database, clock: Clock, year: number): ReportInputs {
  const { from, to } = yearBounds(year);
  const audit = new AuditLog(db, clock);
  const verdict = audit.verify();
  const head = audit.head();
  const localHistory = db
    .prepare(
      `SELECT h.entry_id AS entryId, h.action, h.actor, h.at, h.expires_at AS expiresAt, e.plate, e.list, e.case_number AS caseNumber
       FROM hotlist_local_history h JOIN hotlist_local_entries e ON e.id = h.entry_id
       WHERE h.at >= ? AND h.at < ? ORDER BY h.seq`,
    )
    .all(from, to) as LocalHistoryInput[];
  const holdLog = db
    .prepare(
      `SELECT hold_id AS holdId, detection_id AS detectionId, action, at, actor, case_number AS caseNumber, reason
       FROM evidence_hold_log WHERE at >= ? AND at < ? ORDER BY seq`,
    )
    .all(from, to) as HoldLogInput[];
  const releases = new ReleasesRepo(db).list({ from, to }).map((r) => ({
    id: r.id,
    requestedAt: r.requestedAt,
    requestedBy: r.requestedBy,
    agency: r.agency,
    agencyOri: r.agencyOri,
    purpose: r.purpose,
    caseNumber: r.caseNumber,
    detections: r.detectionIds.length,
    status: r.status,
    automatic: r.automatic,
    decidedBy: r.decidedBy,
    decisionReason: r.decisionReason,
  }));
  return {
    year,
    generatedAt: clock.now(),
    audit: audit.between(from, to),
    localHistory,
    holdLog,
    releases,
    chain: { ok: verdict.ok, count: verdict.count, ...(verdict.ok ? {} : { problem: `seq ${verdict.at}: ${verdict.problem}` }), headSeq: head.seq, headHash: head.hash },
  };
}
