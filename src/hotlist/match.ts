/**
 * Hot-list matching of a read plate (pure: index, read and time in, matches out).
 *
 * For the read text and every alternative the recogniser gave: whole-plate entries with the
 * same canonical key (exact, or confusable with the swapped characters reported), then
 * wildcard/partial entries. An entry and a read that both name a state must agree. Expired
 * entries never match. Each entry is reported once, by its best match: exact before confusable
 * before partial, the read before its alternatives, fewer swaps first.
 */
import { canonCode, canonicalPlate, classMask } from './confusable.ts';
import type { HotlistSnapshot, ListFreshness, MatchIndex, PatternEntry } from './match-index.ts';
import { normalisePlate } from './normalise.ts';
import { matchPattern } from './pattern.ts';
import type { HotlistRepo } from './repo.ts';
import type { CharSwap, HotlistEntry, HotlistMatch, MatchRule } from './types.ts';

export interface MatchInput {
  /** The read plate (normalised or not). */
  text: string;
  /** The recogniser's other readings, best first. */
  candidates?: readonly { text: string }[];
  /** The state the read was attributed to, when known. */
  state?: string | null;
}

const RANK: Record<MatchRule, number> = { exact: 0, confusable: 1, partial: 2 };
const NONE = new Int32Array(0);

interface Scored {
  match: Required<HotlistMatch>;
  score: number;
}

/** True when the list of `source` is older than its maximum age at `now`. */
export function isStale(freshness: ListFreshness | undefined, now: number): boolean {
  return freshness !== undefined && freshness.maxAgeMs !== null && now - freshness.checkedAt > freshness.maxAgeMs;
}

function positionalSwaps(text: string, plate: string): CharSwap[] {
  const swaps: CharSwap[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== plate[i]) swaps.push({ at: i, read: text[i] as string, entry: plate[i] as string });
  }
  return swaps;
}

/** The texts to try: the read first, then distinct alternatives. */
function textsOf(input: MatchInput): string[] {
  const out: string[] = [];
  const add = (t: string): void => {
    const n = normalisePlate(t);
    if (n !== '' && !out.includes(n)) out.push(n);
  };
  add(input.text);
  for (const c of input.candidates ?? []) add(c.text);
  return out;
}

/** Every hot-list entry the read matches, best first. */
export function matchRead(snapshot: HotlistSnapshot, input: MatchInput, now: number): HotlistMatch[] {
  const texts = textsOf(input);
  if (texts.length === 0) return [];
  const state = input.state ? input.state.toUpperCase() : null;
  // By source and id: a packed index gives a fresh object for each lookup of the same entry.
  const best = new Map<string, Scored>();
  const usable = (e: HotlistEntry): boolean =>
    (e.expiresAt === undefined || e.expiresAt === null || now < e.expiresAt) && (state === null || e.state === null || e.state === state);
  const offer = (entry: HotlistEntry, rule: MatchRule, textIndex: number, text: string, swaps: CharSwap[]): void => {
    // Rule, then read-before-alternative, then fewer swaps.
    const score = RANK[rule] * 10_000 + textIndex * 100 + swaps.length;
    const id = `${entry.source}\u0000${entry.id}`;
    const there = best.get(id);
    if (there !== undefined && there.score <= score) return;
    const stale = isStale(snapshot.freshness.get(entry.source), now);
    best.set(id, { score, match: { entry, rule, matchedText: text, swaps, stale } });
  };

  texts.forEach((text, ti) => {
    const key = canonicalPlate(text);
    let mask = -1;
    for (const index of snapshot.indexes) {
      const found = index.lookup(key);
      if (found !== undefined) {
        for (const entry of found) {
          if (!usable(entry)) continue;
          if (entry.plate === text) offer(entry, 'exact', ti, text, []);
          else offer(entry, 'confusable', ti, text, positionalSwaps(text, entry.plate));
        }
      }
      if (index.patterns.length > 0) {
        if (mask === -1) mask = classMask(text);
        const { patternMasks, patternMin, patternMax } = index;
        const len = text.length;
        // Only patterns starting with the text's first character (class) or with a wildcard can
        // match; both buckets are ascending, walked in merged order so hits come in index order.
        const a = index.patternsByFirst.get(canonCode(text.charCodeAt(0))) ?? NONE;
        const b = index.patternsByFirst.get(-1) ?? NONE;
        for (let ia = 0, ib = 0; ia < a.length || ib < b.length; ) {
          const i = ib >= b.length || (ia < a.length && (a[ia] as number) < (b[ib] as number)) ? (a[ia++] as number) : (b[ib++] as number);
          // Cheap rejections first: a literal class the text lacks, or the wrong length.
          if (((patternMasks[i] as number) & ~mask) !== 0 || len < (patternMin[i] as number) || len > (patternMax[i] as number)) continue;
          const p = index.patterns[i] as PatternEntry;
          const swaps = matchPattern(p.pattern, text, mask);
          if (swaps !== null && usable(p.entry)) offer(p.entry, 'partial', ti, text, swaps);
        }
      }
    }
  });
  return [...best.values()].sort((a, b) => a.score - b.score).map((s) => s.match);
}

/** Matches against several indexes with no freshness data (tests, tools). */
export function matchIndexes(indexes: readonly MatchIndex[], input: MatchInput, now: number): HotlistMatch[] {
  return matchRead({ indexes, freshness: new Map() }, input, now);
}

/** Entries whose plate is exactly the read's normalised plate, straight from the database. */
export function matchExact(repo: HotlistRepo, plate: string): HotlistMatch[] {
  return repo.findExact(plate).map((entry) => ({ entry, rule: 'exact' as const }));
}
