/**
 * `alpr-edge user ...`: individual accounts.
 *
 *   user add --username NAME --name "DISPLAY NAME" --roles R[,R] [--trained-on YYYY-MM-DD] [--new-password-file F] --config C [LOGIN]
 *   user list --config C LOGIN
 *   user train USERNAME [--date YYYY-MM-DD] --config C LOGIN
 *   user passwd USERNAME [--new-password-file F] --config C LOGIN
 *   user disable USERNAME [--enable] --config C LOGIN
 *
 * The first account can be added without a login, only while no account exists, and must be an
 * administrator. Afterwards every command needs an administrator's login (users:manage), except
 * `passwd` on one's own account. New passwords come from a file or a terminal prompt, never argv.
 * Every change is audited.
 */
import { checkNewPassword } from '../access/password.ts';
import { UsersRepo } from '../access/users-repo.ts';
import { isRole, type Role } from '../access/types.ts';
import { AuditAction } from '../audit/actions.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { loadConfig } from '../config/load.ts';
import { AlprError } from '../errors.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { databaseFile, openDatabase, type Database } from '../store/db.ts';
import { parseDate, parseOptions, requireOption, type ParsedOptions } from './cli-options.ts';
import { cliLogin, LOGIN_USAGE, loginArgs, promptPassword, readPasswordFile, type CliSession } from './login.ts';

const USAGE = `usage: alpr-edge user add --username NAME --name "DISPLAY NAME" --roles ROLE[,ROLE] [--trained-on YYYY-MM-DD] [--new-password-file FILE] --config FILE [LOGIN]
       alpr-edge user list --config FILE LOGIN
       alpr-edge user train USERNAME [--date YYYY-MM-DD] --config FILE LOGIN
       alpr-edge user passwd USERNAME [--new-password-file FILE] --config FILE LOGIN
       alpr-edge user disable USERNAME [--enable] --config FILE LOGIN
  roles: operator, supervisor, administrator, auditor
  LOGIN: ${LOGIN_USAGE} (the first administrator is added without one)`;

const VALUES = ['--config', '--username', '--name', '--roles', '--trained-on', '--new-password-file', '--date', '--user', '--password-file'];
const ALLOWED: Record<string, { values: string[]; flags: string[]; positional: number }> = {
  add: { values: ['--config', '--username', '--name', '--roles', '--trained-on', '--new-password-file', '--user', '--password-file'], flags: [], positional: 0 },
  list: { values: ['--config', '--user', '--password-file'], flags: [], positional: 0 },
  train: { values: ['--config', '--date', '--user', '--password-file'], flags: [], positional: 1 },
  passwd: { values: ['--config', '--new-password-file', '--user', '--password-file'], flags: [], positional: 1 },
  disable: { values: ['--config', '--user', '--password-file'], flags: ['--enable'], positional: 1 },
};

function parseRoles(text: string): Role[] {
  const roles = text
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  for (const r of roles) if (!isRole(r)) throw new AlprError('USAGE', `unknown role "${r}": roles are operator, supervisor, administrator, auditor`);
  if (roles.length === 0) throw new AlprError('USAGE', '--roles needs at least one role');
  return roles as Role[];
}

async function newPassword(p: ParsedOptions, who: string): Promise<string> {
  const file = p.options.get('--new-password-file');
  if (file !== undefined) {
    const pw = readPasswordFile(file);
    checkNewPassword(pw);
    return pw;
  }
  const first = await promptPassword(`new password for ${who}: `);
  checkNewPassword(first);
  const again = await promptPassword('again: ');
  if (again !== first) throw new AlprError('USAGE', 'the two passwords differ');
  return first;
}

function trainingDate(name: string, v: string | undefined, clock: Clock): number | null {
  if (v === undefined) return null;
  const t = parseDate(name, v);
  if (t > clock.now()) throw new AlprError('USAGE', `${name} ${v} is in the future`);
  return t;
}

function target(users: UsersRepo, username: string): { userId: string; username: string } {
  const u = users.findByUsername(username);
  if (!u) throw new AlprError('USAGE', `no user ${username}`);
  return u;
}

const isoDay = (t: number | null): string => (t === null ? 'not trained' : `trained ${new Date(t).toISOString().slice(0, 10)}`);

/** The very first account: no login, administrator role required, in one transaction so two cannot race. */
function bootstrap(db: Database, clock: Clock, p: ParsedOptions, password: string, out: NodeJS.WritableStream): number {
  const users = new UsersRepo(db, clock);
  const roles = parseRoles(requireOption(p, '--roles', USAGE));
  if (!roles.includes('administrator')) throw new AlprError('USAGE', 'the first user must have the administrator role');
  const trainedAt = trainingDate('--trained-on', p.options.get('--trained-on'), clock);
  const created = db.transaction(() => {
    if (users.count() > 0) throw new AlprError('UNAUTHENTICATED', 'users exist now: adding a user needs an administrator login');
    const u = users.create({ username: requireOption(p, '--username', USAGE), displayName: requireOption(p, '--name', USAGE), roles, password });
    if (trainedAt !== null) users.recordTraining(u.userId, trainedAt);
    new AuditLog(db, clock).append({ userId: u.userId, username: u.username, action: AuditAction.userAdd, target: u.username, detail: { roles, trainedAt, firstUser: true, via: 'cli' } });
    return u;
  }).immediate();
  out.write(`added ${created.username} (${roles.join(', ')}), the first administrator; ${isoDay(trainedAt)}\n`);
  return 0;
}

async function withAdmin(db: Database, clock: Clock, cfg: ReturnType<typeof loadConfig>, p: ParsedOptions, fn: (s: CliSession, users: UsersRepo) => number): Promise<number> {
  const s = await cliLogin(db, clock, cfg, loginArgs(p.options), 'users:manage');
  try {
    return fn(s, new UsersRepo(db, clock));
  } finally {
    s.end();
  }
}

export async function userCommand(args: string[], out: NodeJS.WritableStream = process.stdout, clock: Clock = systemClock): Promise<number> {
  const [sub, ...rest] = args;
  const allowed = sub === undefined ? undefined : ALLOWED[sub];
  if (!allowed) throw new AlprError('USAGE', USAGE);
  const p = parseOptions(rest, { values: VALUES, flags: allowed.flags }, USAGE);
  for (const k of p.options.keys()) if (!allowed.values.includes(k)) throw new AlprError('USAGE', `${k} does not apply to user ${sub}\n${USAGE}`);
  if (p.positional.length !== allowed.positional) throw new AlprError('USAGE', USAGE);
  const cfg = loadConfig(requireOption(p, '--config', USAGE));
  const db = openDatabase(databaseFile(cfg.store.dataDir), { clock });
  try {
    const name = p.positional[0] as string;
    const by = (s: CliSession) => ({ userId: s.principal.userId, username: s.principal.username });
    switch (sub) {
      case 'add': {
        if (new UsersRepo(db, clock).count() === 0) {
          if (p.options.has('--user')) throw new AlprError('USAGE', 'no user exists yet: add the first administrator without --user');
          return bootstrap(db, clock, p, await newPassword(p, requireOption(p, '--username', USAGE)), out);
        }
        const roles = parseRoles(requireOption(p, '--roles', USAGE));
        const trainedAt = trainingDate('--trained-on', p.options.get('--trained-on'), clock);
        const username = requireOption(p, '--username', USAGE);
        const displayName = requireOption(p, '--name', USAGE);
        const session = await cliLogin(db, clock, cfg, loginArgs(p.options), 'users:manage');
        try {
          const password = await newPassword(p, username);
          const users = new UsersRepo(db, clock);
          const u = db.transaction(() => {
            const created = users.create({ username, displayName, roles, password });
            if (trainedAt !== null) users.recordTraining(created.userId, trainedAt);
            session.audit.append({ ...by(session), action: AuditAction.userAdd, target: created.username, detail: { roles, trainedAt, via: 'cli' } });
            return created;
          })();
          out.write(`added ${u.username} (${roles.join(', ')}); ${isoDay(trainedAt)}\n`);
          return 0;
        } finally {
          session.end();
        }
      }
      case 'list':
        return await withAdmin(db, clock, cfg, p, (s, users) => {
          const all = users.list();
          for (const u of all) {
            const c = users.credentials(u.username);
            const state = c?.disabled ? 'disabled' : c?.lockedUntil && c.lockedUntil > clock.now() ? `locked until ${new Date(c.lockedUntil).toISOString()}` : 'active';
            out.write(`${u.username}\t${u.displayName}\t${u.roles.join(',')}\t${isoDay(u.trainedAt)}\t${state}\n`);
          }
          s.audit.append({ ...by(s), action: AuditAction.userList, detail: { count: all.length, via: 'cli' } });
          return 0;
        });
      case 'train': {
        const at = trainingDate('--date', p.options.get('--date'), clock) ?? clock.now();
        return await withAdmin(db, clock, cfg, p, (s, users) => {
          const u = target(users, name);
          db.transaction(() => {
            users.recordTraining(u.userId, at);
            s.audit.append({ ...by(s), action: AuditAction.userTrain, target: u.username, detail: { trainedAt: at, via: 'cli' } });
          })();
          out.write(`${u.username}: ${isoDay(at)}\n`);
          return 0;
        });
      }
      case 'passwd': {
        // Changing one's own password needs only one's own login.
        const own = p.options.get('--user')?.toLowerCase() === name.toLowerCase();
        const session = await cliLogin(db, clock, cfg, loginArgs(p.options), own ? null : 'users:manage');
        try {
          const users = new UsersRepo(db, clock);
          const u = target(users, name);
          const password = await newPassword(p, u.username);
          db.transaction(() => {
            users.setPassword(u.userId, password);
            session.audit.append({ ...by(session), action: AuditAction.userPassword, target: u.username, detail: { own, via: 'cli' } });
          })();
          out.write(`password of ${u.username} changed\n`);
          return 0;
        } finally {
          session.end();
        }
      }
      case 'disable': {
        const enable = p.flags.has('--enable');
        return await withAdmin(db, clock, cfg, p, (s, users) => {
          const u = target(users, name);
          if (!enable && u.userId === s.principal.userId) throw new AlprError('USAGE', 'an administrator cannot disable their own account');
          db.transaction(() => {
            users.setDisabled(u.userId, !enable);
            s.audit.append({ ...by(s), action: enable ? AuditAction.userEnable : AuditAction.userDisable, target: u.username, detail: { via: 'cli' } });
          })();
          out.write(`${u.username} ${enable ? 'enabled' : 'disabled'}\n`);
          return 0;
        });
      }
      default:
        throw new AlprError('USAGE', USAGE);
    }
  } finally {
    db.close();
  }
}
