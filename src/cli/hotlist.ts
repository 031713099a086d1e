/**
 * `alpr-edge hotlist ...`: hot-list files and officers' local entries, against
 * `<store.dataDir>/alpr.db` of the config given.
 *
 *   hotlist import FILE --config C [--all-or-nothing] [--source NAME] [--format F] LOGIN
 *       Prints counts on stdout and every bad line as `FILE:LINE: message` on stderr; exits 1
 *       when the file was rejected (the previous list stays).
 *   hotlist local add --config C --plate P --list L --case N --reason R [--state S] [--vehicle TEXT] LOGIN
 *   hotlist local approve ID --config C LOGIN
 *   hotlist local renew ID --config C LOGIN
 *   hotlist local expire --config C LOGIN    (records the expiry of entries past 30 days)
 *   hotlist local list --config C LOGIN
 *   hotlist local history ID --config C LOGIN
 *   hotlist keygen --out PREFIX              (Ed25519 pair for signing lists: PREFIX.key, PREFIX.pub)
 *   hotlist sign FILE --key PRIVATE.key --source NAME --version V [--format F] [--base V] --out FILE
 *
 * LOGIN is `--user NAME [--password-file FILE]`: the logged-in user is the entering, approving
 * or renewing member, and needs the permission (checkAccess): import and approve
 * hotlist:approve (supervisors), add, renew and expire hotlist:enter, list and history
 * hotlist:read. Every change and read is audited.
 *
 * A policy refusal (missing field, wrong approver, renewing an expired entry) is printed and
 * exits 1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Permission } from '../access/types.ts';
import { AuditAction } from '../audit/actions.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { loadConfig } from '../config/load.ts';
import { AlprError } from '../errors.ts';
import { isHotlistError } from '../hotlist/errors.ts';
import { isHotlistFormat, resolveFormat, type HotlistFormat } from '../hotlist/formats/index.ts';
import { importHotlistFile, type ImportMode } from '../hotlist/import.ts';
import { LocalEntriesRepo } from '../hotlist/local-repo.ts';
import type { LocalEntry } from '../hotlist/local-policy.ts';
import { generateSigningKeys, signEnvelope } from '../hotlist/signing.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { databaseFile, openDatabase, type Database } from '../store/db.ts';
import { createIdGenerator } from '../store/ids.ts';
import { cliLogin, LOGIN_USAGE, loginArgs } from './login.ts';

const USAGE = `usage: alpr-edge hotlist import FILE --config CONFIG [--all-or-nothing] [--source NAME] [--format csv|json|ncic|svs|slr|sfr] LOGIN
  alpr-edge hotlist local add --config CONFIG --plate PLATE --list LIST --case CASE --reason TEXT [--state XX] [--vehicle TEXT] LOGIN
  alpr-edge hotlist local approve|renew ID --config CONFIG LOGIN
  alpr-edge hotlist local expire|list --config CONFIG LOGIN
  alpr-edge hotlist local history ID --config CONFIG LOGIN
  alpr-edge hotlist keygen --out PREFIX
  alpr-edge hotlist sign FILE --key PRIVATE.key --source NAME --version V [--format F] [--base V] --out FILE
  LOGIN: ${LOGIN_USAGE}`;

export interface HotlistCommandDeps {
  clock?: Clock;
}

interface Parsed {
  positional: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

const FLAGS = new Set(['--all-or-nothing']);

function parseArgs(args: string[]): Parsed {
  const positional: string[] = [];
  const options = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (FLAGS.has(a)) flags.add(a);
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) options.set(a.slice(0, eq), a.slice(eq + 1));
      else {
        const v = args[++i];
        if (v === undefined || v.startsWith('--')) throw new AlprError('USAGE', `${a} needs a value\n${USAGE}`);
        options.set(a, v);
      }
    } else if (a.startsWith('-')) throw new AlprError('USAGE', `unknown option ${a}\n${USAGE}`);
    else positional.push(a);
  }
  return { positional, options, flags };
}

function allowOnly(p: Parsed, allowed: string[], positional: number): void {
  for (const k of p.options.keys()) if (!allowed.includes(k)) throw new AlprError('USAGE', `unknown option ${k}\n${USAGE}`);
  if (p.positional.length !== positional) throw new AlprError('USAGE', USAGE);
}

function need(p: Parsed, name: string): string {
  const v = p.options.get(name);
  if (v === undefined) throw new AlprError('USAGE', `${name} is required\n${USAGE}`);
  return v;
}

/** Opens the store, logs in with `permission`, runs `fn`, then logs out and closes. */
async function withLogin<T>(
  p: Parsed,
  clock: Clock,
  permission: Permission,
  fn: (db: Database, audit: AuditLog, actor: { userId: string; username: string }) => T,
): Promise<T> {
  const cfg = loadConfig(need(p, '--config'));
  const db = openDatabase(databaseFile(cfg.store.dataDir), { clock });
  try {
    const session = await cliLogin(db, clock, cfg, loginArgs(p.options), permission);
    try {
      return fn(db, session.audit, { userId: session.principal.userId, username: session.principal.username });
    } finally {
      session.end();
    }
  } finally {
    db.close();
  }
}

const LOGIN = ['--user', '--password-file'];

function describeEntry(e: LocalEntry): string {
  const expiry = e.expiresAt === null ? '' : ` expires=${new Date(e.expiresAt).toISOString()}`;
  return `${e.id} ${e.status} plate=${e.plate}${e.state ? ` state=${e.state}` : ''} list=${e.list} case=${e.caseNumber} by=${e.enteredBy}${e.approvedBy ? ` approved-by=${e.approvedBy}` : ''}${expiry} reason="${e.reason}"`;
}

async function importCommand(p: Parsed, out: NodeJS.WritableStream, err: NodeJS.WritableStream, clock: Clock): Promise<number> {
  allowOnly(p, ['--config', '--source', '--format', ...LOGIN], 1);
  const file = p.positional[0] as string;
  const formatName = p.options.get('--format');
  if (formatName !== undefined && !isHotlistFormat(formatName)) throw new AlprError('USAGE', `unknown format ${formatName}\n${USAGE}`);
  const format = resolveFormat(file, formatName as HotlistFormat | undefined);
  const mode: ImportMode = p.flags.has('--all-or-nothing') ? 'all-or-nothing' : 'apply-valid';
  const source = p.options.get('--source');
  return withLogin(p, clock, 'hotlist:approve', (db, audit, actor) => {
    const result = importHotlistFile(db, file, { mode, format, ...(source === undefined ? {} : { source }) });
    audit.append({
      ...actor,
      action: AuditAction.hotlistImport,
      target: result.source,
      detail: { file: basename(file), applied: result.applied, imported: result.imported, badLines: result.errors.length, via: 'cli' },
    });
    for (const e of result.errors) err.write(`${file}:${e.line}: ${e.message}\n`);
    for (const w of result.warnings) err.write(`${file}:${w.line}: warning: ${w.message}\n`);
    if (!result.applied) {
      out.write(
        `${file}: rejected (${result.rejectedBecause ?? 'invalid'}): ${result.valid} valid, ${result.errors.length} bad line(s); the previous list was kept\n`,
      );
      return 1;
    }
    out.write(
      `${file}: imported ${result.imported} entries (replaced ${result.replaced}), ${result.errors.length} bad line(s) skipped, ` +
        `${result.warnings.length} duplicate(s) skipped; source ${result.source}\n`,
    );
    return 0;
  });
}

async function localCommand(p: Parsed, out: NodeJS.WritableStream, clock: Clock): Promise<number> {
  const [, action, id] = p.positional;
  const local = <T>(permission: Permission, fn: (repo: LocalEntriesRepo, audit: AuditLog, actor: { userId: string; username: string }, db: Database) => T): Promise<T> =>
    withLogin(p, clock, permission, (db, audit, actor) => fn(new LocalEntriesRepo(db), audit, actor, db));
  switch (action) {
    case 'add': {
      allowOnly(p, ['--config', '--plate', '--state', '--list', '--case', '--reason', '--vehicle', ...LOGIN], 2);
      const vehicle = p.options.get('--vehicle');
      const e = await local('hotlist:enter', (repo, audit, actor, db) =>
        db.transaction(() => {
          const created = repo.create(
            {
              plate: p.options.get('--plate') ?? '',
              state: p.options.get('--state') ?? null,
              list: p.options.get('--list') ?? '',
              enteredBy: actor.username,
              caseNumber: p.options.get('--case') ?? '',
              reason: p.options.get('--reason') ?? '',
              vehicle: vehicle === undefined ? null : { year: null, make: null, model: null, colour: null, description: vehicle },
            },
            clock.now(),
            createIdGenerator(clock),
          );
          audit.append({ ...actor, action: AuditAction.hotlistEnter, target: created.id, caseNumber: created.caseNumber, purpose: created.reason, detail: { plate: created.plate, list: created.list, via: 'cli' } });
          return created;
        })(),
      );
      out.write(`created ${describeEntry(e)} (inactive until a supervisor approves it)\n`);
      return 0;
    }
    case 'approve':
    case 'renew': {
      allowOnly(p, ['--config', ...LOGIN], 3);
      const approve = action === 'approve';
      const e = await local(approve ? 'hotlist:approve' : 'hotlist:enter', (repo, audit, actor, db) =>
        db.transaction(() => {
          const changed = approve ? repo.approve(id as string, actor.username, clock.now()) : repo.renew(id as string, actor.username, clock.now());
          audit.append({
            ...actor,
            action: approve ? AuditAction.hotlistApprove : AuditAction.hotlistRenew,
            target: changed.id,
            caseNumber: changed.caseNumber,
            detail: { plate: changed.plate, expiresAt: changed.expiresAt, via: 'cli' },
          });
          return changed;
        })(),
      );
      out.write(`${approve ? 'approved' : 'renewed'} ${describeEntry(e)}\n`);
      return 0;
    }
    case 'expire': {
      allowOnly(p, ['--config', ...LOGIN], 2);
      const expired = await local('hotlist:enter', (repo, audit, actor) => {
        const done = repo.expireDue(clock.now());
        audit.append({ ...actor, action: AuditAction.hotlistExpire, detail: { count: done.length, expired: done.slice(0, 500).map((x) => x.id), via: 'cli' } });
        return done;
      });
      for (const e of expired) out.write(`expired ${describeEntry(e)}\n`);
      out.write(`${expired.length} entr${expired.length === 1 ? 'y' : 'ies'} expired\n`);
      return 0;
    }
    case 'list': {
      allowOnly(p, ['--config', ...LOGIN], 2);
      const entries = await local('hotlist:read', (repo, audit, actor) => {
        const all = repo.list(clock.now());
        audit.append({ ...actor, action: AuditAction.hotlistRead, target: 'local', detail: { what: 'list', count: all.length, via: 'cli' } });
        return all;
      });
      for (const e of entries) out.write(`${describeEntry(e)}\n`);
      return 0;
    }
    case 'history': {
      allowOnly(p, ['--config', ...LOGIN], 3);
      const rows = await local('hotlist:read', (repo, audit, actor) => {
        const h = repo.history(id as string);
        audit.append({ ...actor, action: AuditAction.hotlistRead, target: id as string, detail: { what: 'history', via: 'cli' } });
        return h;
      });
      for (const h of rows) {
        out.write(`${new Date(h.at).toISOString()} ${h.action} by ${h.actor}${h.expiresAt === null ? '' : ` expires ${new Date(h.expiresAt).toISOString()}`}\n`);
      }
      return 0;
    }
    default:
      throw new AlprError('USAGE', USAGE);
  }
}

function keygenCommand(p: Parsed, out: NodeJS.WritableStream): number {
  allowOnly(p, ['--out'], 1);
  const prefix = need(p, '--out');
  const { privateKeyPem, publicKeyPem } = generateSigningKeys();
  writeFileSync(`${prefix}.key`, privateKeyPem, { mode: 0o600 });
  writeFileSync(`${prefix}.pub`, publicKeyPem);
  out.write(`wrote ${prefix}.key (keep it off the appliance) and ${prefix}.pub (hotlist.sync.publicKey)\n`);
  return 0;
}

function signCommand(p: Parsed, out: NodeJS.WritableStream, clock: Clock): number {
  allowOnly(p, ['--key', '--source', '--version', '--format', '--base', '--out'], 2);
  const file = p.positional[1] as string;
  const formatName = p.options.get('--format');
  if (formatName !== undefined && !isHotlistFormat(formatName)) throw new AlprError('USAGE', `unknown format ${formatName}\n${USAGE}`);
  const format = resolveFormat(file, formatName as HotlistFormat | undefined);
  const base = p.options.get('--base');
  const envelope = signEnvelope(
    {
      source: need(p, '--source'),
      version: need(p, '--version'),
      kind: base === undefined ? 'full' : 'delta',
      ...(base === undefined ? {} : { baseVersion: base }),
      format,
      generatedAt: new Date(clock.now()).toISOString(),
    },
    readFileSync(file, 'utf8'),
    readFileSync(need(p, '--key'), 'utf8'),
  );
  const target = need(p, '--out');
  writeFileSync(target, envelope);
  out.write(`signed ${basename(file)} -> ${target}\n`);
  return 0;
}

export async function hotlistCommand(
  args: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
  deps: HotlistCommandDeps = {},
): Promise<number> {
  const clock = deps.clock ?? systemClock;
  const p = parseArgs(args);
  const sub = p.positional[0];
  try {
    if (sub === 'import') return await importCommand({ ...p, positional: p.positional.slice(1) }, out, err, clock);
    if (sub === 'local') return await localCommand(p, out, clock);
    if (sub === 'keygen') return keygenCommand(p, out);
    if (sub === 'sign') return signCommand(p, out, clock);
  } catch (e) {
    if (isHotlistError(e, 'POLICY') || isHotlistError(e, 'NOT_FOUND')) {
      err.write(`refused: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  throw new AlprError('USAGE', USAGE);
}
