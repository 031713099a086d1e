/**
 * The device's retained `.../status` and its `.../heartbeat` (contract: src/mqtt/contract). The
 * transport publishes the status on connect and as its last will through `statusPayload`; every
 * heartbeat interval this publishes a heartbeat (QoS 0) and re-publishes the retained status when
 * something in it other than its time changed. What the status says comes from `snapshot()`,
 * which the composition root builds from the outbox, cameras, retention and GPS.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { packageRoot } from '../platform/paths.ts';
import { CONTRACT_VERSION } from './contract/common.ts';
import type { HeartbeatMessage } from './contract/heartbeat.ts';
import type { StatusMessage } from './contract/status.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';

/** The parts of the status message that describe the device now. */
export type StatusSnapshot = Pick<StatusMessage, 'cameras' | 'outbox' | 'retention' | 'gps'>;

/** What the reporter needs from the transport (MqttTransport fits). */
export interface StatusTransport {
  readonly connected: boolean;
  publish(topic: string, payload: string | Buffer, options: { qos: 0 | 1 | 2; retain?: boolean }): Promise<void>;
  publishStatus(): Promise<void>;
}

export interface StatusReporterOptions {
  device: string;
  agency: string;
  /** alpr-edge version. */
  version: string;
  heartbeatTopic: string;
  /** Heartbeat interval, s; 0: no heartbeat and no periodic status refresh. */
  heartbeatS: number;
  clock: Clock;
  logger: Logger;
  snapshot: () => StatusSnapshot;
  /** When the daemon started (uptime), ms. */
  startedAt: number;
}

/** The status message (pure). */
export function buildStatusMessage(o: { device: string; agency: string; version: string }, state: 'online' | 'offline', now: number, s: StatusSnapshot): StatusMessage {
  return {
    v: CONTRACT_VERSION,
    device: o.device,
    agency: o.agency,
    state,
    at: new Date(now).toISOString(),
    version: o.version,
    cameras: s.cameras,
    outbox: s.outbox,
    retention: s.retention,
    gps: s.gps,
  };
}

/** The heartbeat message (pure). */
export function buildHeartbeatMessage(o: { device: string; agency: string }, now: number, startedAt: number, s: StatusSnapshot): HeartbeatMessage {
  return {
    v: CONTRACT_VERSION,
    device: o.device,
    agency: o.agency,
    at: new Date(now).toISOString(),
    uptimeS: Math.max(0, (now - startedAt) / 1000),
    outbox: { pending: s.outbox.pending, unacked: s.outbox.unacked },
  };
}

/**
 * What makes two statuses "the same" for the refresh: everything but `at` and the figures that
 * move all the time (ages, free bytes); their changes that matter show in the counts and flags.
 */
function statusKey(s: StatusSnapshot): string {
  return JSON.stringify({
    cameras: s.cameras,
    outbox: { pending: s.outbox.pending, unacked: s.outbox.unacked },
    retention: { lastSweepAt: s.retention.lastSweepAt, deleted: s.retention.deleted, diskPressure: s.retention.diskPressure },
    gps: s.gps.fix,
  });
}

export class StatusReporter {
  private transport: StatusTransport | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastKey: string | null = null;

  constructor(private readonly o: StatusReporterOptions) {}

  /** The payload for the transport's `statusPayload` option. */
  readonly statusPayload = (state: 'online' | 'offline'): string => {
    const snapshot = this.o.snapshot();
    if (state === 'online') this.lastKey = statusKey(snapshot);
    return JSON.stringify(buildStatusMessage(this.o, state, this.o.clock.now(), snapshot));
  };

  start(transport: StatusTransport): void {
    this.transport = transport;
    if (this.timer || this.o.heartbeatS <= 0) return;
    this.timer = setInterval(() => void this.beat(), this.o.heartbeatS * 1000);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One heartbeat, and a status refresh when it changed (the timer calls this). */
  async beat(): Promise<void> {
    const t = this.transport;
    if (!t?.connected) return;
    const snapshot = this.o.snapshot();
    try {
      await t.publish(this.o.heartbeatTopic, JSON.stringify(buildHeartbeatMessage(this.o, this.o.clock.now(), this.o.startedAt, snapshot)), { qos: 0 });
      if (statusKey(snapshot) !== this.lastKey) await t.publishStatus();
    } catch (err) {
      // The link dropped mid-beat: the next connect publishes the status anyway.
      this.o.logger.debug({ err: (err as Error).message }, 'mqtt: heartbeat not published');
    }
  }
}

let cachedVersion: string | null = null;

/** alpr-edge's version, from its package.json (read once). */
export function softwareVersion(): string {
  if (cachedVersion === null) {
    try {
      const pkg = JSON.parse(readFileSync(resolve(packageRoot, 'package.json'), 'utf8')) as { version?: unknown };
      cachedVersion = typeof pkg.version === 'string' && pkg.version !== '' ? pkg.version : 'unknown';
    } catch {
      cachedVersion = 'unknown'; // an installation without its package.json still reports status
    }
  }
  return cachedVersion;
}
