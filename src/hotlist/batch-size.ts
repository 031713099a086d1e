/**
 * Sizes the steps of long hot-list work on the event loop (staging a million rows, deleting the
 * replaced ones, rebuilding the match index) by time rather than by count (pure arithmetic, the
 * caller measures). A fixed count of rows is 10 ms on a quiet appliance and 200 ms when the CPU is
 * contended; sizing each step from the time the last one took keeps every step near the budget
 * either way, so the capture and MQTT work queued behind it waits about one budget at most.
 */
export interface BatchSizeOptions {
  /** Wanted duration of one step, ms. */
  budgetMs: number;
  /** Largest step, items. */
  max: number;
  /** Smallest step, items (progress is guaranteed even when one item exceeds the budget). */
  min?: number;
  /** First step, items (default the minimum: nothing is known of the cost per item yet, so the
   * sizing starts small and doubles; starting at the maximum cost a 100 ms first delete). */
  first?: number;
}

export class BatchSize {
  private size: number;
  private readonly o: Required<BatchSizeOptions>;

  constructor(options: BatchSizeOptions) {
    const max = Math.max(1, Math.floor(options.max));
    const min = Math.max(1, Math.min(max, Math.floor(options.min ?? 50)));
    this.o = { budgetMs: options.budgetMs, max, min, first: min };
    this.size = Math.max(min, Math.min(max, Math.floor(options.first ?? min)));
  }

  /** Items to do in the next step. */
  get next(): number {
    return this.size;
  }

  /** Records that `items` took `elapsedMs`; the next step is sized to take about the budget. */
  record(items: number, elapsedMs: number): void {
    if (items <= 0) return;
    const perItem = Math.max(elapsedMs, 0.01) / items;
    // Grow by at most 2x a step (one quick step on an idle moment is not a trend); shrink at once.
    const wanted = Math.floor(this.o.budgetMs / perItem);
    this.size = Math.max(this.o.min, Math.min(this.o.max, wanted, this.size * 2));
  }
}
