/**
 * Receives the central receiver's acks on `<prefix>/<agency>/<device>/ack` and marks those hits
 * acked in the outbox, so they are never published again. A malformed ack is logged with the
 * reason and otherwise ignored; ids the outbox does not hold (acked before, purged) are ignored.
 */
import { ackMessageSchema } from '../mqtt/contract/ack.ts';
import { decodeMessage } from '../mqtt/contract/decode.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { OutboxRepo } from './outbox-repo.ts';

/** What the receiver needs from the MQTT transport (MqttTransport.subscribe). */
export interface AckSubscriber {
  subscribe(topic: string, qos: 0 | 1 | 2, handler: (payload: Buffer, topic: string) => void): () => void;
}

export interface AckReceiverOptions {
  transport: AckSubscriber;
  /** ackTopic(prefix, agency, device) from src/mqtt/topics.ts. */
  topic: string;
  outbox: OutboxRepo;
  clock: Clock;
  logger: Logger;
  /** Called after an ack changed rows (wire it to OutboxPublisher.acksApplied). */
  onAcked?: (count: number) => void;
}

export interface AckStats {
  received: number;
  malformed: number;
  /** Outbox rows that became acked. */
  applied: number;
}

export class AckReceiver {
  private unsubscribe: (() => void) | null = null;
  private readonly counters: AckStats = { received: 0, malformed: 0, applied: 0 };

  constructor(private readonly o: AckReceiverOptions) {}

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.o.transport.subscribe(this.o.topic, 1, (payload) => this.received(payload));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  stats(): AckStats {
    return { ...this.counters };
  }

  /** Handles one ack payload (public for tests that have no broker). */
  received(payload: Buffer): void {
    this.counters.received++;
    const decoded = decodeMessage(ackMessageSchema, payload);
    if (!decoded.ok) {
      this.counters.malformed++;
      this.o.logger.warn({ topic: this.o.topic, bytes: payload.length, err: decoded.error }, 'mqtt: malformed ack ignored');
      return;
    }
    const ack = decoded.value;
    let changed: number;
    try {
      changed = this.o.outbox.markAcked(ack.ids, this.o.clock.now());
    } catch (err) {
      // The store failed (disk full, closed during stop): the receiver acks again after its timeout.
      this.o.logger.error({ err: (err as Error).message, ids: ack.ids.length }, 'outbox: cannot record an ack');
      return;
    }
    this.counters.applied += changed;
    this.o.logger.debug({ receiver: ack.receiver, ids: ack.ids.length, applied: changed }, 'outbox: ack received');
    if (changed > 0) this.o.onAcked?.(changed);
  }
}
