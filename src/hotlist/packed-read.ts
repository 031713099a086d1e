/**
 * Reads the active rows of every imported list into PackedParts, with the lists' signature, in
 * one read transaction: the signature always describes exactly the rows that were read (WAL
 * readers see one snapshot), so the cache can tell whether a list changed while it built.
 */
import type { Database } from '../store/db.ts';
import { PackedBuilder, type PackedRow } from './packed-builder.ts';
import type { PackedParts } from './packed-index.ts';
import { HotlistRepo } from './repo.ts';

export interface PackedRead {
  signature: string;
  parts: PackedParts;
}

export function readPackedIndex(db: Database): PackedRead {
  const repo = new HotlistRepo(db);
  const rows = db.prepare<[string, string], PackedRow>(
    `SELECT id, plate, state, list, reason, case_number, source, imported_at, vehicle FROM hotlist_entries
      INDEXED BY hotlist_entries_source_version WHERE source = ? AND list_version = ? ORDER BY rowid`,
  );
  return db.transaction((): PackedRead => {
    const sources = repo.sources();
    const signature = repo.signature();
    const b = new PackedBuilder(sources.reduce((n, s) => n + s.entries, 0));
    for (const s of sources) for (const r of rows.iterate(s.source, s.activeVersion)) b.add(r);
    return { signature, parts: b.finish() };
  })();
}
