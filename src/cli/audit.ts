/**
 * `alpr-edge audit ...`:
 *   audit verify --config FILE
 *       Recomputes the hash chain. Exit 0 and the entry count when intact; exit 1 naming the
 *       first bad seq otherwise. Needs no login: it prints no ALPR data, so a monitor can run it.
 *   audit report --year YYYY --out DIR --config FILE LOGIN
 *       The annual audit as audit-YYYY.html and one CSV per section (audit:read).
 */
import { AuditAction } from '../audit/actions.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { buildAnnualReport } from '../audit/report.ts';
import { loadReportInputs } from '../audit/report-data.ts';
import { writeReport } from '../audit/report-writers.ts';
import { loadConfig } from '../config/load.ts';
import { AlprError } from '../errors.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { databaseFile, openDatabase } from '../store/db.ts';
import { parseOptions, requireOption } from './cli-options.ts';
import { cliLogin, LOGIN_USAGE, loginArgs } from './login.ts';

const USAGE = `usage: alpr-edge audit verify --config FILE
       alpr-edge audit report --year YYYY --out DIR --config FILE LOGIN
  LOGIN: ${LOGIN_USAGE}`;

export async function auditCommand(args: string[], out: NodeJS.WritableStream = process.stdout, clock: Clock = systemClock): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'verify' && sub !== 'report') throw new AlprError('USAGE', USAGE);
  const p = parseOptions(rest, { values: sub === 'verify' ? ['--config'] : ['--config', '--year', '--out', '--user', '--password-file'] }, USAGE);
  if (p.positional.length > 0) throw new AlprError('USAGE', USAGE);
  let year = 0;
  if (sub === 'report') {
    const y = requireOption(p, '--year', USAGE);
    year = Number(y);
    if (!/^\d{4}$/.test(y) || year < 2000 || year > 9999) throw new AlprError('USAGE', `--year must be a year like 2026, got "${y}"`);
    requireOption(p, '--out', USAGE);
  }
  const cfg = loadConfig(requireOption(p, '--config', USAGE));
  const db = openDatabase(databaseFile(cfg.store.dataDir), { clock });
  try {
    if (sub === 'verify') {
      const v = new AuditLog(db, clock).verify();
      if (v.ok) {
        out.write(`audit log intact: ${v.count} entr${v.count === 1 ? 'y' : 'ies'}\n`);
        return 0;
      }
      throw new AlprError('AUDIT_CHAIN_BROKEN', `audit log broken at seq ${v.at}: ${v.problem} (${v.count} entries before it verify)`);
    }
    const session = await cliLogin(db, clock, cfg, loginArgs(p.options), 'audit:read');
    try {
      const report = buildAnnualReport(loadReportInputs(db, clock, year));
      const dir = p.options.get('--out') as string;
      const files = writeReport(dir, report);
      session.audit.append({
        userId: session.principal.userId,
        username: session.principal.username,
        action: AuditAction.auditReport,
        target: String(year),
        detail: { files, chainOk: report.chain.ok, via: 'cli' },
      });
      out.write(`wrote ${files.length} files to ${dir}: ${files.join(', ')}\n`);
      if (!report.chain.ok) out.write(`WARNING: the audit log chain is broken (${report.chain.problem}); the report says so\n`);
      return 0;
    } finally {
      session.end();
    }
  } finally {
    db.close();
  }
}
