/**
 * Writes crop files, in two ways:
 *
 * `write()`, durable before it resolves (group commit): crops whose rows must never commit
 * before the image is on disk (reads that hit: evidence an officer acts on). The bytes go to the
 * file at once, the call joins the queue, and a commit takes everything queued: fdatasync of each
 * file (all in flight together, so the file system journals them in few commits), then ONE fsync
 * per folder for all the new names in it; then every write() of the batch resolves. While one
 * commit runs, new writes gather for the next, so batches grow with the load.
 *
 * `writeLazy()`, durable at the next `flushLazy()`: crops of ordinary reads, whose rows are no
 * more durable than that either (the WAL with synchronous=NORMAL does not flush at commit). One
 * durable file per crop capped ingest near the disk's ~2,500 flushed creates/s; flushLazy() makes
 * every lazy crop so far durable at once: ONE syncfs of the file system (fs-sync.ts), or where
 * that is unavailable, fdatasync of each file and one fsync per folder. After a power cut the
 * rows written since the last flush are checked against their files (crop-flush-mark.ts).
 *
 * A new crop is written straight under its final name: until its row commits, no row names it,
 * so a crash mid-write leaves an orphan (removed by the orphan scan after its grace period), never
 * a row pointing at a partial image; a temporary file and a rename per crop (a third of the cost
 * of a crop on ext4) bought nothing. Only a crop that replaces an existing file (a pass revised
 * after an early hit) goes through a temporary file and a rename, as a row already names it; such
 * a crop is always written durably.
 */
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AlprError } from '../errors.ts';
import { datasyncIfPresent, syncDir, tempNameFor } from './crops.ts';
import { FilesystemSync } from './fs-sync.ts';

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
  /** Files written by writeLazy() and not flushed yet. */
  private lazy: string[] = [];
  /** The syncfs helper for flushLazy(): started at the first flush; null where it cannot run. */
  private fsSync: Promise<FilesystemSync | null> | null = null;
  private closed = false;

  constructor(dataDir: string, options: CropWriterOptions = {}) {
    this.dataDir = dataDir;
    this.maxBatch = Math.max(1, Math.floor(options.maxBatch ?? 256));
  }

  /**
   * Stores `bytes` at `path` without waiting for the disk; durable once a later flushLazy() has
   * resolved. A crop replacing an existing file is written durably (write()) instead.
   */
  async writeLazy(path: string, bytes: Buffer): Promise<void> {
    const file = join(this.dataDir, ...path.split('/'));
    let handle: FileHandle;
    try {
      handle = await this.openNew(file);
    } catch (err) {
      if ((err as { code?: string }).code === 'EEXIST') return this.write(path, bytes);
      throw failure(path, err);
    }
    try {
      await handle.writeFile(bytes);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await rm(file, { force: true });
      throw failure(path, err);
    }
    await handle.close().catch(() => undefined);
    this.lazy.push(file);
  }

  /** Lazy crops written and not yet flushed. */
  get unflushed(): number {
    return this.lazy.length;
  }

  /** How flushLazy() flushes: one syncfs ('filesystem') or each file ('file'). */
  async lazyFlushMode(): Promise<'filesystem' | 'file'> {
    return (await this.syncer()) ? 'filesystem' : 'file';
  }

  /**
   * Makes every writeLazy() that resolved before this call durable (data and name); resolves to
   * how many files that was. On failure the files stay queued for the next flush.
   */
  async flushLazy(): Promise<number> {
    const files = this.lazy.splice(0);
    if (files.length === 0) return 0;
    try {
      const syncer = await this.syncer();
      if (syncer) {
        try {
          await syncer.sync();
          return files.length;
        } catch {
          // The helper died: flush file by file from now on.
          syncer.close();
          this.fsSync = Promise.resolve(null);
        }
      }
      await flushEach(files);
      return files.length;
    } catch (err) {
      this.lazy.unshift(...files);
      throw err;
    }
  }

  /** Waits for durable writes in progress, then stops the flush helper (lazy crops left are not flushed). */
  async close(): Promise<void> {
    await this.flushed();
    this.closed = true;
    const s = await this.fsSync;
    this.fsSync = Promise.resolve(null);
    s?.close();
  }

  private syncer(): Promise<FilesystemSync | null> {
    if (this.closed) return Promise.resolve(null);
    this.fsSync ??= mkdir(this.dataDir, { recursive: true }).then(
      () => FilesystemSync.start(this.dataDir),
      () => null,
    );
    return this.fsSync;
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

/** fdatasync of each file (one gone since, e.g. purged, is skipped), then one fsync per folder. */
async function flushEach(files: string[]): Promise<void> {
  const dirs = new Set<string>();
  for (let i = 0; i < files.length; i += 64) {
    await Promise.all(
      files.slice(i, i + 64).map(async (file) => {
        if (await datasyncIfPresent(file)) dirs.add(dirname(file));
      }),
    );
  }
  await Promise.all([...dirs].map((d) => syncDir(d)));
}

function failure(path: string, err: unknown): Error {
  return new AlprError('STORE_FAILED', `cannot write crop ${path}: ${(err as Error).message}`, { cause: err });
}
