/**
 * A bounded hand-off between a frame source and the (slower) reader. Live cameras use
 * 'drop-oldest': when the reader falls behind, the stale frames go and the newest is read next,
 * so memory never grows and latency stays bounded. Replays that must read every frame use
 * 'block': the producer waits for room (back-pressure reaches ffmpeg through its pipe).
 */
export type QueuePolicy = 'drop-oldest' | 'block';

export class FrameQueue<T> {
  private readonly items: T[] = [];
  private closed = false;
  private takers: Array<(v: IteratorResult<T>) => void> = [];
  private spaceWaiters: Array<() => void> = [];
  private droppedCount = 0;

  constructor(
    private readonly capacity: number,
    private readonly policy: QueuePolicy,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  get depth(): number {
    return this.items.length;
  }

  /** Frames discarded because the consumer was behind. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Adds an item; with 'block' resolves only once there is room. */
  async put(item: T): Promise<void> {
    if (this.closed) return;
    const taker = this.takers.shift();
    if (taker) {
      taker({ value: item, done: false });
      return;
    }
    while (this.policy === 'block' && this.items.length >= this.capacity && !this.closed) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (this.closed) return;
    if (this.items.length >= this.capacity) {
      this.items.shift();
      this.droppedCount++;
    }
    this.items.push(item);
  }

  /** No more items will come; takers drain what is queued, then see the end. */
  close(): void {
    this.closed = true;
    for (const wake of this.spaceWaiters.splice(0)) wake();
    if (this.items.length === 0) for (const t of this.takers.splice(0)) t({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) {
      this.spaceWaiters.shift()?.();
      return Promise.resolve({ value: item, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.takers.push(resolve));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next() };
  }
}
