/**
 * The hot-list cache: owns the match snapshot the pipeline reads. The database stays the source
 * of truth; the cache builds an in-memory index from it (imported lists in chunks, yielding to
 * the event loop between them, so a rebuild never holds the pipeline for more than a few ms;
 * local entries in one go, they are few) and swaps it in with one assignment. A rebuild that
 * raced a list change (the lists' signature moved while it read) starts again.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../store/db.ts';
import { BatchSize } from './batch-size.ts';
import { LocalEntriesRepo } from './local-repo.ts';
import { EMPTY_INDEX, MatchIndexBuilder, buildMatchIndex, type HotlistSnapshot, type ListFreshness, type MatchIndex } from './match-index.ts';
import { isStale, matchRead, type MatchInput } from './match.ts';
import { HotlistRepo, type EntryRowWithRowid, type SourceInfo } from './repo.ts';
import type { HotlistEntry, HotlistMatch } from './types.ts';

/** What the pipeline needs from the hot list. */
export interface HotlistMatcher {
  match(input: MatchInput): HotlistMatch[];
}

export interface HotlistCacheOptions {
  clock: Clock;
  /** Maximum age of a list before its hits are flagged stale; null: never stale. */
  maxAgeMs(source: string): number | null;
  /** Most rows read per step of a rebuild (default 2000). */
  chunkSize?: number;
  /** Wanted duration of one rebuild step, ms: steps are sized from the time the last one took (default 8). */
  stepBudgetMs?: number;
  /** Rebuild attempts when lists keep changing under it (default 3). */
  maxAttempts?: number;
}

export interface CacheStats {
  entries: number;
  patterns: number;
  localEntries: number;
  /** When the imported-list index in force was built (ms), or null before the first build. */
  builtAt: number | null;
  /** Longest single synchronous step of the last rebuild, ms. */
  longestStepMs: number;
}

function rowToEntry(r: EntryRowWithRowid, b: MatchIndexBuilder): HotlistEntry {
  const e: HotlistEntry = {
    id: r.id,
    plate: r.plate,
    state: b.intern(r.state),
    list: b.intern(r.list),
    reason: b.intern(r.reason),
    caseNumber: r.case_number,
    source: b.intern(r.source),
    importedAt: r.imported_at,
  };
  if (r.vehicle !== null) e.vehicle = JSON.parse(r.vehicle) as HotlistEntry['vehicle'];
  return e;
}

export class HotlistCache implements HotlistMatcher {
  private readonly repo: HotlistRepo;
  private readonly local: LocalEntriesRepo;
  private readonly options: HotlistCacheOptions;
  private bulk: MatchIndex = EMPTY_INDEX;
  private localIndex: MatchIndex = EMPTY_INDEX;
  private bulkSignature: string | null = null;
  private localSignature = -1;
  private current: HotlistSnapshot = { indexes: [EMPTY_INDEX, EMPTY_INDEX], freshness: new Map() };
  private builtAt: number | null = null;
  private longestStepMs = 0;
  private running: Promise<boolean> | null = null;
  private again = false;

  constructor(db: Database, options: HotlistCacheOptions) {
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
    return { entries: this.bulk.size, patterns: this.bulk.patterns.length, localEntries: this.localIndex.size, builtAt: this.builtAt, longestStepMs: this.longestStepMs };
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
    const b = new MatchIndexBuilder();
    const chunk = this.options.chunkSize ?? 2_000;
    const signature = this.repo.signature();
    for (const s of this.repo.sources()) {
      for (let after = 0; ; ) {
        const rows = this.repo.versionPage(s.source, s.activeVersion, after, chunk);
        for (const r of rows) b.add(rowToEntry(r, b));
        if (rows.length < chunk) break;
        after = (rows[rows.length - 1] as EntryRowWithRowid).rowid;
      }
    }
    this.bulk = b.build();
    this.bulkSignature = signature;
    this.builtAt = this.options.clock.now();
    this.refreshLocal();
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
    const chunk = this.options.chunkSize ?? 2_000;
    const attempts = this.options.maxAttempts ?? 3;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const signature = this.repo.signature();
      if (signature === this.bulkSignature) {
        this.publish();
        return false;
      }
      const b = new MatchIndexBuilder();
      const size = new BatchSize({ budgetMs: this.options.stepBudgetMs ?? 8, max: chunk });
      let longest = 0;
      for (const s of this.repo.sources()) {
        for (let after = 0; ; ) {
          const t0 = performance.now();
          const want = size.next;
          const rows = this.repo.versionPage(s.source, s.activeVersion, after, want);
          for (const r of rows) b.add(rowToEntry(r, b));
          const took = performance.now() - t0;
          size.record(rows.length, took);
          longest = Math.max(longest, took);
          if (rows.length < want) break;
          after = (rows[rows.length - 1] as EntryRowWithRowid).rowid;
          await yieldToLoop();
        }
      }
      if (this.repo.signature() !== signature) continue; // a list changed while reading: read again
      this.bulk = b.build();
      this.bulkSignature = signature;
      this.builtAt = this.options.clock.now();
      this.longestStepMs = longest;
      this.publish();
      return true;
    }
    return false;
  }
}
