/**
 * CLI login for commands that read or change ALPR data: `--user NAME` and the password from a
 * terminal prompt (no echo) or `--password-file FILE` (first line). Never from argv or the
 * environment, where other users and logs can see it. The login, a refusal and the logout are
 * audited like web logins; the permission goes through the one shared check (checkAccess).
 */
import { readFileSync } from 'node:fs';
import { AuthService } from '../access/auth-service.ts';
import { authSettings } from '../access/config.ts';
import { checkAccess } from '../access/policy.ts';
import type { Permission, Principal } from '../access/types.ts';
import { AuditAction } from '../audit/actions.ts';
import { AuditLog } from '../audit/audit-log.ts';
import type { Config } from '../config/schema.ts';
import { AlprError } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../store/db.ts';

/** The options every logged-in command accepts. */
export const LOGIN_OPTIONS = ['--user', '--password-file'] as const;
export const LOGIN_USAGE = '--user NAME [--password-file FILE]  (without --password-file the password is asked on the terminal)';

export interface CliLoginArgs {
  user: string | undefined;
  passwordFile: string | undefined;
}

export interface CliSession {
  principal: Principal;
  audit: AuditLog;
  /** Ends the session (audited). */
  end(): void;
}

/** The first line of a password file, without its line ending. */
export function readPasswordFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AlprError('USAGE', `cannot read password file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new AlprError('USAGE', `password file ${file} is empty`);
  return line;
}

/** Asks for a password on the controlling terminal without echoing it. */
export function promptPassword(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Promise<string> {
  if (!input.isTTY) {
    return Promise.reject(new AlprError('USAGE', 'a password is needed: give --password-file FILE, or run from a terminal to be asked'));
  }
  // Echo goes off before the prompt shows: a password typed (or pasted) the moment the prompt
  // appears must never reach the screen.
  input.setRawMode(true);
  output.write(prompt);
  input.resume();
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = (err: Error | null): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(buf);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(null);
        if (ch === '\u0003') return done(new AlprError('USAGE', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    input.on('data', onData);
  });
}

export async function obtainPassword(passwordFile: string | undefined, prompt: string): Promise<string> {
  return passwordFile !== undefined ? readPasswordFile(passwordFile) : promptPassword(prompt);
}

/**
 * Logs in and checks `permission` (null: authenticate only). Throws AlprError UNAUTHENTICATED (no --user, a wrong
 * password, a locked or disabled account) or FORBIDDEN (no training, no permission).
 */
export async function cliLogin(db: Database, clock: Clock, config: Config, args: CliLoginArgs, permission: Permission | null): Promise<CliSession> {
  if (args.user === undefined || args.user.trim() === '') {
    throw new AlprError('UNAUTHENTICATED', `this command needs a login: ${LOGIN_USAGE}`);
  }
  const audit = new AuditLog(db, clock);
  const auth = new AuthService({ db, clock, audit, ...authSettings(config.access) });
  const password = await obtainPassword(args.passwordFile, `password for ${args.user}: `);
  const r = await auth.login(args.user, password, { via: 'cli' });
  if (!r.ok) {
    const why = r.reason === 'locked' ? 'the account is locked after repeated failures; try later' : r.reason === 'disabled' ? 'the account is disabled' : 'wrong username or password';
    throw new AlprError('UNAUTHENTICATED', `login refused for ${args.user}: ${why}`);
  }
  const end = (): void => auth.logout(r.token);
  // null: the command acts on the user's own account only (changing one's own password).
  if (permission === null) return { principal: r.principal, audit, end };
  const decision = checkAccess(r.principal, permission);
  if (!decision.ok) {
    audit.append({ userId: r.principal.userId, username: r.principal.username, action: AuditAction.accessDenied, target: permission, detail: { via: 'cli', reason: decision.reason } });
    end();
    throw new AlprError('FORBIDDEN', `access refused: ${decision.reason}`);
  }
  return { principal: r.principal, audit, end };
}

export function loginArgs(options: Map<string, string>): CliLoginArgs {
  return { user: options.get('--user'), passwordFile: options.get('--password-file') };
}
