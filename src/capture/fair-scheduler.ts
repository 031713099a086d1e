/**
 * Several cameras share one inference pool. Without a turn order the busiest camera (30 fps,
 * always a frame ready) would take every free slot and starve a quiet one; with round-robin
 * each camera that has a frame waiting is served once before any camera is served twice.
 *
 * `nextInTurn` is the policy (pure); `FairGate` is the small async gate around it: a camera's
 * pipeline awaits `acquire(cameraId)` before handing a frame to the reader and calls the
 * returned release when the read is done (or uses `run`).
 */

/**
 * Pure: the camera to serve next. Walks `order` cyclically starting after `last` (from the
 * start when `last` is undefined or unknown) and returns the first camera that `isWaiting`.
 */
export function nextInTurn<K>(order: readonly K[], last: K | undefined, isWaiting: (camera: K) => boolean): K | undefined {
  const n = order.length;
  const start = last === undefined ? 0 : order.indexOf(last) + 1; // indexOf -1 → 0
  for (let i = 0; i < n; i++) {
    const camera = order[(start + i) % n]!;
    if (isWaiting(camera)) return camera;
  }
  return undefined;
}

export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export interface GateStats<K> {
  slots: number;
  inUse: number;
  waiting: number;
  /** Slots granted per camera since the gate was made. */
  granted: Map<K, number>;
}

export class FairGate<K = string> {
  private readonly order: K[] = [];
  private readonly queues = new Map<K, Waiter[]>();
  private readonly granted = new Map<K, number>();
  private inUse = 0;
  private last: K | undefined;

  /** `slots`: how many reads may run at once (the pool size). `order`: cameras known up front. */
  constructor(
    private readonly slots: number,
    order: readonly K[] = [],
  ) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError('slots must be a positive integer');
    for (const k of order) this.register(k);
  }

  /**
   * Resolves with a release function once `camera` may use a slot. Rejects with the signal's
   * reason if `signal` aborts first. Calling release more than once is harmless.
   */
  acquire(camera: K, signal?: AbortSignal): Promise<Release> {
    this.register(camera);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.inUse < this.slots && this.waitingCount() === 0) return Promise.resolve(this.grant(camera));
    return new Promise<Release>((resolve, reject) => {
      const queue = this.queues.get(camera)!;
      const waiter: Waiter = {
        grant: resolve,
        signal,
        onAbort: () => {
          const i = queue.indexOf(waiter);
          if (i >= 0) queue.splice(i, 1);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      queue.push(waiter);
    });
  }

  /** Runs `fn` holding a slot for `camera`. */
  async run<T>(camera: K, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(camera, signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  stats(): GateStats<K> {
    return { slots: this.slots, inUse: this.inUse, waiting: this.waitingCount(), granted: new Map(this.granted) };
  }

  private register(camera: K): void {
    if (this.queues.has(camera)) return;
    this.order.push(camera);
    this.queues.set(camera, []);
    this.granted.set(camera, 0);
  }

  private waitingCount(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  private grant(camera: K): Release {
    this.inUse++;
    this.last = camera;
    this.granted.set(camera, (this.granted.get(camera) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse--;
      this.dispatch();
    };
  }

  /** Hands free slots to waiting cameras in turn. */
  private dispatch(): void {
    while (this.inUse < this.slots) {
      const camera = nextInTurn(this.order, this.last, (k) => (this.queues.get(k)?.length ?? 0) > 0);
      if (camera === undefined) return;
      const waiter = this.queues.get(camera)!.shift()!;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.grant(this.grant(camera));
    }
  }
}
