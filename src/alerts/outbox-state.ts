/**
 * When an outbox row is next published (pure): after a failed attempt, and after the broker's
 * PUBACK while the central receiver's ack is awaited. Clock values are passed in.
 *
 *   pending --PUBACK--> sent --ack--> acked
 *   pending --failure--> pending (next attempt after backoff, or at once on reconnect)
 *   sent --ack overdue--> re-published (same id; receivers de-duplicate) --PUBACK--> sent
 *   pending --ack--> acked (the receiver stored a copy whose PUBACK was lost)
 */
import { backoffDelayMs, type BackoffPolicy } from './backoff.ts';

export interface AckPolicy {
  /** Wait this long for the central ack after the first PUBACK, ms; null: acks are not expected. */
  ackTimeoutMs: number | null;
  /** Later waits double, up to this, ms. */
  maxAckWaitMs: number;
}

/** next_attempt_at after a PUBACK that made `sends` PUBACKs in all; null: never re-published. */
export function nextAfterPuback(sends: number, now: number, policy: AckPolicy): number | null {
  if (policy.ackTimeoutMs === null || policy.ackTimeoutMs <= 0) return null;
  return now + backoffDelayMs(sends, { initialMs: policy.ackTimeoutMs, maxMs: Math.max(policy.ackTimeoutMs, policy.maxAckWaitMs) });
}

/**
 * next_attempt_at after a failed publish. A lost link is paced by the reconnect (due at once);
 * a refusal by the broker backs off per row so it can never spin.
 */
export function nextAfterFailure(failures: number, now: number, linkLost: boolean, policy: BackoffPolicy): number {
  return linkLost ? now : now + backoffDelayMs(failures, policy);
}
