/**
 * Imports a hot-list file into the database. The file's entries replace the previous entries
 * from the same source, and readers never see a half-updated list: the new version's rows are
 * written, then put in force in one short transaction (see repo.ts), then the old rows go.
 * 'all-or-nothing' rejects the file if any line is bad; 'apply-valid' stores the good lines.
 * Either way a structurally broken file (bad header/footer, wrong count, unterminated quote,
 * not JSON), or one without a single good line, is rejected and the previous list stays.
 *
 * `importHotlistText` does it all in one transaction (CLI, small files); `importHotlistStaged`
 * and `importParsedStaged` write in chunks and yield between them, so a daemon importing a
 * million entries keeps reading plates (sync uses the latter with a list parsed in a worker
 * thread, worker-list.ts).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { AlprError } from '../errors.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import type { Database } from '../store/db.ts';
import { createIdGenerator, type IdGenerator } from '../store/ids.ts';
import { BatchSize, type BatchSizeOptions } from './batch-size.ts';
import { parseHotlist, resolveFormat, type HotlistFormat } from './formats/index.ts';
import { BULK_ROWS, HotlistRepo, type SourceMeta } from './repo.ts';
import type { HotlistRecord, LineProblem, ParseResult } from './types.ts';

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
  /** Bad lines found in the file (`errors` may list only the first of them, see ListSummary). */
  errorCount: number;
  errors: LineProblem[];
  warnings: LineProblem[];
}

/** What a parse found, without the records themselves. */
export interface ListSummary {
  /** Good records. */
  valid: number;
  /** Bad lines. */
  errorCount: number;
  /** The bad lines; a list parsed in a worker thread sends only the first MAX_REPORTED_PROBLEMS of them. */
  errors: LineProblem[];
  warnings: LineProblem[];
  fatal: boolean;
}

/** A parsed list whose records are read in chunks (from this thread, or from a worker thread). */
export interface ParsedList extends ListSummary {
  /** The next up to `size` records in file order; empty at the end. */
  next(size: number): Promise<readonly HotlistRecord[]> | readonly HotlistRecord[];
}

/** A parse result held in this thread, read in chunks. */
export function parsedInThread(parsed: ParseResult): ParsedList {
  let at = 0;
  return {
    valid: parsed.entries.length,
    errorCount: parsed.errors.length,
    errors: parsed.errors,
    warnings: parsed.warnings,
    fatal: parsed.fatal,
    next(size: number): readonly HotlistRecord[] {
      const chunk = parsed.entries.slice(at, at + size);
      at += chunk.length;
      return chunk;
    },
  };
}

/** Why a parsed file must not be applied, or null (pure). */
export function rejectionReason(parsed: ListSummary, mode: ImportMode, format: HotlistFormat): string | null {
  if (parsed.fatal) return `the file is not a usable ${format} hot list`;
  if (mode === 'all-or-nothing' && parsed.errorCount > 0) return `${parsed.errorCount} bad line(s) and all-or-nothing`;
  if (parsed.valid === 0) return 'no valid entries';
  return null;
}

type ResultBase = Omit<ImportResult, 'applied' | 'rejectedBecause' | 'imported' | 'replaced'>;

function describe(summary: ListSummary, file: string, format: HotlistFormat, options: ImportOptions): { base: ResultBase; rejectedBecause: string | null } {
  const source = options.source ?? resolve(file);
  const base = { file, source, format, mode: options.mode, valid: summary.valid, errorCount: summary.errorCount, errors: summary.errors, warnings: summary.warnings };
  return { base, rejectedBecause: rejectionReason(summary, options.mode, format) };
}

function prepare(text: string, file: string, options: ImportOptions): { parsed: ParseResult; base: ResultBase; rejectedBecause: string | null } {
  const format = resolveFormat(file, options.format);
  const parsed = parseHotlist(text, format);
  return { parsed, ...describe(parsedInThread(parsed), file, format, options) };
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
  /** Most rows written (or deleted) per transaction between yields (default 10000). */
  chunkSize?: number;
  /** Wanted duration of one step, ms: steps are sized from the time the last one took (default 8). */
  stepBudgetMs?: number;
  /** Called once the new version is in force, before the old rows are deleted (refresh the match index here). */
  onActivated?: () => void | Promise<void>;
}

/**
 * Like importHotlistText, but writes the new version in chunks and yields to the event loop
 * between them; the swap to the new version is one short transaction. If it fails part way the
 * staged rows are removed and the previous list stays in force.
 */
export async function importHotlistStaged(db: Database, text: string, file: string, options: StagedOptions): Promise<ImportResult> {
  const format = resolveFormat(file, options.format);
  return importParsedStaged(db, parsedInThread(parseHotlist(text, format)), file, { ...options, format });
}

/**
 * importHotlistStaged for a list already parsed (possibly in a worker thread: its records are
 * pulled chunk by chunk, so this thread never holds them all). `options.format` names the format
 * for messages; the file name's extension is used when it is absent.
 */
export async function importParsedStaged(db: Database, list: ParsedList, file: string, options: StagedOptions): Promise<ImportResult> {
  const { base, rejectedBecause } = describe(list, file, resolveFormat(file, options.format), options);
  if (rejectedBecause !== null) return { ...base, applied: false, rejectedBecause, imported: 0, replaced: 0 };
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? createIdGenerator(clock);
  const repo = new HotlistRepo(db);
  const steps: BatchSizeOptions = { budgetMs: options.stepBudgetMs ?? 8, max: Math.max(1, options.chunkSize ?? 10_000) };
  const version = newId();
  const now = clock.now();
  // A big list gets a bigger page cache for the import (restored after; see HotlistRepo.enlargeCache).
  const restoreCache = list.valid >= BULK_ROWS ? repo.enlargeCache() : (): void => undefined;
  try {
    let previous: string | null;
    let staged = 0;
    try {
      const size = new BatchSize(steps);
      for (;;) {
        const records = await list.next(size.next);
        if (records.length === 0) break;
        const t0 = performance.now();
        repo.stage(base.source, version, records, now, staged);
        size.record(records.length, performance.now() - t0);
        staged += records.length;
        await yieldToLoop();
      }
      previous = repo.activate(base.source, version, staged, now, options.meta);
    } catch (err) {
      await removeVersion(repo, base.source, version, steps);
      throw err;
    }
    await options.onActivated?.();
    const replaced = previous === null ? 0 : await removeVersion(repo, base.source, previous, steps);
    return { ...base, applied: true, rejectedBecause: null, imported: staged, replaced };
  } finally {
    restoreCache();
  }
}

/** Deletes every row of a version in steps, yielding between them; returns how many. */
async function removeVersion(repo: HotlistRepo, source: string, version: string, steps: BatchSizeOptions): Promise<number> {
  const size = new BatchSize(steps);
  let n = 0;
  for (;;) {
    const want = size.next;
    const t0 = performance.now();
    const gone = repo.deleteVersionChunk(source, version, want);
    size.record(gone, performance.now() - t0);
    n += gone;
    if (gone < want) return n;
    await yieldToLoop();
  }
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
