/**
 * `alpr-edge purge --config FILE [--dry-run]`: one retention sweep now (finish queued file
 * deletions, delete expired unheld reads, relieve disk pressure) and print the counts. With
 * --dry-run nothing is deleted: it prints what a sweep would delete. Safe while the daemon runs
 * (SQLite serialises the transactions; held reads are never touched).
 */
import { AuditLog } from '../audit/audit-log.ts';
import { loadConfig } from '../config/load.ts';
import { AlprError } from '../errors.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { RetentionSweeper, type RetentionStatus } from '../retention/sweeper.ts';
import { databaseFile, openDatabase } from '../store/db.ts';

const USAGE = 'usage: alpr-edge purge --config FILE [--dry-run]';

function parseArgs(args: string[]): { config: string; dryRun: boolean } {
  let config: string | undefined;
  let dryRun = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--config') {
      config = args[++i];
      if (config === undefined || config.startsWith('--')) throw new AlprError('USAGE', `--config needs a value\n${USAGE}`);
    } else if (a.startsWith('--config=')) config = a.slice('--config='.length);
    else if (a === '--dry-run') dryRun = true;
    else throw new AlprError('USAGE', `unexpected argument ${a}\n${USAGE}`);
  }
  if (!config) throw new AlprError('USAGE', USAGE);
  return { config, dryRun };
}

const mib = (bytes: number | null): string => (bytes === null ? 'not checked' : `${(bytes / 1024 / 1024).toFixed(0)} MiB`);

export async function purgeCommand(
  args: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
  clock: Clock = systemClock,
): Promise<number> {
  const opts = parseArgs(args);
  const cfg = loadConfig(opts.config);
  const db = openDatabase(databaseFile(cfg.store.dataDir), { clock });
  const problems: string[] = [];
  const onStatus = (s: RetentionStatus): void => {
    if (s.type === 'error') problems.push(`${s.operation}: ${s.message}`);
  };
  // No login: enforcing the retention limit must not wait for anyone, and it prints counts only.
  // Each purge is audited (user "system") with its counts.
  const sweeper = new RetentionSweeper({ db, dataDir: cfg.store.dataDir, clock, config: cfg.retention, onStatus, audit: new AuditLog(db, clock) });
  try {
    if (opts.dryRun) {
      const d = await sweeper.dryRun();
      out.write(
        `dry run: cutoff ${new Date(d.cutoff).toISOString()}; would delete ${d.expiredReads} expired read(s) ` +
          `(${d.expiredImages} image(s)); ${d.heldSkipped} expired read(s) kept by evidence holds; ` +
          `free space ${mib(d.freeBytes)}, disk pressure would delete ${d.diskPressureReads} more\n`,
      );
      return 0;
    }
    const recovered = await sweeper.recover();
    const r = await sweeper.sweepOnce();
    if (recovered.imagesDeleted > 0 || recovered.runsSealed > 0) {
      out.write(`recovered: ${recovered.imagesDeleted} image(s) left by an interrupted purge deleted, ${recovered.runsSealed} run(s) sealed\n`);
    }
    out.write(
      `purged (age, cutoff ${new Date(r.cutoff).toISOString()}): ${r.age.rowsDeleted} read(s), ${r.age.hitsDeleted} hit(s), ` +
        `${r.age.outboxDeleted} outbox message(s), ${r.age.imagesDeleted} image(s); ${r.age.heldSkipped} held read(s) kept\n`,
    );
    if (r.diskPressure) {
      out.write(
        `purged (disk pressure, free ${mib(r.diskPressure.freeBytesBefore)} -> ${mib(r.diskPressure.freeBytesAfter)}): ` +
          `${r.diskPressure.rowsDeleted} read(s), ${r.diskPressure.imagesDeleted} image(s)` +
          `${r.diskPressure.unresolved ? '; still under the floor' : ''}\n`,
      );
    }
    for (const p of problems) err.write(`alpr-edge purge: ${p}\n`);
    return problems.length > 0 || r.age.imagesFailed > 0 ? 1 : 0;
  } finally {
    await sweeper.stop();
    db.close();
  }
}
