/**
 * Group commit inside a receiver: hits handed in while a commit is running wait and go
 * together in the next one, so N lanes cost about one durable commit per round instead of N.
 * Each caller's promise settles with its own hit's outcome once its batch has committed. When a
 * batch fails, its hits are tried once more one by one, so one hit the store refuses does not
 * fail the others with it; a hit that still fails rejects (the caller retries). One commit runs
 * at a time.
 */
import type { CentralHit } from './hit-intake.ts';
import type { CentralStore } from './store.ts';

interface Waiting {
  hit: CentralHit;
  resolve(isNew: boolean): void;
  reject(err: Error): void;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

export class CommitQueue {
  private queue: Waiting[] = [];
  private running = false;
  private batchCount = 0;

  constructor(
    private readonly store: Pick<CentralStore, 'insertMany'>,
    /** Most hits per commit. */
    private readonly maxBatch = 256,
  ) {}

  /** Commits the hit with whatever else is waiting; resolves whether it was new. */
  add(hit: CentralHit): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ hit, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Commits made so far (the bench's and tests' view of the grouping). */
  get commits(): number {
    return this.batchCount;
  }

  private async oneByOne(batch: Waiting[]): Promise<void> {
    for (const w of batch) {
      this.batchCount++;
      try {
        w.resolve((await this.store.insertMany([w.hit]))[0] === true);
      } catch (err) {
        w.reject(asError(err));
      }
    }
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        this.batchCount++;
        let results: boolean[];
        try {
          results = await this.store.insertMany(batch.map((w) => w.hit));
        } catch (err) {
          if (batch.length === 1) (batch[0] as Waiting).reject(asError(err));
          else await this.oneByOne(batch);
          continue;
        }
        batch.forEach((w, i) => w.resolve(results[i] === true));
      }
    } finally {
      this.running = false;
    }
  }
}
