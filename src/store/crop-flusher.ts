/**
 * Flushes the lazily written crops (CropWriter.writeLazy) every `intervalMs`, then records the
 * flush mark (crop-flush-mark.ts). With syncfs the database's WAL goes to disk in the same flush;
 * where the writer flushes file by file, the WAL is flushed here too, so the rows up to the mark
 * survive a power cut along with their crops.
 */
import type { CropWriter } from './crop-writer.ts';
import { writeFlushMark } from './crop-flush-mark.ts';
import { datasyncIfPresent } from './crops.ts';

export interface CropFlusherOptions {
  writer: CropWriter;
  dataDir: string;
  /** The highest detections rowid now (lastDetectionRowid). */
  lastRowid: () => number;
  /** The database's WAL file (flushed when the writer cannot use syncfs). */
  walFile: string;
  intervalMs: number;
  /** The mark the startup check recorded. */
  initialMark: number;
  onError: (err: unknown) => void;
}

export class CropFlusher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private mark: number;
  private flushes = 0;

  constructor(private readonly o: CropFlusherOptions) {
    this.mark = o.initialMark;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.flush().catch((err: unknown) => this.o.onError(err));
    }, this.o.intervalMs);
    this.timer.unref();
  }

  /** Flushes that wrote a mark so far. */
  get count(): number {
    return this.flushes;
  }

  /** Flushes now (joins a flush in progress, then runs another so the caller's writes are covered). */
  async flush(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.flushOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops the timer and flushes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async flushOnce(): Promise<void> {
    // Every row up to `top` named a crop whose write finished before this point.
    const top = this.o.lastRowid();
    const files = await this.o.writer.flushLazy();
    if (files === 0 && top === this.mark) return;
    if ((await this.o.writer.lazyFlushMode()) === 'file') await datasyncIfPresent(this.o.walFile);
    await writeFlushMark(this.o.dataDir, top);
    this.mark = top;
    this.flushes++;
  }
}
