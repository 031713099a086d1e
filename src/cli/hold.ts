/**
 * Evidence holds on detections (exempt from retention until released):
 *   alpr-edge hold add DETECTION_ID --case N --reason TEXT --config FILE --user NAME [--password-file F]
 *   alpr-edge hold list [--all] --config FILE --user NAME [--password-file F]
 *   alpr-edge hold release HOLD_ID --reason TEXT --config FILE --user NAME [--password-file F]
 * Every command needs a login with the holds:manage permission; the logged-in user is the one
 * recorded as holding or releasing. Every hold and release is recorded (evidence_holds + the
 * append-only evidence_hold_log) and audited in the same transaction.
 * An unknown detection or hold is a clear error and a non-zero exit.
 */
import { AuditAction } from '../audit/actions.ts';
import { loadConfig } from '../config/load.ts';
import { AlprError } from '../errors.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { databaseFile, openDatabase } from '../store/db.ts';
import { HoldsRepo, type EvidenceHold } from '../store/holds-repo.ts';
import { createIdGenerator } from '../store/ids.ts';
import { cliLogin, LOGIN_USAGE, loginArgs } from './login.ts';

const USAGE = `usage: alpr-edge hold add DETECTION_ID --case N --reason TEXT --config FILE LOGIN
       alpr-edge hold list [--all] --config FILE LOGIN
       alpr-edge hold release HOLD_ID --reason TEXT --config FILE LOGIN
  LOGIN: ${LOGIN_USAGE}`;

interface HoldArgs {
  positional: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

const VALUE_OPTIONS = new Set(['--config', '--case', '--reason', '--user', '--password-file']);
const FLAG_OPTIONS = new Set(['--all']);

function parseArgs(args: string[]): HoldArgs {
  const parsed: HoldArgs = { positional: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (VALUE_OPTIONS.has(name)) {
      const v = eq > 0 && name !== a ? a.slice(eq + 1) : args[++i];
      if (v === undefined || (name === a && v.startsWith('--'))) throw new AlprError('USAGE', `${name} needs a value\n${USAGE}`);
      parsed.options.set(name, v);
    } else if (FLAG_OPTIONS.has(a)) {
      parsed.flags.add(a);
    } else if (a.startsWith('-')) {
      throw new AlprError('USAGE', `unknown option ${a}\n${USAGE}`);
    } else {
      parsed.positional.push(a);
    }
  }
  return parsed;
}

function required(p: HoldArgs, name: string): string {
  const v = p.options.get(name);
  if (v === undefined) throw new AlprError('USAGE', `${name} is required\n${USAGE}`);
  return v;
}

function formatHold(h: EvidenceHold): string {
  const state = h.releasedAt === null ? 'active' : `released ${new Date(h.releasedAt).toISOString()} by ${h.releasedBy}: ${h.releaseReason}`;
  return `${h.id}  detection ${h.detectionId}  case ${h.caseNumber}  by ${h.heldBy}  ${new Date(h.createdAt).toISOString()}  ${state}  reason: ${h.reason}`;
}

export async function holdCommand(
  args: string[],
  out: NodeJS.WritableStream = process.stdout,
  clock: Clock = systemClock,
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add' && sub !== 'list' && sub !== 'release') throw new AlprError('USAGE', USAGE);
  const p = parseArgs(rest);
  const expected = sub === 'list' ? 0 : 1;
  if (p.positional.length !== expected) throw new AlprError('USAGE', USAGE);
  if (sub !== 'list' && p.flags.size > 0) throw new AlprError('USAGE', `--all applies to hold list only\n${USAGE}`);
  const config = required(p, '--config');
  // Check every required option before touching the database.
  const caseNumber = sub === 'add' ? required(p, '--case') : '';
  const reason = sub === 'list' ? '' : required(p, '--reason');

  const cfg = loadConfig(config);
  const db = openDatabase(databaseFile(cfg.store.dataDir), { clock });
  try {
    const session = await cliLogin(db, clock, cfg, loginArgs(p.options), 'holds:manage');
    try {
      const { principal, audit } = session;
      const actor = { userId: principal.userId, username: principal.username };
      const holds = new HoldsRepo(db);
      if (sub === 'add') {
        // The hold and its audit entry commit together.
        const hold = db.transaction(() => {
          const h = holds.add({
            id: createIdGenerator(clock)(),
            detectionId: p.positional[0] as string,
            caseNumber,
            heldBy: principal.username,
            reason,
            createdAt: clock.now(),
          });
          audit.append({ ...actor, action: AuditAction.holdAdd, target: h.detectionId, caseNumber: h.caseNumber, detail: { holdId: h.id, reason, via: 'cli' } });
          return h;
        })();
        out.write(`hold ${hold.id} placed on detection ${hold.detectionId} (case ${hold.caseNumber})\n`);
      } else if (sub === 'release') {
        const hold = db.transaction(() => {
          const h = holds.release(p.positional[0] as string, { releasedBy: principal.username, releaseReason: reason, releasedAt: clock.now() });
          audit.append({ ...actor, action: AuditAction.holdRelease, target: h.detectionId, caseNumber: h.caseNumber, detail: { holdId: h.id, reason, via: 'cli' } });
          return h;
        })();
        const still = holds.isHeld(hold.detectionId);
        out.write(
          `hold ${hold.id} released; detection ${hold.detectionId} ${still ? 'is still held by another hold' : 'now follows normal retention'}\n`,
        );
      } else {
        const list = holds.list(p.flags.has('--all'));
        audit.append({ ...actor, action: AuditAction.holdList, detail: { all: p.flags.has('--all'), count: list.length, via: 'cli' } });
        for (const h of list) out.write(`${formatHold(h)}\n`);
        out.write(`${list.length} ${p.flags.has('--all') ? 'hold(s)' : 'active hold(s)'}\n`);
      }
    } finally {
      session.end();
    }
    return 0;
  } finally {
    db.close();
  }
}
