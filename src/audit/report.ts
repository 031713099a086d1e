/**
 * The annual audit (pure): figures for one calendar year (UTC) from the audit log, the hot-list
 * local history, the evidence-hold log and the release requests. report-data.ts loads the
 * inputs; report-writers.ts writes HTML and CSV.
 */
import { AuditAction, DATA_ACCESS_ACTIONS } from './actions.ts';
import type { AuditEntry } from './audit-log.ts';

export interface LocalHistoryInput {
  entryId: string;
  action: 'create' | 'approve' | 'renew' | 'expire';
  actor: string;
  at: number;
  expiresAt: number | null;
  plate: string;
  list: string;
  caseNumber: string;
}

export interface HoldLogInput {
  holdId: string;
  detectionId: string;
  action: 'hold' | 'release';
  at: number;
  actor: string;
  caseNumber: string;
  reason: string;
}

export interface ReleaseInput {
  id: string;
  requestedAt: number;
  requestedBy: string;
  agency: string;
  agencyOri: string | null;
  purpose: string;
  caseNumber: string;
  detections: number;
  status: 'pending' | 'approved' | 'refused' | 'records-process';
  automatic: boolean;
  decidedBy: string | null;
  decisionReason: string | null;
}

export interface ReportInputs {
  year: number;
  generatedAt: number;
  audit: AuditEntry[];
  localHistory: LocalHistoryInput[];
  holdLog: HoldLogInput[];
  releases: ReleaseInput[];
  chain: { ok: boolean; count: number; problem?: string; headSeq: number; headHash: string };
}

export interface AccessRow {
  username: string;
  purpose: string;
  total: number;
  /** Count per action (search, view-image, ...). */
  byAction: Record<string, number>;
}

export interface LoginRow {
  username: string;
  logins: number;
  failures: number;
  lockouts: number;
}

export interface HotlistRow {
  entryId: string;
  plate: string;
  list: string;
  caseNumber: string;
  enteredBy: string | null;
  enteredAt: number | null;
  approvedBy: string | null;
  approvedAt: number | null;
  renewals: number;
  expiresAt: number | null;
  expiredAt: number | null;
}

export interface PurgeTotals {
  runs: number;
  rowsDeleted: number;
  hitsDeleted: number;
  outboxDeleted: number;
  imagesDeleted: number;
  byReason: Record<string, { runs: number; rowsDeleted: number }>;
}

export interface AnnualReport {
  year: number;
  from: number;
  to: number;
  generatedAt: number;
  chain: ReportInputs['chain'];
  accesses: AccessRow[];
  accessesByUser: { username: string; total: number }[];
  searchesWithoutCase: { seq: number; at: number; username: string; purpose: string | null; target: string | null }[];
  logins: LoginRow[];
  hotlist: HotlistRow[];
  holds: { placed: number; released: number; log: HoldLogInput[] };
  releases: { requested: number; approved: number; refused: number; refusedAutomatically: number; recordsProcess: number; pending: number; list: ReleaseInput[] };
  purges: PurgeTotals;
}

export function yearBounds(year: number): { from: number; to: number } {
  return { from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1) };
}

const byKey = <T>(rows: T[], key: (r: T) => string): T[] => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function buildAnnualReport(i: ReportInputs): AnnualReport {
  const { from, to } = yearBounds(i.year);
  const inYear = (t: number): boolean => t >= from && t < to;
  const audit = i.audit.filter((e) => inYear(e.at));

  const access = new Map<string, AccessRow>();
  const perUser = new Map<string, number>();
  const logins = new Map<string, LoginRow>();
  const searchesWithoutCase: AnnualReport['searchesWithoutCase'] = [];
  const purges: PurgeTotals = { runs: 0, rowsDeleted: 0, hitsDeleted: 0, outboxDeleted: 0, imagesDeleted: 0, byReason: {} };
  for (const e of audit) {
    if (DATA_ACCESS_ACTIONS.has(e.action)) {
      const purpose = e.purpose?.trim() || '(none given)';
      const k = `${e.username}\u0000${purpose}`;
      const row = access.get(k) ?? { username: e.username, purpose, total: 0, byAction: {} };
      row.total++;
      row.byAction[e.action] = (row.byAction[e.action] ?? 0) + 1;
      access.set(k, row);
      perUser.set(e.username, (perUser.get(e.username) ?? 0) + 1);
    }
    if (e.action === AuditAction.search && !e.caseNumber?.trim()) {
      searchesWithoutCase.push({ seq: e.seq, at: e.at, username: e.username, purpose: e.purpose, target: e.target });
    }
    if (e.action === AuditAction.login || e.action === AuditAction.loginFailed || e.action === AuditAction.lockout) {
      const l = logins.get(e.username) ?? { username: e.username, logins: 0, failures: 0, lockouts: 0 };
      if (e.action === AuditAction.login) l.logins++;
      else if (e.action === AuditAction.loginFailed) l.failures++;
      else l.lockouts++;
      logins.set(e.username, l);
    }
    if (e.action === AuditAction.purge) {
      const reason = typeof e.detail.reason === 'string' ? e.detail.reason : (e.target ?? 'unknown');
      purges.runs++;
      purges.rowsDeleted += num(e.detail.rowsDeleted);
      purges.hitsDeleted += num(e.detail.hitsDeleted);
      purges.outboxDeleted += num(e.detail.outboxDeleted);
      purges.imagesDeleted += num(e.detail.imagesDeleted);
      const r = purges.byReason[reason] ?? { runs: 0, rowsDeleted: 0 };
      r.runs++;
      r.rowsDeleted += num(e.detail.rowsDeleted);
      purges.byReason[reason] = r;
    }
  }

  // Hot-list local entries with any event in the year, with their approvals and expiries.
  const hot = new Map<string, HotlistRow>();
  for (const h of [...i.localHistory].sort((a, b) => a.at - b.at)) {
    if (!inYear(h.at)) continue;
    const row = hot.get(h.entryId) ?? {
      entryId: h.entryId,
      plate: h.plate,
      list: h.list,
      caseNumber: h.caseNumber,
      enteredBy: null,
      enteredAt: null,
      approvedBy: null,
      approvedAt: null,
      renewals: 0,
      expiresAt: null,
      expiredAt: null,
    };
    if (h.action === 'create') {
      row.enteredBy = h.actor;
      row.enteredAt = h.at;
    } else if (h.action === 'approve') {
      row.approvedBy = h.actor;
      row.approvedAt = h.at;
    } else if (h.action === 'renew') row.renewals++;
    else row.expiredAt = h.at;
    if (h.expiresAt !== null) row.expiresAt = h.expiresAt;
    hot.set(h.entryId, row);
  }

  const holdLog = i.holdLog.filter((h) => inYear(h.at)).sort((a, b) => a.at - b.at);
  const releases = i.releases.filter((r) => inYear(r.requestedAt)).sort((a, b) => a.requestedAt - b.requestedAt);
  const count = (f: (r: ReleaseInput) => boolean): number => releases.filter(f).length;

  return {
    year: i.year,
    from,
    to,
    generatedAt: i.generatedAt,
    chain: i.chain,
    accesses: byKey([...access.values()], (r) => `${r.username}\u0000${r.purpose}`),
    accessesByUser: byKey(
      [...perUser.entries()].map(([username, total]) => ({ username, total })),
      (r) => r.username,
    ),
    searchesWithoutCase,
    logins: byKey([...logins.values()], (r) => r.username),
    hotlist: [...hot.values()].sort((a, b) => (a.enteredAt ?? a.approvedAt ?? 0) - (b.enteredAt ?? b.approvedAt ?? 0)),
    holds: { placed: holdLog.filter((h) => h.action === 'hold').length, released: holdLog.filter((h) => h.action === 'release').length, log: holdLog },
    releases: {
      requested: releases.length,
      approved: count((r) => r.status === 'approved'),
      refused: count((r) => r.status === 'refused'),
      refusedAutomatically: count((r) => r.status === 'refused' && r.automatic),
      recordsProcess: count((r) => r.status === 'records-process'),
      pending: count((r) => r.status === 'pending'),
      list: releases,
    },
    purges,
  };
}
