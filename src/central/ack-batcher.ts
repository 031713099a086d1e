/**
 * Gathers the ids of stored hits per device and publishes them as few ack messages as it can:
 * a device's first id opens a window of `windowMs`; when it closes (or `maxIds` ids are
 * waiting) one ack carrying them all goes out. Only ids already committed are ever added, so an
 * ack never promises more than the store holds. The same id may be acked twice (a redelivered
 * hit is acked again: the first ack may have been lost); the device ignores ids it no longer waits for.
 */
import { CONTRACT_VERSION } from '../mqtt/contract/common.ts';
import { MAX_ACK_IDS, type AckMessage } from '../mqtt/contract/ack.ts';
import type { Clock } from '../platform/clock.ts';

export interface AckBatcherOptions {
  windowMs: number;
  /** At most MAX_ACK_IDS (the contract's limit). */
  maxIds: number;
  receiver: string;
  clock: Clock;
  /** Sends one ack; its failure is the sender's to log (the device re-sends unacked hits). */
  publish(topic: string, message: AckMessage): void;
}

interface Pending {
  ids: string[];
  timer: NodeJS.Timeout | null;
}

/** The ack for `ids` at `now` (pure). */
export function buildAck(ids: string[], receiver: string, now: number): AckMessage {
  return { v: CONTRACT_VERSION, ids, receiver, at: new Date(now).toISOString() };
}

export class AckBatcher {
  private readonly pending = new Map<string, Pending>();
  private readonly maxIds: number;

  constructor(private readonly o: AckBatcherOptions) {
    this.maxIds = Math.max(1, Math.min(o.maxIds, MAX_ACK_IDS));
  }

  /** A hit for the device whose ack topic is `topic` was committed. */
  add(topic: string, id: string): void {
    let p = this.pending.get(topic);
    if (!p) {
      p = { ids: [], timer: null };
      this.pending.set(topic, p);
    }
    p.ids.push(id);
    if (p.ids.length >= this.maxIds || this.o.windowMs === 0) {
      this.flush(topic);
      return;
    }
    if (p.timer === null) p.timer = setTimeout(() => this.flush(topic), this.o.windowMs);
  }

  /** Ids waiting for their window to close, all devices. */
  get waiting(): number {
    let n = 0;
    for (const p of this.pending.values()) n += p.ids.length;
    return n;
  }

  /** Sends every waiting ack now (on stop). */
  flushAll(): void {
    for (const topic of [...this.pending.keys()]) this.flush(topic);
  }

  private flush(topic: string): void {
    const p = this.pending.get(topic);
    if (!p) return;
    this.pending.delete(topic);
    if (p.timer !== null) clearTimeout(p.timer);
    if (p.ids.length > 0) this.o.publish(topic, buildAck(p.ids, this.o.receiver, this.o.clock.now()));
  }
}
