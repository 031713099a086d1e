/**
 * Hot-list sync: pull signed lists over HTTP(S) on a schedule, or take them pushed over MQTT,
 * and apply them without stalling the pipeline.
 *
 * Pull: GET with If-None-Match / If-Modified-Since (and X-Hotlist-Version, the version in force,
 * so the publisher can answer with a delta). 304 → the list is confirmed current. 200 → the body
 * is a signed envelope (signing.ts), verified with the configured Ed25519 key BEFORE anything is
 * parsed; then a full list is staged in chunks and swapped in atomically, or a delta is applied
 * in one transaction if its base version is the one in force. An envelope of `workerMinBytes` or
 * more is verified and parsed in a worker thread (worker-list.ts): a million-entry list costs
 * seconds of CPU there, and the event loop only ever writes one short step at a time. An
 * unsigned, tampered, malformed, mismatched or rejected list throws HotlistError and changes
 * nothing: the previous list stays.
 *
 * Staleness: a list not confirmed current within its maximum age is stale; every hit on it says
 * so (HotlistCache) and `checkStaleness` reports it through `onStatus` (publish it on MQTT).
 */
import type { KeyObject } from 'node:crypto';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { Database } from '../store/db.ts';
import { createIdGenerator, type IdGenerator } from '../store/ids.ts';
import type { HotlistCache } from './cache.ts';
import { HotlistError, isHotlistError } from './errors.ts';
import { parseHotlist } from './formats/index.ts';
import { importParsedStaged, parsedInThread, rejectionReason, type ImportMode, type ParsedList } from './import.ts';
import { isStale } from './match.ts';
import { HotlistRepo } from './repo.ts';
import { verifyEnvelope, type ListManifest } from './signing.ts';
import type { HotlistRecord } from './types.ts';
import { WorkerList } from './worker-list.ts';

export interface SyncFeed {
  /** The list's source name; the signed manifest must name the same. */
  source: string;
  url: string;
  intervalMs: number;
  /** A list not confirmed current for longer than this is stale; null: never. */
  maxAgeMs: number | null;
  mode: ImportMode;
}

export interface ListStatus {
  source: string;
  stale: boolean;
  /** Publisher's version in force, or null. */
  version: string | null;
  entries: number;
  /** ISO 8601: last time the list was confirmed current. */
  checkedAt: string;
  maxAgeMs: number | null;
}

export interface HotlistSyncOptions {
  clock: Clock;
  logger: Logger;
  publicKey: KeyObject;
  feeds: readonly SyncFeed[];
  /** Sources a pushed (MQTT) list may replace; feeds' sources are always allowed. */
  pushSources?: readonly string[];
  /** Refreshed after every applied list (and on 304, for freshness). */
  cache?: HotlistCache;
  /** Called with every stale list at each check (publish a status message). */
  onStatus?: (status: ListStatus) => void | Promise<void>;
  fetchTimeoutMs?: number;
  /** Most rows per step of a staged import (default 5000; steps are also sized to about 8 ms each). */
  chunkSize?: number;
  /** Envelopes of at least this many bytes are verified and parsed in a worker thread (default 1 MB; 0: always). */
  workerMinBytes?: number;
  newId?: IdGenerator;
  fetch?: typeof fetch;
}

export type SyncOutcome =
  | { result: 'applied'; source: string; version: string; kind: 'full' | 'delta'; entries: number; errors: number }
  | { result: 'not-modified'; source: string };

type Applied = Extract<SyncOutcome, { result: 'applied' }>;

export class HotlistSync {
  private readonly db: Database;
  private readonly repo: HotlistRepo;
  private readonly o: HotlistSyncOptions;
  private readonly newId: IdGenerator;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = true;
  /** One apply at a time: a push arriving during a pull waits. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(db: Database, options: HotlistSyncOptions) {
    this.db = db;
    this.repo = new HotlistRepo(db);
    this.o = options;
    this.newId = options.newId ?? createIdGenerator(options.clock);
  }

  /** Pulls every feed now and then on its interval; failures are logged and retried next time. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    for (const feed of this.o.feeds) this.schedule(feed, 0);
  }

  stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    return this.queue.then(
      () => undefined,
      () => undefined,
    );
  }

  private schedule(feed: SyncFeed, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.syncFeed(feed)
        .catch((err: unknown) => {
          this.o.logger.warn({ source: feed.source, url: feed.url, err: (err as Error).message, reason: isHotlistError(err) ? err.reason : undefined }, 'hot-list sync failed; the previous list stays in force');
        })
        .then(() => this.checkStaleness())
        .finally(() => {
          if (!this.stopped) this.schedule(feed, feed.intervalMs);
        });
    }, delayMs);
    this.timers.add(timer);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** One pull of one feed. */
  syncFeed(feed: SyncFeed): Promise<SyncOutcome> {
    return this.serial(async () => {
      const current = this.repo.source(feed.source);
      const headers: Record<string, string> = { accept: 'application/json' };
      if (current?.etag) headers['if-none-match'] = current.etag;
      if (current?.lastModified) headers['if-modified-since'] = current.lastModified;
      if (current?.publishedVersion) headers['x-hotlist-version'] = current.publishedVersion;
      let res: Response;
      try {
        res = await (this.o.fetch ?? fetch)(feed.url, { headers, signal: AbortSignal.timeout(this.o.fetchTimeoutMs ?? 60_000) });
      } catch (err) {
        throw new HotlistError('FETCH_FAILED', `fetching ${feed.url} failed: ${(err as Error).message}`, { cause: err });
      }
      if (res.status === 304) {
        await res.body?.cancel();
        if (current) {
          this.repo.markChecked(feed.source, this.o.clock.now());
          this.o.cache?.refreshFreshness();
        }
        return { result: 'not-modified', source: feed.source };
      }
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new HotlistError('FETCH_FAILED', `fetching ${feed.url}: HTTP ${res.status}`);
      }
      const body = Buffer.from(await res.arrayBuffer());
      return this.apply(body, feed.url, { feed, etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') });
    });
  }

  /** Applies a pushed envelope (MQTT), after the same signature check as a pull. */
  applyPushed(payload: Buffer | string, origin: string): Promise<SyncOutcome> {
    return this.serial(() => this.apply(payload, origin, { feed: null, etag: null, lastModified: null }));
  }

  private async apply(body: Buffer | string, origin: string, ctx: { feed: SyncFeed | null; etag: string | null; lastModified: string | null }): Promise<SyncOutcome> {
    const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const worker = size >= (this.o.workerMinBytes ?? 1_000_000) ? await WorkerList.start() : null;
    try {
      // Nothing is parsed or applied before the signature verifies.
      let parse: (emptyIsEmpty: boolean) => Promise<ParsedList>;
      let manifest: ListManifest;
      if (worker) {
        manifest = await worker.verify(body, this.o.publicKey, origin);
        parse = (emptyIsEmpty) => worker.parse(manifest.format, emptyIsEmpty);
      } else {
        const verified = verifyEnvelope(body, this.o.publicKey, origin);
        manifest = verified.manifest;
        parse = (emptyIsEmpty) =>
          Promise.resolve(parsedInThread(emptyIsEmpty && verified.data.trim() === '' ? { entries: [], errors: [], warnings: [], fatal: false } : parseHotlist(verified.data, manifest.format)));
      }
      const feed = ctx.feed ?? this.o.feeds.find((f) => f.source === manifest.source) ?? null;
      if (ctx.feed && manifest.source !== ctx.feed.source) {
        throw new HotlistError('BAD_ENVELOPE', `${origin}: the signed list is for "${manifest.source}", this feed is "${ctx.feed.source}"; refused`);
      }
      if (!ctx.feed && !feed && !(this.o.pushSources ?? []).includes(manifest.source)) {
        throw new HotlistError('BAD_ENVELOPE', `${origin}: pushed list for "${manifest.source}", which is not a configured list; refused`);
      }
      const mode: ImportMode = feed?.mode ?? 'all-or-nothing';
      const meta = { publishedVersion: manifest.version, etag: ctx.etag, lastModified: ctx.lastModified };
      const outcome: Applied = manifest.kind === 'full' ? await this.applyFull(manifest, parse, origin, mode, meta) : await this.applyDelta(manifest, parse, origin, mode, meta);
      await this.o.cache?.refresh();
      this.o.logger.info({ source: manifest.source, version: manifest.version, kind: manifest.kind, entries: outcome.entries, origin }, 'hot list applied');
      return outcome;
    } finally {
      await worker?.close();
    }
  }

  private async applyFull(
    manifest: ListManifest,
    parse: (emptyIsEmpty: boolean) => Promise<ParsedList>,
    origin: string,
    mode: ImportMode,
    meta: { publishedVersion: string; etag: string | null; lastModified: string | null },
  ): Promise<Applied> {
    const r = await importParsedStaged(this.db, await parse(false), origin, {
      mode,
      source: manifest.source,
      format: manifest.format,
      meta,
      clock: this.o.clock,
      newId: this.newId,
      chunkSize: this.o.chunkSize ?? 5_000,
      onActivated: () => this.o.cache?.refresh().then(() => undefined),
    });
    if (!r.applied) {
      const first = r.errors.slice(0, 3).map((e) => `line ${e.line}: ${e.message}`).join('; ');
      throw new HotlistError('REJECTED', `${origin}: list ${manifest.source} ${manifest.version} rejected (${r.rejectedBecause ?? 'invalid'})${first ? `: ${first}` : ''}; the previous list stays`);
    }
    return { result: 'applied', source: manifest.source, version: manifest.version, kind: 'full', entries: r.imported, errors: r.errorCount };
  }

  private async applyDelta(
    manifest: ListManifest,
    parse: (emptyIsEmpty: boolean) => Promise<ParsedList>,
    origin: string,
    mode: ImportMode,
    meta: { publishedVersion: string; etag: string | null; lastModified: string | null },
  ): Promise<Applied> {
    const checkBase = (): void => {
      const current = this.repo.source(manifest.source);
      if (!current || current.publishedVersion !== manifest.baseVersion) {
        throw new HotlistError(
          'VERSION_MISMATCH',
          `${origin}: delta ${manifest.version} of ${manifest.source} applies to version ${manifest.baseVersion ?? '?'}, the version in force is ${current?.publishedVersion ?? 'none'}; refused (a full list is needed)`,
        );
      }
    };
    checkBase();
    const parsed = await parse(true);
    const why = parsed.valid === 0 && !parsed.fatal && parsed.errorCount === 0 ? null : rejectionReason(parsed, mode, manifest.format);
    if (why !== null) throw new HotlistError('REJECTED', `${origin}: delta ${manifest.version} of ${manifest.source} rejected (${why}); the previous list stays`);
    // A delta is applied in one transaction, so all its records are gathered first (deltas are small).
    const records: HotlistRecord[] = [];
    for (let chunk = await parsed.next(10_000); chunk.length > 0; chunk = await parsed.next(10_000)) records.push(...chunk);
    checkBase(); // again: another process (the CLI) may have replaced the list while this one awaited
    const r = this.repo.applyDelta(manifest.source, manifest.remove ?? [], records, this.o.clock.now(), this.newId, meta);
    return { result: 'applied', source: manifest.source, version: manifest.version, kind: 'delta', entries: r.added, errors: parsed.errorCount };
  }

  /** Status of every list; calls onStatus for each stale one. */
  async checkStaleness(): Promise<ListStatus[]> {
    const now = this.o.clock.now();
    const out: ListStatus[] = [];
    for (const s of this.repo.sources()) {
      const maxAgeMs = this.o.feeds.find((f) => f.source === s.source)?.maxAgeMs ?? null;
      const status: ListStatus = {
        source: s.source,
        stale: isStale({ checkedAt: s.checkedAt, maxAgeMs }, now),
        version: s.publishedVersion,
        entries: s.entries,
        checkedAt: new Date(s.checkedAt).toISOString(),
        maxAgeMs,
      };
      out.push(status);
      if (status.stale) {
        try {
          await this.o.onStatus?.(status);
        } catch (err) {
          this.o.logger.warn({ source: s.source, err: (err as Error).message }, 'publishing the hot-list status failed');
        }
      }
    }
    return out;
  }
}
