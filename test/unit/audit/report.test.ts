/**
 * The annual report for a seeded year (2025) against a real SQLite file: every figure below was
 * counted by hand from the seed, including events just outside the year that must not count.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, type AuditInput } from '../../../src/audit/audit-log.ts';
import { buildAnnualReport, type AnnualReport } from '../../../src/audit/report.ts';
import { loadReportInputs } from '../../../src/audit/report-data.ts';
import { csvCell, escapeHtml, writeReport } from '../../../src/audit/report-writers.ts';
import { LocalEntriesRepo } from '../../../src/hotlist/local-repo.ts';
import { ReleaseService } from '../../../src/release/release-service.ts';
import { DetectionsRepo } from '../../../src/store/detections-repo.ts';
import { HoldsRepo } from '../../../src/store/holds-repo.ts';
import { createIdGenerator } from '../../../src/store/ids.ts';
import { tempDb, type TestDb } from '../access/helpers.ts';

const at = (iso: string): number => Date.parse(iso);
const DAY = 86_400_000;
let t: TestDb;
let report: AnnualReport;
let ids: Record<string, string>;

beforeAll(() => {
  t = tempDb('alpr-report-');
  const { db, clock } = t;
  const log = new AuditLog(db, clock);
  const add = (when: string, e: Partial<AuditInput> & { action: string; username: string }): void => {
    clock.set(at(when));
    log.append({ userId: null, ...e });
  };
  add('2024-12-31T23:00:00Z', { username: 'ann', action: 'search', purpose: 'stolen car', caseNumber: 'C-0' });
  add('2025-01-05T08:00:00Z', { username: 'ann', action: 'login' });
  add('2025-01-05T08:01:00Z', { username: 'bob', action: 'login-failed' });
  add('2025-01-05T08:02:00Z', { username: 'bob', action: 'login-failed' });
  add('2025-01-05T08:03:00Z', { username: 'bob', action: 'lockout' });
  add('2025-02-01T10:00:00Z', { username: 'ann', action: 'search', purpose: 'stolen car', caseNumber: 'C-1', target: 'plate=7ABC123' });
  add('2025-02-01T10:01:00Z', { username: 'ann', action: 'view-image', purpose: 'stolen car', caseNumber: 'C-1', target: 'd-x' });
  add('2025-03-01T10:00:00Z', { username: 'ann', action: 'search', purpose: 'stolen car', caseNumber: 'C-2' });
  add('2025-03-02T10:00:00Z', { username: 'ann', action: 'search', purpose: 'missing person', caseNumber: 'C-3' });
  add('2025-04-01T10:00:00Z', { username: 'bob', action: 'search', purpose: 'stolen car', target: 'plate=8XYZ*' });
  add('2025-04-02T10:00:00Z', { username: 'bob', action: 'view-detection', target: 'd-y' });
  add('2025-05-01T10:00:00Z', { username: 'cat', action: 'export', purpose: 'robbery', caseNumber: 'C-4' });
  add('2025-06-01T03:00:00Z', { username: 'system', action: 'purge', target: 'age', detail: { reason: 'age', rowsDeleted: 10, hitsDeleted: 1, outboxDeleted: 1, imagesDeleted: 9 } });
  add('2025-07-01T03:00:00Z', { username: 'system', action: 'purge', target: 'age', detail: { reason: 'age', rowsDeleted: 5, hitsDeleted: 0, outboxDeleted: 0, imagesDeleted: 5 } });
  add('2025-08-01T03:00:00Z', { username: 'system', action: 'purge', target: 'disk-pressure', detail: { reason: 'disk-pressure', rowsDeleted: 3, hitsDeleted: 0, outboxDeleted: 0, imagesDeleted: 3 } });
  add('2026-01-01T00:00:00Z', { username: 'ann', action: 'search', purpose: 'stolen car', caseNumber: 'C-9' });

  // Hot-list local entries.
  const local = new LocalEntriesRepo(db);
  const newId = createIdGenerator(clock);
  const entry = (when: string, plate: string) => {
    clock.set(at(when));
    return local.create({ plate, list: 'bolo', enteredBy: 'off-1', caseNumber: `HL-${plate}`, reason: 'seen' }, clock.now(), newId).id;
  };
  const a = entry('2024-12-20T12:00:00Z', 'AAA111');
  local.approve(a, 'sgt-2', at('2025-01-02T12:00:00Z'));
  local.expireDue(at('2025-02-05T12:00:00Z'));
  const b = entry('2025-03-01T12:00:00Z', 'BBB222');
  local.approve(b, 'sgt-2', at('2025-03-02T12:00:00Z'));
  local.renew(b, 'off-1', at('2025-03-20T12:00:00Z'));
  local.expireDue(at('2025-05-01T12:00:00Z'));
  const c = entry('2025-12-30T12:00:00Z', 'CCC333');

  // Holds on two detections.
  const det = new DetectionsRepo(db);
  for (const id of ['d1', 'd2']) det.insert({ id, capturedAt: at('2025-01-01T00:00:00Z'), cameraId: 'cam1', plate: 'P', confidence: 1, candidates: [], box: { x: 0, y: 0, w: 1, h: 1 }, cropPath: null, createdAt: 0 });
  const holds = new HoldsRepo(db);
  holds.add({ id: 'h1', detectionId: 'd1', caseNumber: 'C-1', heldBy: 'sgt', reason: 'court', createdAt: at('2025-02-10T00:00:00Z') });
  holds.release('h1', { releasedBy: 'sgt', releaseReason: 'closed', releasedAt: at('2025-09-01T00:00:00Z') });
  holds.add({ id: 'h2', detectionId: 'd2', caseNumber: 'C-2', heldBy: 'sgt', reason: 'court', createdAt: at('2025-12-31T23:59:00Z') });
  holds.add({ id: 'h3', detectionId: 'd1', caseNumber: 'C-5', heldBy: 'sgt', reason: 'court', createdAt: at('2026-01-02T00:00:00Z') });

  // Releases.
  const svc = new ReleaseService({ db, clock, dataDir: join(t.dir, 'data') });
  const sup = { userId: 'u-sup', username: 'sgt' };
  const admin = { userId: 'u-adm', username: 'admin' };
  const le = { agency: 'Oakland PD', agencyOri: 'CA0010900', agencyKind: 'law-enforcement', agencyJurisdiction: 'california-local', requester: 'Det. R', purpose: 'robbery', legalBasis: 'PC 211', caseNumber: 'R-1', detectionIds: ['d1'] };
  const req = (when: string, change: Record<string, unknown> = {}) => {
    clock.set(at(when));
    return svc.request({ ...le, ...change }, sup).id;
  };
  req('2024-12-15T00:00:00Z');
  const approved = req('2025-04-10T00:00:00Z');
  clock.set(at('2025-04-11T00:00:00Z'));
  svc.approve(approved, admin, { key: generateKeyPairSync('ed25519').privateKey, outDir: t.dir });
  req('2025-05-10T00:00:00Z', { purpose: 'civil immigration enforcement' });
  req('2025-06-10T00:00:00Z', { agency: 'Daily Gazette', agencyKind: 'other', agencyJurisdiction: 'non-government', agencyOri: null });
  const refused = req('2025-07-10T00:00:00Z');
  svc.refuse(refused, admin, 'no need to know');
  req('2025-08-10T00:00:00Z');
  ids = { a, b, c, approved, refused };

  clock.set(at('2026-01-15T00:00:00Z'));
  report = buildAnnualReport(loadReportInputs(db, clock, 2025));
});
afterAll(() => t.close());

describe('annual report 2025', () => {
  it('counts accesses by user and purpose, and by user', () => {
    expect(report.accesses).toEqual([
      { username: 'ann', purpose: 'missing person', total: 1, byAction: { search: 1 } },
      { username: 'ann', purpose: 'stolen car', total: 3, byAction: { search: 2, 'view-image': 1 } },
      { username: 'bob', purpose: '(none given)', total: 1, byAction: { 'view-detection': 1 } },
      { username: 'bob', purpose: 'stolen car', total: 1, byAction: { search: 1 } },
      { username: 'cat', purpose: 'robbery', total: 1, byAction: { export: 1 } },
    ]);
    expect(report.accessesByUser).toEqual([
      { username: 'ann', total: 4 },
      { username: 'bob', total: 2 },
      { username: 'cat', total: 1 },
    ]);
  });

  it('lists searches without a case number', () => {
    expect(report.searchesWithoutCase).toEqual([{ seq: 10, at: at('2025-04-01T10:00:00Z'), username: 'bob', purpose: 'stolen car', target: 'plate=8XYZ*' }]);
  });

  it('counts logins, failures and lockouts', () => {
    expect(report.logins).toEqual([
      { username: 'ann', logins: 1, failures: 0, lockouts: 0 },
      { username: 'bob', logins: 0, failures: 2, lockouts: 1 },
    ]);
  });

  it('lists hot-list local entries with their approvals and expiries', () => {
    const rows = report.hotlist.map((h) => ({ ...h, entryId: h.entryId === ids.a ? 'A' : h.entryId === ids.b ? 'B' : h.entryId === ids.c ? 'C' : h.entryId }));
    expect(rows).toEqual([
      { entryId: 'A', plate: 'AAA111', list: 'bolo', caseNumber: 'HL-AAA111', enteredBy: null, enteredAt: null, approvedBy: 'sgt-2', approvedAt: at('2025-01-02T12:00:00Z'), renewals: 0, expiresAt: at('2025-01-02T12:00:00Z') + 30 * DAY, expiredAt: at('2025-02-05T12:00:00Z') },
      { entryId: 'B', plate: 'BBB222', list: 'bolo', caseNumber: 'HL-BBB222', enteredBy: 'off-1', enteredAt: at('2025-03-01T12:00:00Z'), approvedBy: 'sgt-2', approvedAt: at('2025-03-02T12:00:00Z'), renewals: 1, expiresAt: at('2025-03-20T12:00:00Z') + 30 * DAY, expiredAt: at('2025-05-01T12:00:00Z') },
      { entryId: 'C', plate: 'CCC333', list: 'bolo', caseNumber: 'HL-CCC333', enteredBy: 'off-1', enteredAt: at('2025-12-30T12:00:00Z'), approvedBy: null, approvedAt: null, renewals: 0, expiresAt: null, expiredAt: null },
    ]);
  });

  it('counts holds placed and released in the year', () => {
    expect(report.holds.placed).toBe(2);
    expect(report.holds.released).toBe(1);
    expect(report.holds.log.map((h) => `${h.holdId} ${h.action}`)).toEqual(['h1 hold', 'h1 release', 'h2 hold']);
  });

  it('counts releases and refusals', () => {
    const { list, ...counts } = report.releases;
    expect(counts).toEqual({ requested: 5, approved: 1, refused: 2, refusedAutomatically: 1, recordsProcess: 1, pending: 1 });
    expect(list.find((r) => r.id === ids.refused)).toMatchObject({ status: 'refused', automatic: false, decidedBy: 'admin', decisionReason: 'no need to know' });
  });

  it('sums purge counts by reason', () => {
    expect(report.purges).toEqual({ runs: 3, rowsDeleted: 18, hitsDeleted: 1, outboxDeleted: 1, imagesDeleted: 17, byReason: { age: { runs: 2, rowsDeleted: 15 }, 'disk-pressure': { runs: 1, rowsDeleted: 3 } } });
  });

  it('reports the chain state', () => {
    expect(report.chain).toMatchObject({ ok: true, headSeq: report.chain.count });
    expect(report.chain.count).toBeGreaterThan(16);
  });

  it('writes HTML and one CSV per section', () => {
    const dir = join(t.dir, 'report');
    const files = writeReport(dir, report);
    expect(files).toEqual([
      'audit-2025.html',
      'audit-2025-accesses.csv',
      'audit-2025-accesses-by-user.csv',
      'audit-2025-searches-without-case.csv',
      'audit-2025-logins.csv',
      'audit-2025-hotlist.csv',
      'audit-2025-holds.csv',
      'audit-2025-releases.csv',
      'audit-2025-purges.csv',
    ]);
    expect(readFileSync(join(dir, 'audit-2025-accesses.csv'), 'utf8')).toBe(
      'user,purpose,total,export,search,view-detection,view-image\r\n' +
        'ann,missing person,1,0,1,0,0\r\nann,stolen car,3,0,2,0,1\r\nbob,(none given),1,0,0,1,0\r\nbob,stolen car,1,0,1,0,0\r\ncat,robbery,1,1,0,0,0\r\n',
    );
    const html = readFileSync(join(dir, 'audit-2025.html'), 'utf8');
    expect(html).toContain('<h1>ALPR annual audit 2025</h1>');
    expect(html).toContain('Data releases: 5 requested, 1 approved, 2 refused (1 automatically), 1 routed to records, 1 pending');
    expect(html).toContain('Retention purges: 3 run(s), 18 read(s), 1 hit(s), 17 image(s) deleted');
  });

  it('escapes cells: CSV quoting, spreadsheet formulas, HTML', () => {
    expect(csvCell('a,b "c"')).toBe('"a,b ""c"""');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell(-5)).toBe('-5');
    expect(escapeHtml('<script>alert("x")</script>')).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });
});
