/**
 * The hot-list cache: owns the match snapshot the pipeline reads. The database stays the source
 * of truth; the cache builds the imported lists' index from it as typed arrays (packed-index.ts)
 * in a worker thread that reads the file on its own read-only connection, receives the arrays by
 * transfer and swaps them in with one assignment, so a rebuild of a million entries costs the
 * event loop almost nothing and leaves the collector no million objects to walk. Small lists
 * (under `workerMinEntries`, a few milliseconds to read) and in-memory databases (tests and tools;
 * a worker cannot open them) are read on this thread: starting a worker costs more than that.
 * Local entries are few and built at once. A rebuild that raced a list change (the lists'
 * signature moved while it read) starts again.
 */
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../store/db.ts';
import { LocalEntriesRepo } from './local-repo.ts';
import { EMPTY_INDEX, buildMatchIndex, packedMatchIndex, type HotlistSnapshot, type ListFreshness, type MatchIndex } from './match-index.ts';
import { isStale, matchRead, type MatchInput } from './match.ts';
import { readPackedIndex, type PackedRead } from './packed-read.ts';
import { HotlistRepo, type SourceInfo } from './repo.ts';
import { readPackedIndexInWorker } from './worker-index.ts';
import type { HotlistMatch } from './types.ts';

/** What the pipeline needs from the hot list. */
export interface HotlistMatcher {
  match(input: MatchInput): HotlistMatch[];
}

export interface HotlistCacheOptions {
  clock: Clock;
  /** Maximum age of a list before its hits are flagged stale; null: never stale. */
  maxAgeMs(source: string): number | null;
  /** Rebuild attempts when lists keep changing under it (default 3). */
  maxAttempts?: number;
  /** Imported entries from which a rebuild reads the database in a worker thread (default 5000). */
  workerMinEntries?: number;
}

export interface CacheStats {
  entries: number;
  patterns: number;
  localEntries: number;
  /** When the imported-list index in force was built (ms), or null before the first build. */
  builtAt: number | null;
  /** Main-thread time of the last rebuild's swap (wrapping the arrays, compiling wildcard entries), ms. */
  installMs: number;
  /** Where the last rebuild read the database: a worker thread, or this one (in-memory databases). */
  builtIn: 'worker' | 'main' | null;
}

export class HotlistCache implements HotlistMatcher {
  private readonly db: Database;
  private readonly repo: HotlistRepo;
  private readonly local: LocalEntriesRepo;
  private readonly options: HotlistCacheOptions;
  private bulk: MatchIndex = EMPTY_INDEX;
  private localIndex: MatchIndex = EMPTY_INDEX;
  private bulkSignature: string | null = null;
  private localSignature = -1;
  private current: HotlistSnapshot = { indexes: [EMPTY_INDEX, EMPTY_INDEX], freshness: new Map() };
  private builtAt: number | null = null;
  private installMs = 0;
  private builtIn: CacheStats['builtIn'] = null;
  private running: Promise<boolean> | null = null;
  private again = false;

  constructor(db: Database, options: HotlistCacheOptions) {
    this.db = db;
    this.repo = new HotlistRepo(db);
    this.local = new LocalEntriesRepo(db);
    this.options = options;
  }

  /** The snapshot in force (immutable; a refresh replaces it). */
  get snapshot(): HotlistSnapshot {
    return this.current;
  }

  /** Every entry the read matches, flagged stale where its list is too old (pure over the snapshot in force). */
  match(input: MatchInput): HotlistMatch[] {
    return matchRead(this.current, input, this.options.clock.now());
  }

  stats(): CacheStats {
    return { entries: this.bulk.size, patterns: this.bulk.patterns.length, localEntries: this.localIndex.size, builtAt: this.builtAt, installMs: this.installMs, builtIn: this.builtIn };
  }

  /** Lists older than their maximum age now. */
  staleSources(): SourceInfo[] {
    const now = this.options.clock.now();
    return this.repo.sources().filter((s) => isStale(this.freshnessOf(s), now));
  }

  private freshnessOf(s: SourceInfo): ListFreshness {
    return { checkedAt: s.checkedAt, maxAgeMs: this.options.maxAgeMs(s.source) };
  }

  private publish(): void {
    const freshness = new Map<string, ListFreshness>();
    for (const s of this.repo.sources()) freshness.set(s.source, this.freshnessOf(s));
    this.current = { indexes: [this.bulk, this.localIndex], freshness };
  }

  /** Rebuilds the (small) local-entry index at once, e.g. after an approval. */
  refreshLocal(): void {
    const now = this.options.clock.now();
    this.localIndex = buildMatchIndex(this.local.active(now));
    this.localSignature = this.local.signature();
    this.publish();
  }

  /** Re-reads list freshness (after a sync found a list unchanged) without rebuilding. */
  refreshFreshness(): void {
    this.publish();
  }

  /** Builds everything synchronously (start-up, before the cameras run). */
  loadNow(): void {
    this.install(readPackedIndex(this.db), 'main');
    this.refreshLocal();
  }

  private install(read: PackedRead, where: 'worker' | 'main'): void {
    const t0 = performance.now();
    this.bulk = packedMatchIndex(read.parts);
    this.bulkSignature = read.signature;
    this.builtAt = this.options.clock.now();
    this.installMs = performance.now() - t0;
    this.builtIn = where;
  }

  /**
   * Brings the snapshot up to date with the database when anything changed, in steps that
   * yield to the event loop. Concurrent calls share one rebuild (and one more if a change came
   * during it). Resolves true when the imported-list index was rebuilt.
   */
  refresh(): Promise<boolean> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async (): Promise<boolean> => {
      let rebuilt = false;
      do {
        this.again = false;
        rebuilt = (await this.rebuildIfChanged()) || rebuilt;
      } while (this.again);
      return rebuilt;
    };
    this.running = run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async rebuildIfChanged(): Promise<boolean> {
    if (this.local.signature() !== this.localSignature) this.refreshLocal();
    const attempts = this.options.maxAttempts ?? 3;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (this.repo.signature() === this.bulkSignature) {
        this.publish();
        return false;
      }
      const entries = this.repo.sources().reduce((n, src) => n + src.entries, 0);
      const inWorker = !this.db.memory && entries >= (this.options.workerMinEntries ?? 5_000);
      const read = inWorker ? await readPackedIndexInWorker(this.db.name) : readPackedIndex(this.db);
      if (this.repo.signature() !== read.signature) continue; // a list changed after the worker read: read again
      this.install(read, inWorker ? 'worker' : 'main');
      this.publish();
      return true;
    }
    return false;
  }
}
