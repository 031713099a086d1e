/**
 * The annual report as files: one HTML page for people and one CSV per section for
 * spreadsheets. Every value is escaped (HTML) or quoted (CSV); a CSV cell that a spreadsheet
 * would run as a formula (= + - @ at the start) is prefixed with an apostrophe.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnnualReport } from './report.ts';

type Cell = string | number | boolean | null;
interface Table {
  name: string;
  title: string;
  head: string[];
  rows: Cell[][];
}

const iso = (t: number | null): string => (t === null ? '' : new Date(t).toISOString());

export function csvCell(v: Cell): string {
  let s = v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(t: Pick<Table, 'head' | 'rows'>): string {
  return [t.head, ...t.rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function escapeHtml(v: Cell): string {
  return (v === null ? '' : String(v)).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export function reportTables(r: AnnualReport): Table[] {
  const actions = [...new Set(r.accesses.flatMap((a) => Object.keys(a.byAction)))].sort();
  return [
    {
      name: 'accesses',
      title: 'Accesses to ALPR data by user and purpose',
      head: ['user', 'purpose', 'total', ...actions],
      rows: r.accesses.map((a) => [a.username, a.purpose, a.total, ...actions.map((x) => a.byAction[x] ?? 0)]),
    },
    { name: 'accesses-by-user', title: 'Accesses by user', head: ['user', 'total'], rows: r.accessesByUser.map((a) => [a.username, a.total]) },
    {
      name: 'searches-without-case',
      title: 'Searches without a case number',
      head: ['seq', 'time', 'user', 'purpose', 'target'],
      rows: r.searchesWithoutCase.map((s) => [s.seq, iso(s.at), s.username, s.purpose, s.target]),
    },
    { name: 'logins', title: 'Logins, failures and lockouts', head: ['user', 'logins', 'failed', 'lockouts'], rows: r.logins.map((l) => [l.username, l.logins, l.failures, l.lockouts]) },
    {
      name: 'hotlist',
      title: 'Hot-list local entries, approvals and expiries',
      head: ['entry', 'plate', 'list', 'case', 'entered by', 'entered', 'approved by', 'approved', 'renewals', 'expires', 'expired'],
      rows: r.hotlist.map((h) => [h.entryId, h.plate, h.list, h.caseNumber, h.enteredBy, iso(h.enteredAt), h.approvedBy, iso(h.approvedAt), h.renewals, iso(h.expiresAt), iso(h.expiredAt)]),
    },
    {
      name: 'holds',
      title: `Evidence holds: ${r.holds.placed} placed, ${r.holds.released} released`,
      head: ['time', 'action', 'by', 'hold', 'detection', 'case', 'reason'],
      rows: r.holds.log.map((h) => [iso(h.at), h.action, h.actor, h.holdId, h.detectionId, h.caseNumber, h.reason]),
    },
    {
      name: 'releases',
      title:
        `Data releases: ${r.releases.requested} requested, ${r.releases.approved} approved, ${r.releases.refused} refused ` +
        `(${r.releases.refusedAutomatically} automatically), ${r.releases.recordsProcess} routed to records, ${r.releases.pending} pending`,
      head: ['requested', 'id', 'requested by', 'agency', 'ORI', 'purpose', 'case', 'detections', 'status', 'automatic', 'decided by', 'reason'],
      rows: r.releases.list.map((x) => [iso(x.requestedAt), x.id, x.requestedBy, x.agency, x.agencyOri, x.purpose, x.caseNumber, x.detections, x.status, x.automatic, x.decidedBy, x.decisionReason]),
    },
    {
      name: 'purges',
      title: `Retention purges: ${r.purges.runs} run(s), ${r.purges.rowsDeleted} read(s), ${r.purges.hitsDeleted} hit(s), ${r.purges.imagesDeleted} image(s) deleted`,
      head: ['reason', 'runs', 'reads deleted'],
      rows: Object.entries(r.purges.byReason)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([reason, v]) => [reason, v.runs, v.rowsDeleted]),
    },
  ];
}

export function reportHtml(r: AnnualReport): string {
  const chain = r.chain.ok
    ? `intact: ${r.chain.count} entries, head seq ${r.chain.headSeq}, hash <code>${escapeHtml(r.chain.headHash)}</code>`
    : `<strong>BROKEN</strong>: ${escapeHtml(r.chain.problem ?? '')}`;
  const sections = reportTables(r)
    .map(
      (t) =>
        `<section><h2>${escapeHtml(t.title)}</h2>\n<table><thead><tr>${t.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>\n<tbody>\n` +
        (t.rows.length === 0 ? `<tr><td colspan="${t.head.length}">none</td></tr>\n` : t.rows.map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>\n`).join('')) +
        '</tbody></table></section>',
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ALPR annual audit ${r.year}</title>
<style>body{font:14px sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}td,th{border:1px solid #999;padding:3px 6px;text-align:left}th{background:#eee}</style>
</head><body>
<h1>ALPR annual audit ${r.year}</h1>
<p>Period ${iso(r.from)} to ${iso(r.to)} (UTC). Generated ${iso(r.generatedAt)}.</p>
<p>Audit log chain: ${chain}</p>
${sections}
</body></html>
`;
}

/** Writes `audit-YYYY.html` and `audit-YYYY-<section>.csv` into `dir`; returns the file names. */
export function writeReport(dir: string, r: AnnualReport): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const html = `audit-${r.year}.html`;
  writeFileSync(join(dir, html), reportHtml(r));
  files.push(html);
  for (const t of reportTables(r)) {
    const name = `audit-${r.year}-${t.name}.csv`;
    writeFileSync(join(dir, name), toCsv(t));
    files.push(name);
  }
  return files;
}
