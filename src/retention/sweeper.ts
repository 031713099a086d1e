/**
 * The retention sweeper: every `sweepIntervalMs` it deletes expired, unheld reads (rows, hits,
 * their outbox rows, crop images) in chunks, then checks free disk space and, under the floor,
 * deletes the oldest unheld reads until floor + headroom is free. Decisions are the pure functions
 * of policy.ts; SQL is in purge-store.ts; files in files.ts.
 *
 * Crash safety: a chunk's rows are deleted and its crop paths queued in pending_file_deletions
 * in ONE transaction; the files are unlinked after the commit and then cleared from the queue.
 * A crash in between leaves queued paths, never a row pointing at a missing image; start()
 * finishes the queue before anything else. The orphan scan removes crop files with no row (a
 * crash between the crop write and the row's commit) and temporary files of interrupted writes.
 *
 * Wholly expired hour folders of crops are not unlinked file by file: the chunks queue the
 * folder, and once the purge has deleted its reads the folder is moved to the trash whole (held
 * crops moved out first) and the trash is emptied in chunks after (crop-dirs.ts). start()
 * finishes queued folders; every sweep empties what is in the trash.
 *
 * It never throws out of its timer: every failure (ENOSPC / SQLITE_FULL included) is reported
 * through `onStatus` and the next sweep tries again. Held evidence is never deleted (the policy
 * skips it, and a trigger refuses the delete).
 */
import { performance } from 'node:perf_hooks';
import { dropQueuedDirs, emptyTrash, type CropDirContext, type DropResult, type TrashResult } from './crop-dirs.ts';
import { errorCode, freeBytes, meanCropBytes, nodeRetentionFs, scanOrphans, unlinkCrops, type OrphanScanResult, type RetentionFs } from './files.ts';
import {
  DAY_MS,
  deletionFreesSpace,
  diskPressureDeletions,
  expiryCutoff,
  MASS_PURGE_MAX_REMAINING,
  MASS_PURGE_MIN_EXPIRED,
  retentionPolicy,
  useIndexRebuild,
  type RetentionPolicy,
} from './policy.ts';
import { PurgeStore, type ChunkSelector, type RetentionReason, type RunStart } from './purge-store.ts';
import {
  nodeTimer,
  type DryRunResult,
  type PurgeCounts,
  type RecoveryResult,
  type RetentionLastSweep,
  type RetentionOperation,
  type RetentionStatus,
  type RetentionSweeperOptions,
  type RetentionTimer,
  type SweepResult,
} from './types.ts';

export * from './types.ts';

/** Assumed bytes per read when no crop could be measured. */
const INITIAL_BYTES_PER_READ = 16 * 1024;
/** WAL checkpoint interval (pages) during an age purge. */
const PURGE_CHECKPOINT_PAGES = 10_000;
/** Pause after a chunk, as a fraction of the time the chunk's transaction blocked the event loop. */
const PIPELINE_SHARE = 0.5;
/** Crop files sampled to estimate what one read frees. */
const SIZE_SAMPLE = 32;

const emptyCounts = (): PurgeCounts => ({ rowsDeleted: 0, hitsDeleted: 0, outboxDeleted: 0, imagesDeleted: 0, imagesFailed: 0 });
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** A real (not injected) pause: it only spaces chunks, it schedules nothing. */
const pause = (ms: number): Promise<void> => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : yieldToLoop());

export class RetentionSweeper {
  private readonly o: RetentionSweeperOptions;
  private readonly policy: RetentionPolicy;
  private readonly fs: RetentionFs;
  private readonly timer: RetentionTimer;
  private store: PurgeStore | null = null;
  private handle: unknown = null;
  private stopping = false;
  private chain: Promise<unknown> = Promise.resolve();
  private nextOrphanScanAt = 0;
  private bytesPerRead = INITIAL_BYTES_PER_READ;
  private diskState: 'ok' | 'pressure' | 'unresolved' = 'ok';
  private last: RetentionLastSweep | null = null;

  constructor(options: RetentionSweeperOptions) {
    this.o = options;
    this.policy = retentionPolicy(options.config);
    this.fs = options.fs ?? nodeRetentionFs;
    this.timer = options.timer ?? nodeTimer;
  }

  private get purge(): PurgeStore {
    this.store ??= new PurgeStore(this.o.db);
    return this.store;
  }

  /** Finishes what a crash left (open runs, queued files), then sweeps now and every interval. */
  async start(): Promise<void> {
    this.stopping = false;
    await this.exclusive(() => this.recoverNow()).catch((err: unknown) => this.report('recovery', err));
    this.nextOrphanScanAt = this.o.clock.now();
    this.schedule(0);
  }

  /** Cancels the timer and waits for a running sweep to stop after its current chunk. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.handle !== null) this.timer.clearTimeout(this.handle);
    this.handle = null;
    await this.chain.catch(() => undefined);
  }

  /** Settles when no sweep, scan or recovery is running or queued (tests, orderly shutdown). */
  async whenIdle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.chain;
      await seen.catch(() => undefined);
    } while (seen !== this.chain);
  }

  /** Seals log rows of interrupted runs and unlinks every file queued for deletion. */
  recover(): Promise<RecoveryResult> {
    return this.exclusive(() => this.recoverNow());
  }

  /** One sweep: queued files, expired reads, then disk pressure. Throws on failure (the timer reports instead). */
  sweepOnce(): Promise<SweepResult> {
    return this.exclusive(() => this.sweepNow());
  }

  /** The outcome of the last sweep that completed (null before the first): for status reports. */
  lastSweep(): RetentionLastSweep | null {
    return this.last === null ? null : { ...this.last };
  }

  /** What a sweep would delete now, deleting nothing. */
  dryRun(): Promise<DryRunResult> {
    return this.exclusive(async () => {
      const cutoff = expiryCutoff(this.o.clock.now(), this.policy);
      const expired = this.purge.countExpired(cutoff);
      const free = await this.readFreeBytes();
      const diskPressureReads =
        free === null ? 0 : diskPressureDeletions({ freeBytes: free, bytesPerRead: this.bytesPerRead, unheldReads: this.purge.countUnheld(), purging: false }, this.policy);
      return {
        cutoff,
        expiredReads: expired.reads,
        expiredImages: expired.images,
        heldSkipped: this.purge.countHeldExpired(cutoff),
        freeBytes: free,
        diskPressureReads,
      };
    });
  }

  /** Removes crop files without a row, and temporary files, older than the grace period. */
  scanOrphans(): Promise<OrphanScanResult> {
    return this.exclusive(() => this.scanOrphansNow());
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.catch(() => undefined).then(fn);
    this.chain = run;
    return run;
  }

  private schedule(ms: number): void {
    if (this.stopping) return;
    this.handle = this.timer.setTimeout(() => {
      this.handle = null;
      void this.exclusive(() => this.tick());
    }, ms);
  }

  private async tick(): Promise<void> {
    try {
      const { orphanScanIntervalMs } = this.o.config;
      if (this.o.clock.now() >= this.nextOrphanScanAt && !this.stopping) {
        // One scan at start-up; then every interval (0: never again).
        this.nextOrphanScanAt = orphanScanIntervalMs > 0 ? this.o.clock.now() + orphanScanIntervalMs : Number.POSITIVE_INFINITY;
        await this.scanOrphansNow().catch((err: unknown) => this.report('orphan-scan', err));
      }
      if (!this.stopping) await this.sweepNow().catch((err: unknown) => this.report('sweep', err));
    } finally {
      this.schedule(this.o.config.sweepIntervalMs);
    }
  }

  private async recoverNow(): Promise<RecoveryResult> {
    const now = this.o.clock.now();
    const restored = this.purge.restoreIndexes(); // set aside by a mass purge that did not finish
    if (restored.length > 0) this.o.logger?.info({ restored }, 'indexes set aside by an interrupted purge rebuilt');
    const runsSealed = this.purge.sealInterrupted(now);
    const result: RecoveryResult = { runsSealed, imagesDeleted: 0, imagesFailed: 0 };
    if (this.purge.pendingCount() === 0) return result;
    const runId = this.purge.startRun({ reason: 'recovery', startedAt: now, cutoff: null, freeBytes: null });
    const counts = await this.drainPending(runId);
    // Queued hour folders go to the trash now; the trash (maybe millions of files) is emptied by
    // the sweeps, in the background, not here: start-up must not wait for it.
    const dirs = await this.dropDirs();
    counts.imagesFailed += dirs.failed.length;
    result.imagesDeleted = counts.imagesDeleted;
    result.imagesFailed = counts.imagesFailed;
    this.purge.finishRun(runId, this.o.clock.now(), 0, counts.imagesFailed > 0 ? `${counts.imagesFailed} file(s) could not be unlinked` : null);
    this.emitPurged('recovery', runId, now, { ...emptyCounts(), ...counts });
    return result;
  }

  /** Unlinks queued files until the queue is empty or only failures remain. */
  private async drainPending(runId: number | null): Promise<{ imagesDeleted: number; imagesFailed: number }> {
    let imagesDeleted = 0;
    let imagesFailed = 0;
    const failed = new Set<string>();
    const batch = this.o.config.chunkSize;
    for (;;) {
      const pending = this.purge.pending(batch + failed.size).filter((p) => !failed.has(p.path));
      if (pending.length === 0) break;
      const r = await unlinkCrops(this.fs, this.o.dataDir, pending.map((p) => p.path), this.o.unlinkConcurrency);
      this.purge.clearPending(r.cleared, runId, r.unlinked);
      imagesDeleted += r.unlinked;
      imagesFailed += r.failed.length;
      for (const f of r.failed) failed.add(f.path);
      if (r.failed.length > 0) this.report('unlink', Object.assign(new Error(r.failed[0]?.message), { code: r.failed[0]?.code }));
      await yieldToLoop();
    }
    return { imagesDeleted, imagesFailed };
  }

  private async sweepNow(): Promise<SweepResult> {
    const startedAt = this.o.clock.now();
    await this.drainPending(null);
    const cutoff = expiryCutoff(startedAt, this.policy);
    const around = this.purge.countAroundCutoff(cutoff, { expired: MASS_PURGE_MIN_EXPIRED, remaining: MASS_PURGE_MAX_REMAINING + 1 });
    const rebuild = useIndexRebuild({ expiredRows: around.expired, remainingRows: around.remaining });
    const age = await this.withFewerCheckpoints(async () => {
      if (rebuild) {
        const aside = this.purge.setIndexesAside();
        this.o.logger?.info({ aside }, 'mass purge: secondary indexes set aside');
      }
      try {
        return await this.purgeLoop({ kind: 'expired', cutoff }, { reason: 'age', startedAt, cutoff, freeBytes: null }, () => true);
      } finally {
        if (rebuild) this.purge.restoreIndexes();
      }
    });
    if (age.counts.rowsDeleted >= this.o.config.chunkSize) this.checkpointWal(); // give the grown WAL file back
    // Expired hour folders leave crops/ now; their files go with the trash just after.
    const dirs = this.stopping ? null : await this.dropDirs();
    const expiredAt = this.o.clock.now();
    let runId = age.runId;
    const trash = await this.emptyTrash(() => {
      runId ??= this.purge.startRun({ reason: 'age', startedAt, cutoff, freeBytes: null });
      return runId;
    });
    age.counts.imagesDeleted += trash.filesDeleted;
    age.counts.imagesFailed += trash.failed.length + (dirs?.failed.length ?? 0);
    const heldSkipped = this.purge.countHeldExpired(cutoff);
    if (runId !== null) this.finish(runId, heldSkipped, age.stopped || this.stopping);
    const result: SweepResult = {
      cutoff,
      age: { ...age.counts, runId, heldSkipped, dirsDropped: dirs?.dirsDropped ?? 0, heldRelocated: dirs?.heldRelocated ?? 0, expiredAt },
      diskPressure: null,
      freeBytes: await this.readFreeBytes(),
      stopped: age.stopped || this.stopping,
    };
    if (runId !== null) this.emitPurged('age', runId, startedAt, age.counts);
    if (result.freeBytes !== null && !this.stopping) await this.relieveDiskPressure(result, result.freeBytes);
    const dp = result.diskPressure;
    this.last = {
      at: this.o.clock.now(),
      rowsDeleted: result.age.rowsDeleted + (dp?.rowsDeleted ?? 0),
      imagesDeleted: result.age.imagesDeleted + (dp?.imagesDeleted ?? 0),
      freeBytes: result.freeBytes,
      diskPressure: this.diskState !== 'ok' || (result.freeBytes !== null && result.freeBytes < this.policy.diskFloorBytes),
    };
    return result;
  }

  private cropDirContext(): CropDirContext {
    return {
      fs: this.fs,
      dataDir: this.o.dataDir,
      store: this.purge,
      concurrency: this.o.unlinkConcurrency ?? 8,
      chunk: this.o.config.chunkSize,
      yieldToLoop,
      stopping: () => this.stopping,
    };
  }

  /** Drops the queued hour folders no unheld read refers to; reports what failed. */
  private async dropDirs(): Promise<DropResult> {
    const r = await dropQueuedDirs(this.cropDirContext());
    if (r.failed.length > 0) this.report('unlink', Object.assign(new Error(r.failed[0]?.message), { code: r.failed[0]?.code }));
    if (r.dirsDropped > 0) this.o.logger?.info({ dirsDropped: r.dirsDropped, heldRelocated: r.heldRelocated, dirsBusy: r.dirsBusy }, 'expired crop folders dropped');
    return r;
  }

  /** Empties the trash, counting deleted files in the run `runFor()` gives (created on first use). */
  private async emptyTrash(runFor: () => number): Promise<TrashResult> {
    const r = await emptyTrash(this.cropDirContext(), (n) => this.purge.clearPending([], runFor(), n));
    if (r.failed.length > 0) this.report('unlink', Object.assign(new Error(r.failed[0]?.message), { code: r.failed[0]?.code }));
    return r;
  }

  /** Deletes chunks while `more()` agrees and the selector finds reads; unlinks each chunk's files. */
  private async purgeLoop(
    selector: ChunkSelector,
    run: RunStart,
    more: (chunk: { rows: number; imagesDeleted: number }) => boolean | Promise<boolean>,
    chunkLimit: () => number = () => this.o.config.chunkSize,
  ): Promise<{ runId: number | null; counts: PurgeCounts; stopped: boolean }> {
    const counts = emptyCounts();
    let runId: number | null = null;
    let stopped = false;
    for (;;) {
      if (this.stopping) {
        stopped = true;
        break;
      }
      const limit = chunkLimit();
      if (limit <= 0) break;
      const began = performance.now();
      const chunk = this.purge.purgeChunk(selector, limit, runId, run, this.o.clock.now());
      const blockedMs = performance.now() - began; // the event loop was blocked this long
      runId = chunk.runId;
      if (chunk.rows === 0 && chunk.paths.length === 0) break;
      const files = await unlinkCrops(this.fs, this.o.dataDir, chunk.paths, this.o.unlinkConcurrency);
      this.purge.clearPending(files.cleared, runId, files.unlinked);
      if (files.failed.length > 0) this.report('unlink', Object.assign(new Error(files.failed[0]?.message), { code: files.failed[0]?.code }));
      counts.rowsDeleted += chunk.rows;
      counts.hitsDeleted += chunk.hits;
      counts.outboxDeleted += chunk.outbox;
      counts.imagesDeleted += files.unlinked;
      counts.imagesFailed += files.failed.length;
      // Let the pipeline write its crops and commit its reads between two chunks: at least
      // chunkPauseMs, and half as long as the chunk blocked, so a long purge leaves it a third.
      await pause(Math.max(this.o.config.chunkPauseMs, Math.round(blockedMs * PIPELINE_SHARE)));
      if (chunk.rows < limit && selector.kind === 'expired') break;
      if (!(await more({ rows: chunk.rows, imagesDeleted: files.unlinked }))) break;
    }
    return { runId, counts, stopped };
  }

  private async relieveDiskPressure(result: SweepResult, freeBefore: number): Promise<void> {
    const { diskFloorBytes: floorBytes, diskTargetBytes: targetBytes } = this.policy;
    let free = freeBefore;
    let unheld = this.purge.countUnheld();
    const wanted = (purging: boolean): number =>
      diskPressureDeletions({ freeBytes: free, bytesPerRead: this.bytesPerRead, unheldReads: unheld, purging }, this.policy);
    if (wanted(false) === 0) {
      if (this.diskState !== 'ok' && !(free < targetBytes)) {
        this.diskState = 'ok';
        this.emit({ type: 'disk', state: 'ok', freeBytes: free, floorBytes, targetBytes });
      }
      return;
    }
    this.diskState = 'pressure';
    this.emit({ type: 'disk', state: 'pressure', freeBytes: free, floorBytes, targetBytes });
    // Size the first chunk from the files that would go first; later chunks from measured free space.
    this.bytesPerRead = (await meanCropBytes(this.fs, this.o.dataDir, this.purge.oldestImagePaths(SIZE_SAMPLE))) ?? this.bytesPerRead;
    const startedAt = this.o.clock.now();
    let unresolved = false;
    const loop = await this.purgeLoop(
      { kind: 'oldest-with-image' },
      { reason: 'disk-pressure', startedAt, cutoff: null, freeBytes: freeBefore },
      async (chunk) => {
        unheld = Math.max(0, unheld - chunk.rows);
        const after = await this.readFreeBytes();
        if (after === null) return false;
        if (chunk.imagesDeleted > 0 && after > free) this.bytesPerRead = Math.max(1, (after - free) / chunk.rows);
        free = after;
        if (!deletionFreesSpace(chunk)) {
          unresolved = free < targetBytes;
          return false;
        }
        return wanted(true) > 0;
      },
      () => Math.min(this.o.config.chunkSize, wanted(true)),
    );
    if (loop.runId !== null) {
      this.finish(loop.runId, 0, loop.stopped);
      this.emitPurged('disk-pressure', loop.runId, startedAt, loop.counts);
    }
    this.checkpointWal();
    free = (await this.readFreeBytes()) ?? free;
    unresolved = unresolved || free < floorBytes;
    this.diskState = unresolved ? 'unresolved' : 'ok';
    this.emit({ type: 'disk', state: this.diskState, freeBytes: free, floorBytes, targetBytes });
    result.diskPressure = { ...loop.counts, runId: loop.runId, freeBytesBefore: freeBefore, freeBytesAfter: free, unresolved };
    result.freeBytes = free;
    result.stopped = result.stopped || loop.stopped;
  }

  private async scanOrphansNow(): Promise<OrphanScanResult> {
    const startedAt = this.o.clock.now();
    const r = await scanOrphans({
      fs: this.fs,
      dataDir: this.o.dataDir,
      hasRow: (id, rel) => this.purge.cropHasRow(id, rel),
      now: startedAt,
      graceMs: this.o.config.orphanGraceMs,
      removeEmptyDirsBefore: expiryCutoff(startedAt, this.policy) - DAY_MS,
      yieldToLoop,
      stopping: () => this.stopping,
    });
    const deleted = r.orphansDeleted + r.tempFilesDeleted;
    if (deleted > 0 || r.failed.length > 0) {
      const error = r.failed.length > 0 ? `${r.failed.length} file(s) or folder(s) could not be removed` : null;
      const runId = this.purge.recordFileRun('orphan-scan', startedAt, this.o.clock.now(), deleted, error);
      this.emitPurged('orphan-scan', runId, startedAt, { ...emptyCounts(), imagesDeleted: deleted, imagesFailed: r.failed.length });
    }
    if (r.failed.length > 0) this.report('orphan-scan', Object.assign(new Error(r.failed[0]?.message), { code: r.failed[0]?.code }));
    return r;
  }

  private finish(runId: number, heldSkipped: number, stopped: boolean): void {
    this.purge.finishRun(runId, this.o.clock.now(), heldSkipped, stopped ? 'stopped before every read was deleted' : null);
  }

  /**
   * Runs a large age purge with WAL checkpoints every PURGE_CHECKPOINT_PAGES pages instead of
   * SQLite's 1,000: each chunk dirties thousands of scattered index pages, and checkpointing
   * after every chunk rewrote (and fsynced) them each time. Per connection, restored afterwards;
   * the WAL grows to ~40 MB meanwhile. Not used under disk pressure.
   */
  private async withFewerCheckpoints<T>(fn: () => Promise<T>): Promise<T> {
    const db = this.o.db;
    const previous = Number(db.pragma('wal_autocheckpoint', { simple: true }));
    if (!(previous > 0 && previous < PURGE_CHECKPOINT_PAGES)) return fn();
    db.pragma(`wal_autocheckpoint = ${PURGE_CHECKPOINT_PAGES}`);
    try {
      return await fn();
    } finally {
      db.pragma(`wal_autocheckpoint = ${previous}`);
    }
  }

  /** Shrinks the WAL file after a big purge (best effort: busy readers just postpone it). */
  private checkpointWal(): void {
    try {
      this.o.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      this.report('sweep', err);
    }
  }

  private async readFreeBytes(): Promise<number | null> {
    if (this.policy.diskFloorBytes <= 0) return null;
    try {
      return await freeBytes(this.fs, this.o.dataDir);
    } catch (err) {
      this.report('statfs', err);
      return null;
    }
  }

  private emitPurged(reason: RetentionReason, runId: number | null, startedAt: number, counts: PurgeCounts): void {
    const durationMs = Math.max(0, this.o.clock.now() - startedAt);
    this.o.logger?.info({ reason, runId, ...counts, durationMs }, 'retention purge');
    if (this.o.audit && (counts.rowsDeleted > 0 || counts.imagesDeleted > 0)) {
      try {
        this.o.audit.append({ userId: null, username: 'system', action: 'purge', target: reason, detail: { reason, runId, ...counts } });
      } catch (err) {
        this.report('audit', err);
      }
    }
    this.emit({ type: 'purged', reason, runId, durationMs, ...counts });
  }

  private report(operation: RetentionOperation, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    const code = errorCode(err);
    this.o.logger?.warn({ operation, code, err: message }, 'retention problem');
    this.emit({ type: 'error', operation, code, message });
  }

  private emit(status: RetentionStatus): void {
    try {
      this.o.onStatus?.(status);
    } catch (err) {
      this.o.logger?.warn({ err: (err as Error).message }, 'retention status listener failed');
    }
  }
}
