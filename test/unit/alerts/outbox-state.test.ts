import { describe, expect, it } from 'vitest';
import { nextAfterFailure, nextAfterPuback } from '../../../src/alerts/outbox-state.ts';

describe('outbox state rules', () => {
  it('waits ackTimeoutMs for the central ack after the first PUBACK, doubling per re-publish up to the cap', () => {
    const policy = { ackTimeoutMs: 10_000, maxAckWaitMs: 35_000 };
    expect([1, 2, 3, 4, 9].map((sends) => nextAfterPuback(sends, 1_000, policy))).toEqual([11_000, 21_000, 36_000, 36_000, 36_000]);
  });

  it('never re-publishes when no ack is expected', () => {
    expect(nextAfterPuback(1, 1_000, { ackTimeoutMs: null, maxAckWaitMs: 1 })).toBeNull();
    expect(nextAfterPuback(1, 1_000, { ackTimeoutMs: 0, maxAckWaitMs: 1 })).toBeNull();
  });

  it('retries at once after a lost link, with backoff after a refusal', () => {
    const policy = { initialMs: 1_000, maxMs: 4_000 };
    expect(nextAfterFailure(3, 500, true, policy)).toBe(500);
    expect([1, 2, 3, 4].map((n) => nextAfterFailure(n, 500, false, policy))).toEqual([1_500, 2_500, 4_500, 4_500]);
  });
});
