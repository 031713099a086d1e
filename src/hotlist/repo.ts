/** The `hotlist_entries` table. An import replaces all entries of its source in one transaction. */
import type { Statement } from 'better-sqlite3';
import type { Database } from '../store/db.ts';
import type { IdGenerator } from '../store/ids.ts';
import { normalisePlate } from './normalise.ts';
import type { HotlistEntry, HotlistRecord } from './types.ts';

interface EntryRow {
  id: string;
  plate: string;
  state: string | null;
  list: string;
  reason: string | null;
  case_number: string | null;
  source: string;
  imported_at: number;
}

function fromRow(r: EntryRow): HotlistEntry {
  return {
    id: r.id,
    plate: r.plate,
    state: r.state,
    list: r.list,
    reason: r.reason,
    caseNumber: r.case_number,
    source: r.source,
    importedAt: r.imported_at,
  };
}

export interface ReplaceResult {
  /** Entries of the source that were removed. */
  removed: number;
  inserted: number;
}

export class HotlistRepo {
  private readonly db: Database;
  private readonly findStmt: Statement<[string], EntryRow>;
  private readonly deleteSourceStmt: Statement<[string]>;
  private readonly insertStmt: Statement;
  private readonly countStmt: Statement<[], { n: number }>;
  private readonly countSourceStmt: Statement<[string], { n: number }>;

  constructor(db: Database) {
    this.db = db;
    this.findStmt = db.prepare('SELECT * FROM hotlist_entries WHERE plate = ? ORDER BY list, id');
    this.deleteSourceStmt = db.prepare('DELETE FROM hotlist_entries WHERE source = ?');
    this.insertStmt = db.prepare(`INSERT INTO hotlist_entries (id, plate, state, list, reason, case_number, source, imported_at)
      VALUES (@id, @plate, @state, @list, @reason, @case_number, @source, @imported_at)`);
    this.countStmt = db.prepare('SELECT COUNT(*) AS n FROM hotlist_entries');
    this.countSourceStmt = db.prepare('SELECT COUNT(*) AS n FROM hotlist_entries WHERE source = ?');
  }

  /** Entries whose plate equals the normalised `plate` (any state, any list). */
  findExact(plate: string): HotlistEntry[] {
    const p = normalisePlate(plate);
    if (p === '') return [];
    return this.findStmt.all(p).map(fromRow);
  }

  count(): number {
    return this.countStmt.get()?.n ?? 0;
  }

  countBySource(source: string): number {
    return this.countSourceStmt.get(source)?.n ?? 0;
  }

  /** Replaces every entry of `source` with `records`, atomically (readers see the old or the new list). */
  replaceSource(source: string, records: readonly HotlistRecord[], importedAt: number, newId: IdGenerator): ReplaceResult {
    return this.db
      .transaction((): ReplaceResult => {
        const removed = this.deleteSourceStmt.run(source).changes;
        for (const r of records) {
          this.insertStmt.run({
            id: newId(),
            plate: normalisePlate(r.plate),
            state: r.state,
            list: r.list,
            reason: r.reason,
            case_number: r.caseNumber,
            source,
            imported_at: Math.floor(importedAt),
          } satisfies EntryRow);
        }
        return { removed, inserted: records.length };
      })
      .immediate();
  }
}
