/** Retry delays for outbox messages (pure). */

export interface BackoffPolicy {
  /** Delay after the first failure, in ms. */
  initialMs: number;
  /** The delay never grows past this, in ms. */
  maxMs: number;
}

/** Delay before the next attempt after `failures` consecutive failures (1 = the first): doubles, capped. */
export function backoffDelayMs(failures: number, policy: BackoffPolicy): number {
  const n = Math.max(1, Math.floor(failures));
  const initial = Math.max(0, policy.initialMs);
  const max = Math.max(initial, policy.maxMs);
  // 2^30 already exceeds any sane cap; clamping the exponent avoids Infinity.
  return Math.min(max, initial * 2 ** Math.min(n - 1, 30));
}
