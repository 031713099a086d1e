/**
 * The `hotlist_entries` and `hotlist_sources` tables. Every entry row carries the list version it
 * was imported under; `hotlist_sources.active_version` says which version of each source is in
 * force. Readers only see active rows, so replacing a list is: write the new version's rows
 * (in one transaction, or in chunks for a big list), then flip `active_version` in one short
 * transaction (the atomic swap), then delete the old version's rows.
 */
import type { Statement } from 'better-sqlite3';
import type { Database } from '../store/db.ts';
import type { IdGenerator } from '../store/ids.ts';
import { normalisePlate } from './normalise.ts';
import type { HotlistEntry, HotlistRecord, VehicleDescription } from './types.ts';

/** A `hotlist_entries` row as stored. */
export interface EntryRow {
  id: string;
  plate: string;
  state: string | null;
  list: string;
  reason: string | null;
  case_number: string | null;
  source: string;
  imported_at: number;
  list_version: string;
  vehicle: string | null;
}

/** Metadata of the version of a list in force. */
export interface SourceInfo {
  source: string;
  /** Internal version id of the rows in force. */
  activeVersion: string;
  /** The publisher's version label (sync manifests), null for plain files. */
  publishedVersion: string | null;
  etag: string | null;
  lastModified: string | null;
  entries: number;
  appliedAt: number;
  /** Last time the list was confirmed current (applied, or a sync found it unchanged). */
  checkedAt: number;
}

interface SourceRow {
  source: string;
  active_version: string;
  published_version: string | null;
  etag: string | null;
  last_modified: string | null;
  entries: number;
  applied_at: number;
  checked_at: number;
}

/** Optional publisher metadata stored with a list version. */
export interface SourceMeta {
  publishedVersion?: string | null;
  etag?: string | null;
  lastModified?: string | null;
}

function sourceFromRow(r: SourceRow): SourceInfo {
  return {
    source: r.source,
    activeVersion: r.active_version,
    publishedVersion: r.published_version,
    etag: r.etag,
    lastModified: r.last_modified,
    entries: r.entries,
    appliedAt: r.applied_at,
    checkedAt: r.checked_at,
  };
}

export function vehicleFromJson(text: string | null): VehicleDescription | null {
  return text === null ? null : (JSON.parse(text) as VehicleDescription);
}

export function entryFromRow(r: EntryRow): HotlistEntry {
  const e: HotlistEntry = {
    id: r.id,
    plate: r.plate,
    state: r.state,
    list: r.list,
    reason: r.reason,
    caseNumber: r.case_number,
    source: r.source,
    importedAt: r.imported_at,
  };
  if (r.vehicle !== null) e.vehicle = vehicleFromJson(r.vehicle);
  return e;
}

export interface ReplaceResult {
  /** Entries of the source that were removed. */
  removed: number;
  inserted: number;
  /** The new internal version id. */
  version: string;
}

/** One (plate, state, list) key a delta removes. */
export interface EntryKey {
  plate: string;
  state: string | null;
  list: string;
}

/** Lists at least this long are loaded the bulk way (replaceSource, and a larger cache for a staged import). */
export const BULK_ROWS = 50_000;
/** Page cache during a bulk load, KiB (negative: a size, not a page count). */
const BULK_CACHE_KIB = -65_536;

/**
 * Row id of the `index`-th row staged under `version`: fixed-width base 36, so a list's ids
 * sort in insertion order and the primary-key index is appended to, not split at random.
 */
export function stagedId(version: string, index: number): string {
  return `${version}.${index.toString(36).padStart(6, '0')}`;
}

const ACTIVE = 'hotlist_entries e JOIN hotlist_sources s ON s.source = e.source AND s.active_version = e.list_version';

export class HotlistRepo {
  private readonly db: Database;
  private readonly findStmt: Statement<[string], EntryRow>;
  private readonly insertStmt: Statement;
  private readonly countStmt: Statement<[], { n: number }>;
  private readonly countSourceStmt: Statement<[string], { n: number }>;
  private readonly sourceStmt: Statement<[string], SourceRow>;
  private readonly sourcesStmt: Statement<[], SourceRow>;
  private readonly upsertSourceStmt: Statement;
  private readonly deleteVersionChunkStmt: Statement<[string, string, number]>;
  private readonly deleteKeyStmt: Statement;
  private readonly checkedStmt: Statement<[number, string]>;

  constructor(db: Database) {
    this.db = db;
    this.findStmt = db.prepare(`SELECT e.* FROM ${ACTIVE} WHERE e.plate = ? ORDER BY e.list, e.id`);
    // Positional parameters: a million named-parameter objects cost more than the inserts.
    this.insertStmt = db.prepare(`INSERT INTO hotlist_entries (id, plate, state, list, reason, case_number, source, imported_at, list_version, vehicle)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.countStmt = db.prepare(`SELECT COUNT(*) AS n FROM ${ACTIVE}`);
    this.countSourceStmt = db.prepare(`SELECT COUNT(*) AS n FROM ${ACTIVE} WHERE e.source = ?`);
    this.sourceStmt = db.prepare('SELECT * FROM hotlist_sources WHERE source = ?');
    this.sourcesStmt = db.prepare('SELECT * FROM hotlist_sources ORDER BY source');
    this.upsertSourceStmt = db.prepare(`INSERT INTO hotlist_sources
      (source, active_version, published_version, etag, last_modified, entries, applied_at, checked_at)
      VALUES (@source, @active_version, @published_version, @etag, @last_modified, @entries, @applied_at, @checked_at)
      ON CONFLICT(source) DO UPDATE SET active_version = excluded.active_version, published_version = excluded.published_version,
        etag = excluded.etag, last_modified = excluded.last_modified, entries = excluded.entries,
        applied_at = excluded.applied_at, checked_at = excluded.checked_at`);
    this.deleteVersionChunkStmt = db.prepare(`DELETE FROM hotlist_entries WHERE rowid IN
      (SELECT rowid FROM hotlist_entries WHERE source = ? AND list_version = ? LIMIT ?)`);
    this.deleteKeyStmt = db.prepare(`DELETE FROM hotlist_entries WHERE source = @source AND list_version = @version
      AND plate = @plate AND list = @list AND state IS @state`);
    this.checkedStmt = db.prepare('UPDATE hotlist_sources SET checked_at = ? WHERE source = ?');
  }

  /** Active entries whose plate equals the normalised `plate` (any state, any list). */
  findExact(plate: string): HotlistEntry[] {
    const p = normalisePlate(plate);
    if (p === '') return [];
    return this.findStmt.all(p).map(entryFromRow);
  }

  count(): number {
    return this.countStmt.get()?.n ?? 0;
  }

  countBySource(source: string): number {
    return this.countSourceStmt.get(source)?.n ?? 0;
  }

  source(source: string): SourceInfo | undefined {
    const row = this.sourceStmt.get(source);
    return row ? sourceFromRow(row) : undefined;
  }

  sources(): SourceInfo[] {
    return this.sourcesStmt.all().map(sourceFromRow);
  }

  /** Changes whenever any list is applied or re-checked (the cache compares it to know it is current). */
  signature(): string {
    return this.sources()
      .map((s) => `${s.source}\u0001${s.activeVersion}\u0001${s.publishedVersion ?? ''}\u0001${s.appliedAt}\u0001${s.entries}`)
      .join('\u0002');
  }

  /** Records that a list was confirmed current without changing it (a sync got 304 Not Modified). */
  markChecked(source: string, at: number): void {
    this.checkedStmt.run(Math.floor(at), source);
  }

  /** Inserts records under `version` (not visible until `activate`). */
  stage(source: string, version: string, records: readonly HotlistRecord[], importedAt: number, firstIndex: number): void {
    const at = Math.floor(importedAt);
    this.db.transaction(() => {
      for (let i = 0; i < records.length; i++) this.insertRow(source, version, records[i] as HotlistRecord, at, stagedId(version, firstIndex + i));
    })();
  }

  private insertRow(source: string, version: string, r: HotlistRecord, importedAt: number, id: string): void {
    // Same column order as the statement: id, plate, state, list, reason, case_number, source, imported_at, list_version, vehicle.
    this.insertStmt.run(id, normalisePlate(r.plate), r.state, r.list, r.reason, r.caseNumber, source, importedAt, version, r.vehicle ? JSON.stringify(r.vehicle) : null);
  }

  /**
   * Puts `version` (already staged, holding `entries` rows) in force for `source`, in one short
   * transaction; returns the version it replaced (whose rows the caller deletes) or null.
   */
  activate(source: string, version: string, entries: number, at: number, meta: SourceMeta = {}): string | null {
    return this.db
      .transaction((): string | null => {
        const previous = this.sourceStmt.get(source)?.active_version ?? null;
        this.upsertSourceStmt.run({
          source,
          active_version: version,
          published_version: meta.publishedVersion ?? null,
          etag: meta.etag ?? null,
          last_modified: meta.lastModified ?? null,
          entries,
          applied_at: Math.floor(at),
          checked_at: Math.floor(at),
        } satisfies SourceRow);
        return previous === version ? null : previous;
      })
      .immediate();
  }

  /** Deletes up to `limit` rows of a (no longer active, or abandoned) version; returns how many. */
  deleteVersionChunk(source: string, version: string, limit: number): number {
    return this.deleteVersionChunkStmt.run(source, version, limit).changes;
  }

  /**
   * Replaces every entry of `source` with `records` in one transaction (readers see the old or the
   * new list). A big list is loaded the bulk way (see bulkLoad).
   */
  replaceSource(source: string, records: readonly HotlistRecord[], importedAt: number, newId: IdGenerator, meta: SourceMeta = {}): ReplaceResult {
    const version = newId();
    const replace = (): ReplaceResult => {
      this.stage(source, version, records, importedAt, 0);
      const previous = this.activate(source, version, records.length, importedAt, meta);
      let removed = 0;
      if (previous !== null) removed = this.deleteVersionChunkStmt.run(source, previous, Number.MAX_SAFE_INTEGER).changes;
      return { removed, inserted: records.length, version };
    };
    if (records.length < BULK_ROWS) return this.db.transaction(replace).immediate();
    return this.bulkLoad(replace);
  }

  /**
   * Runs `load` in one transaction with the plate index set aside and a larger page cache. A
   * million inserts into the plate index land on random pages (most of the import's time with
   * SQLite's 2 MB default cache); building the index once afterwards is a sort. Both the DROP and
   * the CREATE are inside the transaction, so a crash or an error leaves the old table and index
   * as they were; other connections keep reading the committed snapshot (WAL) meanwhile.
   */
  private bulkLoad<T>(load: () => T): T {
    const indexSql = this.db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'hotlist_entries_plate'").get()?.sql;
    const restoreCache = this.enlargeCache();
    try {
      return this.db
        .transaction((): T => {
          if (indexSql !== undefined) this.db.exec('DROP INDEX hotlist_entries_plate');
          const result = load();
          if (indexSql !== undefined) this.db.exec(indexSql);
          return result;
        })
        .immediate();
    } finally {
      restoreCache();
    }
  }

  /**
   * Gives this connection a bulk-load page cache (random inserts into the plate index hit far
   * fewer uncached pages); returns the function that puts the previous size back.
   */
  enlargeCache(): () => void {
    const before = this.db.pragma('cache_size', { simple: true }) as number;
    this.db.pragma(`cache_size = ${BULK_CACHE_KIB}`);
    return () => {
      this.db.pragma(`cache_size = ${before}`);
    };
  }

  /**
   * Applies a delta to the version in force, in one transaction: removes entries by key, adds
   * `records`. Returns the counts; the caller has checked the delta's base version.
   */
  applyDelta(
    source: string,
    remove: readonly EntryKey[],
    records: readonly HotlistRecord[],
    at: number,
    newId: IdGenerator,
    meta: SourceMeta = {},
  ): { removed: number; added: number } {
    return this.db
      .transaction(() => {
        const current = this.sourceStmt.get(source);
        if (!current) throw new Error(`no list ${source} to apply a delta to`);
        const version = current.active_version;
        let removed = 0;
        for (const k of remove) {
          removed += this.deleteKeyStmt.run({ source, version, plate: normalisePlate(k.plate), list: k.list, state: k.state }).changes;
        }
        for (const r of records) this.insertRow(source, version, r, Math.floor(at), newId());
        this.upsertSourceStmt.run({
          source,
          active_version: version,
          published_version: meta.publishedVersion ?? current.published_version,
          etag: meta.etag ?? null,
          last_modified: meta.lastModified ?? null,
          entries: this.countSourceStmt.get(source)?.n ?? 0,
          applied_at: Math.floor(at),
          checked_at: Math.floor(at),
        } satisfies SourceRow);
        return { removed, added: records.length };
      })
      .immediate();
  }
}
