/**
 * Imports a hot-list file into the database. The file's entries replace the previous entries
 * from the same source, and readers never see a half-updated list: the new version's rows are
 * written, then put in force in one short transaction (see repo.ts), then the old rows go.
 * 'all-or-nothing' rejects the file if any line is bad; 'apply-valid' stores the good lines.
 * Either way a structurally broken file (bad header/footer, wrong count, unterminated quote,
 * not JSON), or one without a single good line, is rejected and the previous list stays.
 *
 * `importHotlistText` does it all in one transaction (CLI, small files); `importHotlistStaged`
 * writes in chunks and yields between them, so a daemon importing a million entries keeps
 * reading plates (sync uses it).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { AlprError } from '../errors.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import type { Database } from '../store/db.ts';
import { createIdGenerator, type IdGenerator } from '../store/ids.ts';
import { parseHotlist, resolveFormat, type HotlistFormat } from './formats/index.ts';
import { HotlistRepo, type SourceMeta } from './repo.ts';
import type { LineProblem, ParseResult } from './types.ts';

export type ImportMode = 'apply-valid' | 'all-or-nothing';

export interface ImportOptions {
  mode: ImportMode;
  /** Entries from the same source replace each other; defaults to the file's absolute path. */
  source?: string;
  /** Defaults to the format the file name implies (see formats/index.ts). */
  format?: HotlistFormat;
  /** Publisher metadata stored with the version (sync). */
  meta?: SourceMeta;
  clock?: Clock;
  newId?: IdGenerator;
}

export interface ImportResult {
  file: string;
  source: string;
  format: HotlistFormat;
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

/** Why a parsed file must not be applied, or null (pure). */
export function rejectionReason(parsed: ParseResult, mode: ImportMode, format: HotlistFormat): string | null {
  if (parsed.fatal) return `the file is not a usable ${format} hot list`;
  if (mode === 'all-or-nothing' && parsed.errors.length > 0) return `${parsed.errors.length} bad line(s) and all-or-nothing`;
  if (parsed.entries.length === 0) return 'no valid entries';
  return null;
}

function prepare(text: string, file: string, options: ImportOptions): { parsed: ParseResult; base: Omit<ImportResult, 'applied' | 'rejectedBecause' | 'imported' | 'replaced'>; rejectedBecause: string | null } {
  const format = resolveFormat(file, options.format);
  const source = options.source ?? resolve(file);
  const parsed = parseHotlist(text, format);
  const base = { file, source, format, mode: options.mode, valid: parsed.entries.length, errors: parsed.errors, warnings: parsed.warnings };
  return { parsed, base, rejectedBecause: rejectionReason(parsed, options.mode, format) };
}

/** Parses and applies a hot-list text in one transaction (the file is only a name for messages and the format). */
export function importHotlistText(db: Database, text: string, file: string, options: ImportOptions): ImportResult {
  const { parsed, base, rejectedBecause } = prepare(text, file, options);
  if (rejectedBecause !== null) return { ...base, applied: false, rejectedBecause, imported: 0, replaced: 0 };
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? createIdGenerator(clock);
  const { removed, inserted } = new HotlistRepo(db).replaceSource(base.source, parsed.entries, clock.now(), newId, options.meta);
  return { ...base, applied: true, rejectedBecause: null, imported: inserted, replaced: removed };
}

export interface StagedOptions extends ImportOptions {
  /** Rows written per transaction between yields (default 10000). */
  chunkSize?: number;
  /** Called once the new version is in force, before the old rows are deleted (refresh the match index here). */
  onActivated?: () => void | Promise<void>;
}

/**
 * Like importHotlistText, but writes the new version in chunks and yields to the event loop
 * between them; the swap to the new version is one short transaction. If it fails part way the
 * staged rows are removed and the previous list stays in force.
 */
export async function importHotlistStaged(db: Database, text: string, file: string, options: StagedOptions): Promise<ImportResult> {
  const { parsed, base, rejectedBecause } = prepare(text, file, options);
  if (rejectedBecause !== null) return { ...base, applied: false, rejectedBecause, imported: 0, replaced: 0 };
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? createIdGenerator(clock);
  const repo = new HotlistRepo(db);
  const chunk = Math.max(1, options.chunkSize ?? 10_000);
  const version = newId();
  const now = clock.now();
  const removeVersion = async (v: string): Promise<number> => {
    let n = 0;
    for (;;) {
      const gone = repo.deleteVersionChunk(base.source, v, chunk);
      n += gone;
      if (gone < chunk) return n;
      await yieldToLoop();
    }
  };
  let previous: string | null;
  try {
    for (let i = 0; i < parsed.entries.length; i += chunk) {
      repo.stage(base.source, version, parsed.entries.slice(i, i + chunk), now, i);
      await yieldToLoop();
    }
    previous = repo.activate(base.source, version, parsed.entries.length, now, options.meta);
  } catch (err) {
    await removeVersion(version);
    throw err;
  }
  await options.onActivated?.();
  const replaced = previous === null ? 0 : await removeVersion(previous);
  return { ...base, applied: true, rejectedBecause: null, imported: parsed.entries.length, replaced };
}

/** Reads a hot-list file (unreadable: HOTLIST_INVALID). */
export function readHotlistFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new AlprError('HOTLIST_INVALID', `cannot read hot-list file ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Reads a hot-list file and applies it (see importHotlistText). Unreadable file: HOTLIST_INVALID. */
export function importHotlistFile(db: Database, file: string, options: ImportOptions): ImportResult {
  return importHotlistText(db, readHotlistFile(file), file, options);
}
