/**
 * systemd readiness and watchdog notifications (sd_notify protocol). Node cannot send on a
 * unix datagram socket by itself, so each message is sent by the `systemd-notify` tool from
 * Debian's systemd package; the unit therefore sets NotifyAccess=all. Without NOTIFY_SOCKET
 * (not started by systemd) every call is a no-op.
 */
import { spawn } from 'node:child_process';

export interface Notifier {
  readonly enabled: boolean;
  /** Half the unit's WatchdogSec in ms (pings must come at least this often), or null. */
  readonly watchdogIntervalMs: number | null;
  ready(status?: string): void;
  watchdog(): void;
  stopping(status?: string): void;
  status(text: string): void;
}

/** Pure: the watchdog ping interval systemd asks for (half of WATCHDOG_USEC), or null. */
export function watchdogInterval(env: NodeJS.ProcessEnv, pid: number): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== pid) return null;
  return Math.max(1, Math.floor(usec / 2000));
}

/** Pure: the datagram text of one notification. Newlines inside a status are flattened. */
export function notifyMessage(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${v.replace(/\n/g, ' ')}`)
    .join('\n');
}

export type SendFn = (socket: string, message: string) => void;

/** Sends through `systemd-notify`; failures are reported to `onError`, never thrown. */
export function systemdNotifySender(onError: (err: Error) => void, pid = process.pid): SendFn {
  return (socket, message) => {
    const child = spawn('systemd-notify', [`--pid=${pid}`, ...message.split('\n')], {
      env: { ...process.env, NOTIFY_SOCKET: socket },
      stdio: 'ignore',
    });
    child.on('error', onError);
    child.on('exit', (code) => {
      if (code !== 0) onError(new Error(`systemd-notify exited with ${code}`));
    });
  };
}

export function createNotifier(env: NodeJS.ProcessEnv, send: SendFn, pid = process.pid): Notifier {
  const socket = env.NOTIFY_SOCKET;
  const emit = (fields: Record<string, string>): void => {
    if (socket) send(socket, notifyMessage(fields));
  };
  return {
    enabled: Boolean(socket),
    watchdogIntervalMs: socket ? watchdogInterval(env, pid) : null,
    ready: (status) => emit({ READY: '1', ...(status ? { STATUS: status } : {}) }),
    watchdog: () => emit({ WATCHDOG: '1' }),
    stopping: (status) => emit({ STOPPING: '1', ...(status ? { STATUS: status } : {}) }),
    status: (text) => emit({ STATUS: text }),
  };
}
