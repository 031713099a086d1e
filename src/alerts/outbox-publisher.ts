/**
 * Delivers the outbox: publishes due pending messages one at a time, in seq order, and marks
 * each sent only when the broker has acknowledged it. While the transport is down nothing is
 * attempted (messages wait in SQLite, across restarts too); on reconnect it resumes at once. A
 * message the broker refuses, or whose acknowledgement never comes, is retried with capped
 * exponential backoff while later messages go ahead. `notify()` wakes it when a row is committed.
 */
import { isAlprError } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { backoffDelayMs, type BackoffPolicy } from './backoff.ts';
import type { OutboxMessage, OutboxRepo } from './outbox-repo.ts';

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
  /** Rows read per query (default 50). */
  batchSize?: number;
  /** Longest sleep before re-checking the table, ms (default 60000); a safety net, notify() is the trigger. */
  maxIdleMs?: number;
}

export interface OutboxStats {
  pending: number;
  oldestPendingAgeMs: number | null;
  sent: number;
  failures: number;
}

/** A failure of the link rather than of the message: retried as soon as the link is back. */
function isLinkFailure(err: unknown): boolean {
  return isAlprError(err, 'MQTT_NOT_CONNECTED');
}

export class OutboxPublisher {
  private readonly o: OutboxPublisherOptions;
  private readonly policy: BackoffPolicy;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private wakeRequested = false;
  private readonly progressWaiters = new Set<() => void>();
  private sentCount = 0;
  private failureCount = 0;
  private readonly onConnected = (): void => this.notify();

  constructor(options: OutboxPublisherOptions) {
    this.o = options;
    this.policy = { initialMs: options.backoff?.initialMs ?? 2_000, maxMs: options.backoff?.maxMs ?? 300_000 };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.o.transport.on('connected', this.onConnected);
    this.loop = this.run();
  }

  /** Stops after the publish in flight (if any) settles; pending rows stay for the next start. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.o.transport.off('connected', this.onConnected);
    this.notify();
    await this.loop;
    this.loop = null;
    this.signalProgress();
  }

  /** A row was committed (or the link came back): look at the outbox now. */
  notify(): void {
    this.wakeRequested = true;
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Resolves true once nothing is pending, or false after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.o.outbox.depth() === 0) return true;
    return new Promise<boolean>((resolve) => {
      let done = false;
      const finish = (value: boolean): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.progressWaiters.delete(check);
        resolve(value);
      };
      const check = (): void => {
        if (this.o.outbox.depth() === 0) finish(true);
        else if (!this.running) finish(false);
      };
      const timer = setTimeout(() => finish(this.o.outbox.depth() === 0), Math.max(0, timeoutMs));
      this.progressWaiters.add(check);
      check();
    });
  }

  stats(): OutboxStats {
    const now = this.o.clock.now();
    return {
      pending: this.o.outbox.depth(),
      oldestPendingAgeMs: this.o.outbox.oldestPendingAgeMs(now),
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
   * Publishes every due row it can. Returns how long to sleep before the next look: null to
   * wait for a notify (nothing pending, or the link is down).
   */
  private async publishDue(): Promise<number | null> {
    const { outbox, transport, clock } = this.o;
    const batch = this.o.batchSize ?? 50;
    while (this.running) {
      if (!transport.connected) return null;
      const rows = outbox.due(clock.now(), batch);
      if (rows.length === 0) {
        const next = outbox.nextAttemptAt();
        return next === null ? null : Math.max(1, next - clock.now());
      }
      for (const row of rows) {
        if (!this.running || !transport.connected) break;
        const ok = await this.publishOne(row);
        this.signalProgress();
        // A link failure: stop this batch; the next connect wakes the loop.
        if (!ok && !transport.connected) return null;
      }
    }
    return null;
  }

  private async publishOne(row: OutboxMessage): Promise<boolean> {
    const { outbox, transport, clock, logger } = this.o;
    try {
      await transport.publish(row.topic, row.payload, { qos: row.qos });
    } catch (err) {
      this.failureCount++;
      const now = clock.now();
      // Link failures are paced by the reconnect; message failures (and a link failure the
      // transport does not own up to) back off per row, so they can never spin.
      const link = isLinkFailure(err) && !transport.connected;
      const next = link ? now : now + backoffDelayMs(row.attempts + 1, this.policy);
      outbox.markFailed(row.seq, (err as Error).message, next);
      logger.warn(
        { seq: row.seq, messageId: row.messageId, attempts: row.attempts + 1, retryInMs: next - now, err: (err as Error).message },
        'outbox: publish failed',
      );
      return false;
    }
    outbox.markSent(row.seq, clock.now());
    this.sentCount++;
    logger.debug({ seq: row.seq, messageId: row.messageId }, 'outbox: sent');
    return true;
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
