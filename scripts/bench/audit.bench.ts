/**
 * The audit log at the size of a busy year: appends one at a time (as the API writes them, each
 * its own transaction), then verify() over all of them, then the annual report's aggregation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { buildAnnualReport } from '../../src/audit/report.ts';
import { loadReportInputs } from '../../src/audit/report-data.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { openDatabase } from '../../src/store/db.ts';
import type { BenchContext, BenchFigure } from './types.ts';

const SINGLE = 20_000;
const TOTAL = 200_000;
const START = Date.UTC(2026, 0, 1);
const ACTIONS = ['search', 'view-hit', 'view-image', 'view-detection', 'login', 'disposition'];

export default async function bench(ctx: BenchContext): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-audit-bench-'));
  const clock = new ManualClock(START);
  const db = openDatabase(join(dir, 'alpr.db'), { clock });
  try {
    const log = new AuditLog(db, clock);
    const entry = (i: number) => ({
      userId: `u${i % 40}`,
      username: `officer${i % 40}`,
      action: ACTIONS[i % ACTIONS.length] as string,
      target: `0190${i.toString(16).padStart(8, '0')}`,
      purpose: i % 3 === 0 ? 'stolen vehicle' : 'missing person',
      caseNumber: `26-${i % 500}`,
      detail: { via: 'web', ip: '10.0.0.5' },
    });
    const step = (365 * 86_400_000) / TOTAL;
    let t0 = performance.now();
    for (let i = 0; i < SINGLE; i++) {
      clock.advance(step);
      log.append(entry(i));
    }
    const single = performance.now() - t0;
    ctx.log(`${SINGLE} single appends in ${Math.round(single)} ms`);
    // The rest in batches, only to reach a year's size quickly.
    for (let i = SINGLE; i < TOTAL; i += 1000) {
      db.transaction(() => {
        for (let k = i; k < i + 1000; k++) {
          clock.advance(step);
          log.append(entry(k));
        }
      })();
    }
    t0 = performance.now();
    const v = log.verify();
    const verifyMs = performance.now() - t0;
    if (!v.ok || v.count !== TOTAL) throw new Error(`verify: ${JSON.stringify(v)}`);
    t0 = performance.now();
    const report = buildAnnualReport(loadReportInputs(db, clock, 2026));
    const reportMs = performance.now() - t0;
    ctx.log(`report: ${report.accesses.length} user/purpose rows`);
    return [
      { name: 'append, one transaction each', value: Math.round(SINGLE / (single / 1000)), unit: 'entries/s' },
      { name: `verify ${TOTAL} entries`, value: Math.round(verifyMs), unit: 'ms' },
      { name: `annual report over ${TOTAL} entries (load + verify + aggregate)`, value: Math.round(reportMs), unit: 'ms' },
    ];
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
