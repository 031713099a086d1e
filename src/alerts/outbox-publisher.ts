/**
 * Delivers the outbox: publishes due rows in seq order with a window of QoS 1 publishes in flight
 * (mqtt.js keeps their order on the connection), and marks them sent when the broker has
 * acknowledged them, several per transaction. Sent rows whose central ack is overdue are
 * published again (same id). While the transport is down nothing is attempted (rows wait in
 * SQLite, across restarts too); on reconnect it resumes at once. A message the broker refuses,
 * or whose PUBACK never comes, is retried with capped exponential backoff while later messages
 * go ahead. `notify()` wakes it when a row is committed.
 *
 * A crash between a PUBACK and the batch commit re-publishes those rows after the restart: the
 * same ids, which receivers de-duplicate.
 */
import { isAlprError } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { BackoffPolicy } from './backoff.ts';
import type { OutboxMessage, OutboxRepo, SentMark } from './outbox-repo.ts';
import { nextAfterFailure, nextAfterPuback, type AckPolicy } from './outbox-state.ts';

/** What the publisher needs from a transport (MqttTransport fits). */
export interface OutboxTransport {
  readonly connected: boolean;
  publish(topic: string, payload: string | Buffer, options: { qos: 0 | 1 | 2 }): Promise<void>;
  on(event: 'connected', listener: () => void): unknown;
  off(event: 'connected', listener: () => void): unknown;
}

export interface OutboxPublisherOptions {
  outbox: OutboxRepo;
  transport: OutboxTransport;
  clock: Clock;
  logger: Logger;
  /** Retry delays after a failed attempt (config mqtt.retryMs as initialMs; default cap 5 min). */
  backoff?: Partial<BackoffPolicy>;
  /**
   * Re-publish a sent row when the central ack has not come after this many ms (doubling per
   * re-publish, capped by the backoff cap). Absent or 0: the receiver does not ack; PUBACK is final.
   */
  ackTimeoutMs?: number;
  /** Publishes in flight at once (default 64). */
  window?: number;
  /** Rows read per query (default 256). */
  batchSize?: number;
  /** Longest sleep before re-checking the table, ms (default 60000); a safety net, notify() is the trigger. */
  maxIdleMs?: number;
}

export interface OutboxStats {
  /** Not yet acknowledged by the broker. */
  pending: number;
  oldestPendingAgeMs: number | null;
  /** Acknowledged by the broker but not yet by the central receiver (0 when acks are not expected). */
  unacked: number;
  /** Age of the oldest row not yet acknowledged centrally (pending ones included). */
  oldestUnackedAgeMs: number | null;
  /** PUBACKs received since start. */
  sent: number;
  /** Failed publish attempts since start. */
  failures: number;
}

/** A failure of the link rather than of the message: retried as soon as the link is back. */
function isLinkFailure(err: unknown): boolean {
  return isAlprError(err, 'MQTT_NOT_CONNECTED');
}

interface Failure {
  row: OutboxMessage;
  err: Error;
}

/** Commit PUBACKs in batches of this many (or when the window drains). */
const FLUSH_EVERY = 64;

export class OutboxPublisher {
  private readonly o: OutboxPublisherOptions;
  private readonly policy: BackoffPolicy;
  private readonly ack: AckPolicy;
  private readonly window: number;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private wakeRequested = false;
  private readonly progressWaiters = new Set<() => void>();
  private sentCount = 0;
  private failureCount = 0;
  private readonly onConnected = (): void => this.notify();

  // One pass's state: rows in flight, PUBACKs and failures not yet committed.
  private readonly inFlight = new Set<number>();
  private acked: SentMark[] = [];
  private failed: Failure[] = [];
  private slotFreed: (() => void) | null = null;

  constructor(options: OutboxPublisherOptions) {
    this.o = options;
    this.policy = { initialMs: options.backoff?.initialMs ?? 2_000, maxMs: options.backoff?.maxMs ?? 300_000 };
    this.ack = { ackTimeoutMs: options.ackTimeoutMs && options.ackTimeoutMs > 0 ? options.ackTimeoutMs : null, maxAckWaitMs: this.policy.maxMs };
    this.window = Math.max(1, Math.floor(options.window ?? 64));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.o.transport.on('connected', this.onConnected);
    this.loop = this.run();
  }

  /** Stops after the publishes in flight (if any) settle; undelivered rows stay for the next start. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.o.transport.off('connected', this.onConnected);
    this.notify();
    await this.loop;
    this.loop = null;
    this.signalProgress();
  }

  /** A row was committed, an ack arrived, or the link came back: look at the outbox now. */
  notify(): void {
    this.wakeRequested = true;
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Resolves true once nothing is pending (every row has its PUBACK), or false after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    return this.waitFor(() => this.o.outbox.depth() === 0, timeoutMs);
  }

  /** Resolves true once nothing is pending or awaiting the central ack, or false after `timeoutMs`. */
  async drainAcked(timeoutMs: number): Promise<boolean> {
    return this.waitFor(() => {
      const c = this.o.outbox.counts();
      return c.pending === 0 && (this.ack.ackTimeoutMs === null || c.sent === 0);
    }, timeoutMs);
  }

  /** An ack receiver changed rows: wake drainAcked() waiters. */
  acksApplied(): void {
    this.signalProgress();
  }

  private async waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return true;
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const finish = (value: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.progressWaiters.delete(check);
        resolve(value);
      };
      const check = (): void => {
        if (done()) finish(true);
        else if (!this.running) finish(false);
      };
      const timer = setTimeout(() => finish(done()), Math.max(0, timeoutMs));
      this.progressWaiters.add(check);
      check();
    });
  }

  stats(): OutboxStats {
    const now = this.o.clock.now();
    const c = this.o.outbox.counts();
    const age = (t: number | null): number | null => (t === null ? null : Math.max(0, now - t));
    const acksExpected = this.ack.ackTimeoutMs !== null;
    return {
      pending: c.pending,
      oldestPendingAgeMs: age(c.oldestPendingAt),
      unacked: acksExpected ? c.sent : 0,
      oldestUnackedAgeMs: acksExpected ? age(c.oldestUnackedAt) : age(c.oldestPendingAt),
      sent: this.sentCount,
      failures: this.failureCount,
    };
  }

  private signalProgress(): void {
    for (const w of [...this.progressWaiters]) w();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.wakeRequested = false;
      let delayMs: number | null = null;
      try {
        delayMs = await this.publishDue();
      } catch (err) {
        // A database fault: log it and try again later rather than end the loop silently.
        this.o.logger.error({ err: (err as Error).message }, 'outbox: cannot read or update the outbox');
        delayMs = this.policy.initialMs;
      }
      this.signalProgress();
      if (!this.running) break;
      if (this.wakeRequested) continue;
      await this.sleep(delayMs);
    }
  }

  /**
   * One pass over the due rows in seq order, `window` publishes in flight. Returns how long to
   * sleep before the next look: null to wait for a notify (nothing due, or the link is down).
   */
  private async publishDue(): Promise<number | null> {
    const { outbox, transport, clock } = this.o;
    const batch = Math.max(this.window, this.o.batchSize ?? 256);
    let cursor = 0;
    try {
      pass: while (this.running && transport.connected) {
        const rows = outbox.due(clock.now(), batch, cursor);
        if (rows.length === 0) break;
        for (const row of rows) {
          while (this.inFlight.size >= this.window) await this.nextSlot();
          if (this.acked.length >= FLUSH_EVERY || this.failed.length > 0) this.flush();
          if (!this.running || !transport.connected) break pass;
          cursor = row.seq;
          this.publishOne(row);
        }
      }
    } finally {
      while (this.inFlight.size > 0) await this.nextSlot();
      this.flush();
    }
    if (!transport.connected) return null;
    const next = outbox.nextAttemptAt();
    return next === null ? null : Math.max(1, next - clock.now());
  }

  private publishOne(row: OutboxMessage): void {
    this.inFlight.add(row.seq);
    this.o.transport
      .publish(row.topic, row.payload, { qos: row.qos })
      .then(
        () => {
          this.sentCount++;
          this.acked.push({ seq: row.seq, nextAttemptAt: nextAfterPuback(row.sends + 1, this.o.clock.now(), this.ack) });
        },
        (err: unknown) => {
          this.failureCount++;
          this.failed.push({ row, err: err instanceof Error ? err : new Error(String(err)) });
        },
      )
      .finally(() => {
        this.inFlight.delete(row.seq);
        const w = this.slotFreed;
        this.slotFreed = null;
        w?.();
      });
  }

  private nextSlot(): Promise<void> {
    return new Promise<void>((resolve) => {
      const previous = this.slotFreed;
      this.slotFreed = () => {
        previous?.();
        resolve();
      };
    });
  }

  /** Commits the PUBACKs and failures gathered so far: sent marks in one transaction. */
  private flush(): void {
    const { outbox, transport, clock, logger } = this.o;
    const now = clock.now();
    const acked = this.acked;
    const failed = this.failed;
    this.acked = [];
    this.failed = [];
    if (acked.length > 0) {
      outbox.markSentMany(acked, now);
      logger.debug({ count: acked.length, lastSeq: acked[acked.length - 1]?.seq }, 'outbox: sent');
    }
    for (const { row, err } of failed) {
      // Link failures are paced by the reconnect; message failures (and a link failure the
      // transport does not own up to) back off per row, so they can never spin.
      const link = isLinkFailure(err) && !transport.connected;
      const next = nextAfterFailure(row.attempts + 1, now, link, this.policy);
      outbox.markFailed(row.seq, err.message, next);
      logger.warn({ seq: row.seq, messageId: row.messageId, attempts: row.attempts + 1, retryInMs: next - now, err: err.message }, 'outbox: publish failed');
    }
    if (acked.length > 0 || failed.length > 0) this.signalProgress();
  }

  private sleep(delayMs: number | null): Promise<void> {
    return new Promise<void>((resolve) => {
      const ms = Math.min(delayMs ?? Infinity, this.o.maxIdleMs ?? 60_000);
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
