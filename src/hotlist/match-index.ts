/**
 * The in-memory index that matching runs on (pure data, no I/O). Whole plates are found by their
 * canonical form (every character folded to its confusion class), so exact and confusable
 * candidates are one lookup; wildcard/partial entries are kept apart as compiled patterns. Two
 * kinds: a Map of entry objects (local entries, tests: few) and the packed typed-array index of
 * the imported lists (packed-index.ts: a million entries without a million objects). An index is
 * immutable once built: a list change builds a new one and swaps it in.
 */
import { canonCode, canonicalPlate } from './confusable.ts';
import { compilePattern, isPattern, type CompiledPattern } from './pattern.ts';
import { PackedEntries, type PackedParts } from './packed-index.ts';
import type { HotlistEntry } from './types.ts';

export interface PatternEntry {
  pattern: CompiledPattern;
  entry: HotlistEntry;
}

export interface MatchIndex {
  /** The whole-plate entries whose canonical plate is `key`, undefined when none. */
  lookup(key: string): readonly HotlistEntry[] | undefined;
  readonly patterns: readonly PatternEntry[];
  /** Pre-filter columns, parallel to `patterns`: literal-class masks and length bounds (255 = unbounded). */
  readonly patternMasks: Int32Array;
  readonly patternMin: Uint8Array;
  readonly patternMax: Uint8Array;
  /**
   * Indexes into `patterns` (ascending) by the canonical code of the pattern's first character:
   * a read can only match patterns that start with its own first character's class, or with a
   * wildcard (key -1). With 1,000 wildcard entries this leaves a few dozen to look at.
   */
  readonly patternsByFirst: ReadonlyMap<number, Int32Array>;
  readonly size: number;
}

/** How old a list may get before its hits are flagged stale. */
export interface ListFreshness {
  /** When the list was last confirmed current (imported, or a sync found it unchanged), ms. */
  checkedAt: number;
  /** Null: the list never goes stale. */
  maxAgeMs: number | null;
}

/** What the matcher reads: the indexes (imported lists, local entries) and each list's freshness. */
export interface HotlistSnapshot {
  readonly indexes: readonly MatchIndex[];
  /** By entry source; a source without an item is never stale. */
  readonly freshness: ReadonlyMap<string, ListFreshness>;
}

/** Bucket key of a pattern: the canonical code of its first character, -1 for a wildcard. */
export function firstKey(pattern: string): number {
  const c = pattern.charCodeAt(0);
  return c === 42 /* * */ || c === 63 /* ? */ || Number.isNaN(c) ? -1 : canonCode(c);
}

function filters(patterns: readonly PatternEntry[]): Pick<MatchIndex, 'patternMasks' | 'patternMin' | 'patternMax' | 'patternsByFirst'> {
  const patternMasks = new Int32Array(patterns.length);
  const patternMin = new Uint8Array(patterns.length);
  const patternMax = new Uint8Array(patterns.length);
  const buckets = new Map<number, number[]>();
  patterns.forEach((p, i) => {
    patternMasks[i] = p.pattern.mask;
    patternMin[i] = Math.min(255, p.pattern.minLength);
    patternMax[i] = Math.min(255, p.pattern.maxLength);
    const key = firstKey(p.pattern.source);
    const bucket = buckets.get(key);
    if (bucket) bucket.push(i);
    else buckets.set(key, [i]);
  });
  const patternsByFirst = new Map([...buckets].map(([k, v]) => [k, Int32Array.from(v)] as const));
  return { patternMasks, patternMin, patternMax, patternsByFirst };
}

export const EMPTY_INDEX: MatchIndex = { lookup: () => undefined, patterns: [], ...filters([]), size: 0 };

/** The index over packed parts (built by packed-builder.ts, here or in the index worker). */
export function packedMatchIndex(parts: PackedParts): MatchIndex {
  const entries = new PackedEntries(parts);
  const patterns = parts.patterns.map((entry) => ({ pattern: compilePattern(entry.plate), entry }));
  return { lookup: (key) => entries.lookup(key), patterns, ...filters(patterns), size: parts.count + patterns.length };
}

/** Builds a Map-backed index entry by entry (local entries, tests, tools). */
export class MatchIndexBuilder {
  private readonly byKey = new Map<string, HotlistEntry | HotlistEntry[]>();
  private readonly patterns: PatternEntry[] = [];
  private count = 0;

  add(entry: HotlistEntry): void {
    this.count++;
    if (isPattern(entry.plate)) {
      this.patterns.push({ pattern: compilePattern(entry.plate), entry });
      return;
    }
    const key = canonicalPlate(entry.plate);
    const there = this.byKey.get(key);
    if (there === undefined) this.byKey.set(key, entry);
    else if (Array.isArray(there)) there.push(entry);
    else this.byKey.set(key, [there as HotlistEntry, entry]);
  }

  build(): MatchIndex {
    const byKey = this.byKey;
    const lookup = (key: string): readonly HotlistEntry[] | undefined => {
      const found = byKey.get(key);
      return found === undefined || Array.isArray(found) ? found : [found as HotlistEntry];
    };
    return { lookup, patterns: this.patterns, ...filters(this.patterns), size: this.count };
  }
}

/** An index over `entries` in one go (tests, local entries, the bench). */
export function buildMatchIndex(entries: Iterable<HotlistEntry>): MatchIndex {
  const b = new MatchIndexBuilder();
  for (const e of entries) b.add(e);
  return b.build();
}
