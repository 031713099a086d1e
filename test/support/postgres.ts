/**
 * Starts a throwaway PostgreSQL cluster for tests (Debian's server binaries): `initdb` into a
 * temporary folder, then `postgres` on a free loopback port with its socket in that folder. As
 * root (CI), both run as the Debian `postgres` user through `setpriv` (which execs, so our
 * signals reach the server itself), with the folder handed to that user. A missing PostgreSQL is
 * an error, never a skip: scripts/setup.sh installs it.
 *
 *   const pg = await startPostgres();
 *   ... new pg.Pool({ connectionString: pg.url }) ...
 *   await pg.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './mosquitto.ts';

export const POSTGRES_BIN = process.env.ALPR_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresCluster {
  host: string;
  port: number;
  user: string;
  database: string;
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication on loopback). */
  url: string;
  /** The server's log so far. */
  log(): string;
  /** Fast shutdown (SIGINT), waits for the exit, removes the cluster's folder. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Server settings passed as `-c name=value` (e.g. { fsync: 'off' } to spare the test disk). */
  settings?: Record<string, string>;
  /** How long to wait for the server to accept connections (default 30000 ms). */
  startTimeoutMs?: number;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function binary(name: string): string {
  const file = join(POSTGRES_BIN, name);
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw new Error(`PostgreSQL server binary ${file} not found: install PostgreSQL 15 (scripts/setup.sh installs the Debian "postgresql" package)`);
  }
  return file;
}

interface Runner {
  command: string;
  args(cmd: string, args: string[]): string[];
  prepare(dir: string): void;
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user. */
function runner(): Runner {
  if (userInfo().uid !== 0) return { command: '', args: (cmd, args) => [cmd, ...args], prepare: () => undefined };
  const pgUser = postgresUser();
  return {
    command: '/usr/bin/setpriv',
    args: (cmd, args) => [`--reuid=${pgUser.uid}`, `--regid=${pgUser.gid}`, '--clear-groups', '--', cmd, ...args],
    prepare: (dir) => chownSync(dir, pgUser.uid, pgUser.gid),
  };
}

function postgresUser(): { uid: number; gid: number } {
  // Read /etc/passwd rather than shelling out: the Debian package creates the user.
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root but there is no "postgres" user: install the Debian "postgresql" package (scripts/setup.sh)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function run(r: Runner, cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const argv = r.args(cmd, args);
  const child = spawn(r.command || (argv.shift() as string), argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresCluster> {
  const initdb = binary('initdb');
  const postgres = binary('postgres');
  const r = runner();
  const dir = mkdtempSync(join(tmpdir(), 'alpr-postgres-'));
  chmodSync(dir, 0o700);
  r.prepare(dir);
  const dataDir = join(dir, 'data');
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });

  const init = await run(r, initdb, ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  if (init.code !== 0) {
    cleanup();
    throw new Error(`initdb failed (exit ${init.code}):\n${init.output}`);
  }

  const port = await freePort();
  const settings = Object.entries(options.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const argv = r.args(postgres, ['-D', dataDir, '-k', dir, '-p', String(port), '-h', '127.0.0.1', ...settings]);
  const child = spawn(r.command || (argv.shift() as string), argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  live.add(child);
  let log = '';
  child.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    });
  });
  child.once('error', (err) => (log += `spawn error: ${err.message}\n`));

  const stop = async (): Promise<void> => {
    if (!exited) {
      // SIGINT = fast shutdown: roll back open transactions, checkpoint, exit.
      child.kill('SIGINT');
      const done = await Promise.race([exit.then(() => true), delay(15_000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    cleanup();
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (!/ready to accept connections/.test(log)) {
    if (exited) {
      cleanup();
      throw new Error(`postgres exited during start-up on port ${port}:\n${log}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`postgres did not become ready on port ${port} in time:\n${log}`);
    }
    await delay(25);
  }
  const host = '127.0.0.1';
  return { host, port, user: 'postgres', database: 'postgres', url: `postgres://postgres@${host}:${port}/postgres`, log: () => log, stop };
}
