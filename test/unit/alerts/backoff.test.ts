import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../../src/alerts/backoff.ts';

describe('backoffDelayMs', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const policy = { initialMs: 1_000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, policy))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(backoffDelayMs(10_000, policy)).toBe(10_000);
    expect(backoffDelayMs(0, policy)).toBe(1_000);
  });
});
