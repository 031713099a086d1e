/**
 * Starts a real Mosquitto broker for tests, on a free loopback port (or a given one, to "restart"
 * a broker on the same address). Persistence is off unless `persistenceDir` is given (a folder
 * the caller keeps across a stop and a restart: sessions, subscriptions and queued messages
 * survive, as on a production broker). Anonymous clients are allowed. Works as root: mosquitto
 * then drops to user `mosquitto`, so the temporary config is world-readable and the persistence
 * folder world-writable.
 *
 *   const broker = await startMosquitto();
 *   ... mqtt.connect(broker.url) ...
 *   await broker.stop();
 *   const again = await startMosquitto({ port: broker.port });
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MosquittoBroker {
  port: number;
  /** mqtt://127.0.0.1:PORT (mqtts:// with `tls`) */
  url: string;
  /** The broker's log so far (stderr). */
  log(): string;
  /** Ends the broker (SIGTERM, then SIGKILL) and removes its temporary files. */
  stop(): Promise<void>;
}

export interface StartMosquittoOptions {
  /** Listen on this port (default: a free one). */
  port?: number;
  /** Extra lines appended to the config. */
  extraConfig?: string[];
  /**
   * Keep sessions and queued messages in this folder (created if needed; saved when the broker
   * stops, read when one starts on it again). The caller removes it.
   */
  persistenceDir?: string;
  /** How long to wait for the port to accept connections (default 10000 ms). */
  startTimeoutMs?: number;
  /**
   * Make the listener TLS (PEM files; copied into the broker's folder, readable by the
   * `mosquitto` user it drops to as root). `requireCertificate`: clients must present a
   * certificate signed by `caFile` (client-certificate auth).
   */
  tls?: { caFile: string; certFile: string; keyFile: string; requireCertificate?: boolean };
}

/** Copies a PEM file into the broker's folder so the unprivileged broker can read it. */
function brokerReadable(dir: string, file: string, name: string): string {
  const target = join(dir, name);
  copyFileSync(file, target);
  chmodSync(target, 0o600);
  const owner = mosquittoUser();
  if (owner) chownSync(target, owner.uid, owner.gid);
  else chmodSync(target, 0o644);
  return target;
}

/** The `mosquitto` account when running as root (mosquitto drops to it), else null. */
function mosquittoUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return null;
  }
  const line = passwd.split('\n').find((l) => l.startsWith('mosquitto:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : null;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function mosquittoBinary(): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin']) {
    if (!dir) continue;
    const file = join(dir, 'mosquitto');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this directory
    }
  }
  throw new Error('mosquitto not found (apt-get install mosquitto)');
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function startOnce(port: number, options: StartMosquittoOptions): Promise<MosquittoBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-mosquitto-'));
  chmodSync(dir, 0o755);
  const conf = join(dir, 'mosquitto.conf');
  if (options.persistenceDir !== undefined) {
    mkdirSync(options.persistenceDir, { recursive: true });
    chmodSync(options.persistenceDir, 0o777);
  }
  const persistence =
    options.persistenceDir === undefined ? ['persistence false'] : ['persistence true', `persistence_location ${options.persistenceDir.replace(/\/*$/, '/')}`];
  const t = options.tls;
  const tls = t
    ? [
        `cafile ${brokerReadable(dir, t.caFile, 'ca.pem')}`,
        `certfile ${brokerReadable(dir, t.certFile, 'server.pem')}`,
        `keyfile ${brokerReadable(dir, t.keyFile, 'server.key')}`,
        `require_certificate ${t.requireCertificate ? 'true' : 'false'}`,
      ]
    : [];
  const lines = [
    `listener ${port} 127.0.0.1`,
    ...tls,
    'allow_anonymous true',
    ...persistence,
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    ...(options.extraConfig ?? []),
  ];
  writeFileSync(conf, `${lines.join('\n')}\n`, { mode: 0o644 });

  const child = spawn(mosquittoBinary(), ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  let log = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    log += chunk;
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    });
  });
  child.once('error', (err) => {
    log += `spawn error: ${err.message}\n`;
  });

  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exit.then(() => true), delay(5_000).then(() => false)]);
      if (!killed) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    cleanup();
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  for (;;) {
    if (exited) {
      cleanup();
      throw new Error(`mosquitto exited during start-up on port ${port}:\n${log}`);
    }
    // "running" is logged once the listener is bound, so the port answering is really ours.
    if (/ running\b/.test(log) && (await accepts(port))) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`mosquitto did not accept connections on port ${port} in time:\n${log}`);
    }
    await delay(20);
  }
  return { port, url: `${t ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`, log: () => log, stop };
}

export async function startMosquitto(options: StartMosquittoOptions = {}): Promise<MosquittoBroker> {
  if (options.port !== undefined) return startOnce(options.port, options);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(await freePort(), options);
    } catch (err) {
      // Another process may have taken the port between freePort() and mosquitto's bind.
      lastError = err;
    }
  }
  throw lastError;
}
