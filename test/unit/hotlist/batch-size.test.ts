import { describe, expect, it } from 'vitest';
import { BatchSize } from '../../../src/hotlist/batch-size.ts';

describe('batch size', () => {
  it('starts small, shrinks at once to fit the budget, grows at most 2x a step', () => {
    expect(new BatchSize({ budgetMs: 10, max: 5_000, min: 50 }).next).toBe(50);
    const slow = new BatchSize({ budgetMs: 10, max: 5_000, min: 50 });
    slow.record(50, 40); // 0.8 ms a row: stays at the minimum
    expect(slow.next).toBe(50);
    const b = new BatchSize({ budgetMs: 10, max: 5_000, min: 50, first: 5_000 });
    expect(b.next).toBe(5_000);
    b.record(5_000, 100); // 0.02 ms a row: 500 fit in 10 ms
    expect(b.next).toBe(500);
    b.record(500, 1); // suddenly fast: double, not 5000
    expect(b.next).toBe(1_000);
    b.record(1_000, 2);
    expect(b.next).toBe(2_000);
    b.record(2_000, 4);
    expect(b.next).toBe(4_000);
    b.record(4_000, 8);
    expect(b.next).toBe(5_000); // never above the maximum
  });

  it('never goes below the minimum, and ignores empty steps', () => {
    const b = new BatchSize({ budgetMs: 5, max: 1_000, min: 20 });
    b.record(1_000, 10_000);
    expect(b.next).toBe(20);
    b.record(0, 0);
    expect(b.next).toBe(20);
    expect(new BatchSize({ budgetMs: 5, max: 2 }).next).toBe(2); // a maximum below the default minimum
  });
});
