/**
 * Group commit for crop files. Each crop must be on disk (data and name) before the detection
 * row that names it commits, or a power cut could leave a row pointing at a missing or partial
 * image. Flushing every file on its own (fsync, rename, fsync of the folder) made the flushes the
 * ingest limit; here the crops written at the same time share one commit:
 *
 *   write(): the bytes go to the file at once (no flush), and the call joins the queue; a commit
 *   takes everything queued: fdatasync of each file (all in flight together, so the file system
 *   journals them in few commits), then ONE fsync per folder for all the new names in it; then
 *   every write() of the batch resolves.
 *
 * A new crop is written straight under its final name: until its row commits, no row names it,
 * so a crash mid-write leaves an orphan (removed by the orphan scan after its grace period), never
 * a row pointing at a partial image; a temporary file and a rename per crop (a third of the cost
 * of a crop on ext4) bought nothing. Only a crop that replaces an existing file (a pass revised
 * after an early hit) goes through a temporary file and a rename, as a row already names it.
 *
 * While one commit runs, new writes gather for the next, so batches grow with the load and a
 * lone write waits for no one. A crash before a write() resolved leaves at most a temporary file
 * or a file no row names: the orphan scan removes both.
 */
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AlprError } from '../errors.ts';
import { syncDir, tempNameFor } from './crops.ts';

export interface CropWriterOptions {
  /** Most files in one commit (default 256): bounds how long the first write of a batch waits. */
  maxBatch?: number;
}

interface Queued {
  path: string;
  file: string;
  /** The temporary file renamed over `file` at the commit; null when written under `file` itself. */
  tmp: string | null;
  handle: FileHandle;
  resolve(): void;
  reject(err: Error): void;
}

export class CropWriter {
  private readonly dataDir: string;
  private readonly maxBatch: number;
  private queue: Queued[] = [];
  private committing: Promise<void> | null = null;
  /** Folders known to exist (an hour folder is created once, not per crop). */
  private readonly made = new Set<string>();
  private commitCount = 0;

  constructor(dataDir: string, options: CropWriterOptions = {}) {
    this.dataDir = dataDir;
    this.maxBatch = Math.max(1, Math.floor(options.maxBatch ?? 256));
  }

  /** Stores `bytes` at `path` (relative to the data dir, "/" separated); resolves once file and name are on disk. */
  async write(path: string, bytes: Buffer): Promise<void> {
    const file = join(this.dataDir, ...path.split('/'));
    let tmp: string | null = null;
    let handle: FileHandle;
    try {
      handle = await this.openNew(file);
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw failure(path, err);
      // The crop replaces one a row names already: write aside, rename over it at the commit.
      tmp = tempNameFor(file);
      handle = await this.openNew(tmp).catch((e: unknown) => {
        throw failure(path, e);
      });
    }
    try {
      await handle.writeFile(bytes);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await rm(tmp ?? file, { force: true });
      throw failure(path, err);
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ path, file, tmp, handle, resolve, reject });
      this.committing ??= this.commitAll().finally(() => {
        this.committing = null;
      });
    });
  }

  /** Commits so far (files written ÷ commits = the mean batch). */
  get commits(): number {
    return this.commitCount;
  }

  /** Settles when every write so far has resolved or failed. */
  async flushed(): Promise<void> {
    while (this.committing) await this.committing;
  }

  /** Creates `file` (never opens an existing one: EEXIST). */
  private async openNew(file: string): Promise<FileHandle> {
    const dir = dirname(file);
    if (!this.made.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.made.add(dir);
    }
    try {
      return await open(file, 'wx');
    } catch (err) {
      // Retention may have dropped the folder since (it was an expired hour): make it again.
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
      await mkdir(dir, { recursive: true });
      return open(file, 'wx');
    }
  }

  private async commitAll(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      await this.commit(batch);
    }
  }

  private async commit(batch: Queued[]): Promise<void> {
    this.commitCount++;
    // Each file is closed as soon as its own flush is done (no barrier between the two phases).
    const synced = await Promise.allSettled(
      batch.map(async (q) => {
        try {
          await q.handle.datasync();
        } finally {
          await q.handle.close().catch(() => undefined);
        }
      }),
    );
    const named: Queued[] = [];
    const renames = await Promise.allSettled(
      batch.map(async (q, i) => {
        const s = synced[i] as PromiseSettledResult<void>;
        if (s.status === 'rejected') throw s.reason;
        if (q.tmp !== null) await rename(q.tmp, q.file);
        named.push(q);
      }),
    );
    await Promise.all(
      batch.map(async (q, i) => {
        const r = renames[i] as PromiseSettledResult<void>;
        if (r.status === 'rejected') {
          // A new file no row names yet goes; a replaced one keeps its last durable version.
          await rm(q.tmp ?? q.file, { force: true });
          q.reject(failure(q.path, r.reason));
        }
      }),
    );
    const byDir = new Map<string, Queued[]>();
    for (const q of named) {
      const dir = dirname(q.file);
      const list = byDir.get(dir);
      if (list) list.push(q);
      else byDir.set(dir, [q]);
    }
    await Promise.all(
      [...byDir].map(async ([dir, qs]) => {
        try {
          await syncDir(dir);
        } catch (err) {
          // The names may not survive a power cut: no row may refer to them. The files are
          // orphans the orphan scan removes if they do survive.
          this.made.delete(dir);
          for (const q of qs) q.reject(failure(q.path, err));
          return;
        }
        for (const q of qs) q.resolve();
      }),
    );
  }
}

function failure(path: string, err: unknown): Error {
  return new AlprError('STORE_FAILED', `cannot write crop ${path}: ${(err as Error).message}`, { cause: err });
}
