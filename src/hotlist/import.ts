/**
 * Imports a hot-list file into the database. The file's entries replace the previous entries
 * from the same source in one transaction, so matching never sees a half-updated list.
 * 'all-or-nothing' rejects the file if any line is bad; 'apply-valid' stores the good lines.
 * Either way a structurally broken file (bad header, unterminated quote), or one without a
 * single good line, is rejected and the previous list stays.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AlprError } from '../errors.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import type { Database } from '../store/db.ts';
import { createIdGenerator, type IdGenerator } from '../store/ids.ts';
import { parseHotlistCsv } from './formats/csv.ts';
import { HotlistRepo } from './repo.ts';
import type { LineProblem } from './types.ts';

export type ImportMode = 'apply-valid' | 'all-or-nothing';

export interface ImportOptions {
  mode: ImportMode;
  /** Entries from the same source replace each other; defaults to the file's absolute path. */
  source?: string;
  clock?: Clock;
  newId?: IdGenerator;
}

export interface ImportResult {
  file: string;
  source: string;
  mode: ImportMode;
  /** True when the list was replaced; false when the file was rejected (previous list kept). */
  applied: boolean;
  /** Why the file was rejected; null when applied. */
  rejectedBecause: string | null;
  /** Entries stored (0 when rejected). */
  imported: number;
  /** Previous entries of the source that were replaced (0 when rejected). */
  replaced: number;
  /** Good lines found in the file. */
  valid: number;
  errors: LineProblem[];
  warnings: LineProblem[];
}

/** Parses and applies a hot-list CSV text (the file is only a name for messages here). */
export function importHotlistText(db: Database, text: string, file: string, options: ImportOptions): ImportResult {
  const source = options.source ?? resolve(file);
  const parsed = parseHotlistCsv(text);
  const base = { file, source, mode: options.mode, valid: parsed.entries.length, errors: parsed.errors, warnings: parsed.warnings };
  let rejectedBecause: string | null = null;
  if (parsed.fatal) rejectedBecause = 'the file is not a usable hot-list CSV';
  else if (options.mode === 'all-or-nothing' && parsed.errors.length > 0) rejectedBecause = `${parsed.errors.length} bad line(s) and --all-or-nothing`;
  else if (parsed.entries.length === 0 && parsed.errors.length > 0) rejectedBecause = 'no valid entries';
  if (rejectedBecause !== null) return { ...base, applied: false, rejectedBecause, imported: 0, replaced: 0 };

  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? createIdGenerator(clock);
  const repo = new HotlistRepo(db);
  const { removed, inserted } = repo.replaceSource(source, parsed.entries, clock.now(), newId);
  return { ...base, applied: true, rejectedBecause: null, imported: inserted, replaced: removed };
}

/** Reads a hot-list CSV file and applies it (see importHotlistText). Unreadable file: HOTLIST_INVALID. */
export function importHotlistFile(db: Database, file: string, options: ImportOptions): ImportResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AlprError('HOTLIST_INVALID', `cannot read hot-list file ${file}: ${(err as Error).message}`, { cause: err });
  }
  return importHotlistText(db, text, file, options);
}
