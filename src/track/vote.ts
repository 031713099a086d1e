/**
 * Turns the reads of one vehicle pass (a track) into one decision. Pure: no clock, no I/O.
 *
 * 1. Length is voted first: each reading's weight (its confidence) goes to its length.
 * 2. The reference is the medoid among readings of the winning length: the one with the least
 *    confidence-weighted edit distance to all readings.
 * 3. Every reading (and, at a lower weight, its close candidates) is aligned onto the reference
 *    by edit distance, so a frame that dropped its first or last character still votes on the
 *    right positions, and votes per position with its per-character confidence when given.
 * 4. Each position takes the heaviest character. Ties are broken by number of readings, then
 *    the reference's character, then character order, so the result never depends on the order
 *    of the observations.
 *
 * Score of a text s (the winner's score is its `confidence`):
 *   lengthShare(|s|) × mean over reference positions of voteShare(aligned char of s) × meanConfidence
 * so a pass where every frame agrees at 0.6 scores 0.6, and disagreement lowers it.
 */
import type { Box, PlateCandidate } from '../ocr/types.ts';
import { alignToReference, editDistance, normalizedEditDistance } from './align.ts';

/** One read of the plate in one frame. */
export interface Observation {
  /** Normalised text (A-Z0-9). Empty readings are ignored by the vote. */
  text: string;
  /** 0..1 confidence of `text`. */
  confidence: number;
  /** 0..1 per character of `text`, when the reader supplies them; otherwise `confidence` is used. */
  charConfidences?: readonly number[];
  /** Other readings of the same region, best first. */
  candidates: readonly PlateCandidate[];
  box: Box;
  /** Milliseconds since the Unix epoch of the frame. */
  capturedAt: number;
}

export interface VoteAlternative {
  text: string;
  /** 0..1, same scale as `Vote.confidence`. */
  score: number;
}

export interface Vote {
  /** Voted text; empty when no observation had text. */
  text: string;
  /** 0..1. */
  confidence: number;
  /** Other plausible texts, best first, never including `text`. */
  alternatives: VoteAlternative[];
  /** Number of observations whose own text equals `text`. */
  support: number;
}

export interface VoteOptions {
  /** Weight of a candidate reading relative to its frame's main reading, 0..1 (0 ignores candidates). Default 0.25. */
  candidateWeight: number;
  /** Candidates farther than this normalised edit distance (0..1) from their frame's main text are other text lines and ignored. Default 0.34. */
  candidateMaxDistance: number;
  /** Most alternatives returned. Default 5. */
  maxAlternatives: number;
}

export const defaultVoteOptions: Readonly<VoteOptions> = Object.freeze({
  candidateWeight: 0.25,
  candidateMaxDistance: 0.34,
  maxAlternatives: 5,
});

/** Weight floor so a reading with confidence 0 still counts for ties. */
const MIN_WEIGHT = 1e-3;
/** Float sums depend on addition order; differences below this are ties. */
const EPS = 1e-9;

interface Tally {
  votes: number;
  count: number;
}

interface Reading {
  text: string;
  weight: number;
  charWeight(index: number): number;
}

function clampWeight(value: number | undefined, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.max(MIN_WEIGHT, Math.min(1, value));
}

function primaryReading(o: Observation): Reading {
  const weight = clampWeight(o.confidence, MIN_WEIGHT);
  return { text: o.text, weight, charWeight: (index) => clampWeight(o.charConfidences?.[index], weight) };
}

function addVote(tallies: Map<string, Tally>, key: string, votes: number, count: number): void {
  const tally = tallies.get(key);
  if (tally) {
    tally.votes += votes;
    tally.count += count;
  } else {
    tallies.set(key, { votes, count });
  }
}

/** Tally order: heavier first, then more readings, then the preferred key, then key order. */
function better(a: [string, Tally], b: [string, Tally], preferred: string | undefined, keyDesc = false): number {
  if (Math.abs(a[1].votes - b[1].votes) > EPS) return b[1].votes - a[1].votes;
  if (a[1].count !== b[1].count) return b[1].count - a[1].count;
  if (a[0] === preferred) return -1;
  if (b[0] === preferred) return 1;
  const order = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
  return keyDesc ? -order : order;
}

function pickMedoid(readings: readonly Reading[], length: number): string {
  let best: { text: string; cost: number; weight: number } | undefined;
  for (const r of readings) {
    if (r.text.length !== length) continue;
    let cost = 0;
    for (const other of readings) cost += other.weight * editDistance(r.text, other.text);
    const wins =
      best === undefined ||
      cost < best.cost - EPS ||
      (Math.abs(cost - best.cost) <= EPS && (r.weight > best.weight + EPS || (Math.abs(r.weight - best.weight) <= EPS && r.text < best.text)));
    if (wins) best = { text: r.text, cost, weight: r.weight };
  }
  return best?.text ?? '';
}

/** Votes one text for a track's observations. */
export function voteTrack(observations: readonly Observation[], options: Partial<VoteOptions> = {}): Vote {
  const opts: VoteOptions = { ...defaultVoteOptions, ...options };
  const voting = observations.filter((o) => o.text.length > 0);
  if (voting.length === 0) return { text: '', confidence: 0, alternatives: [], support: 0 };
  const primaries = voting.map(primaryReading);

  // 1. Length, by weight; a tie goes to more readings, then the longer length (dropping is the usual fault).
  const lengths = new Map<string, Tally>();
  let totalWeight = 0;
  for (const r of primaries) {
    addVote(lengths, String(r.text.length).padStart(4, '0'), r.weight, 1);
    totalWeight += r.weight;
  }
  const lengthRanked = [...lengths].sort((a, b) => better(a, b, undefined, true));
  const length = Number(lengthRanked[0]?.[0]);
  const lengthShare = (len: number): number => (lengths.get(String(len).padStart(4, '0'))?.votes ?? 0) / totalWeight;
  const meanConfidence = totalWeight / primaries.length;

  // 2. Reference.
  const reference = pickMedoid(primaries, length);

  // 3. Aligned per-position tallies.
  const positions: Map<string, Tally>[] = Array.from({ length }, () => new Map<string, Tally>());
  const candidateTexts = new Set<string>();
  for (const [index, primary] of primaries.entries()) {
    const aligned = alignToReference(reference, primary.text);
    aligned.forEach((j, i) => {
      if (j >= 0) addVote(positions[i] as Map<string, Tally>, primary.text[j] as string, primary.charWeight(j), 1);
    });
    if (opts.candidateWeight <= 0) continue;
    for (const c of (voting[index] as Observation).candidates) {
      if (c.text.length === 0 || c.text === primary.text) continue;
      if (normalizedEditDistance(c.text, primary.text) > opts.candidateMaxDistance) continue;
      candidateTexts.add(c.text);
      const weight = opts.candidateWeight * clampWeight(c.confidence, MIN_WEIGHT);
      alignToReference(reference, c.text).forEach((j, i) => {
        const ch = j >= 0 ? c.text[j] : undefined;
        const primaryCh = aligned[i] !== undefined && aligned[i] >= 0 ? primary.text[aligned[i]] : undefined;
        if (ch !== undefined && ch !== primaryCh) addVote(positions[i] as Map<string, Tally>, ch, weight, 0);
      });
    }
  }

  // 4. Winner per position.
  const totals = positions.map((p) => [...p.values()].reduce((sum, t) => sum + t.votes, 0));
  const share = (i: number, ch: string | undefined): number => {
    const total = totals[i] ?? 0;
    if (ch === undefined || total <= 0) return 0;
    return (positions[i]?.get(ch)?.votes ?? 0) / total;
  };
  const ranked = positions.map((p, i) => [...p].sort((a, b) => better(a, b, reference[i])));
  const text = ranked.map((r, i) => r[0]?.[0] ?? reference[i] ?? '').join('');

  const score = (s: string): number => {
    if (length === 0) return 0;
    const positional = s.length === length ? [...s].map((_, j) => j) : alignToReference(reference, s);
    let sum = 0;
    positional.forEach((j, i) => {
      sum += share(i, j >= 0 ? s[j] : undefined);
    });
    return lengthShare(s.length) * (sum / length) * meanConfidence;
  };

  // Alternatives: every text seen, every close candidate, and each single runner-up substitution.
  const pool = new Set<string>([...voting.map((o) => o.text), ...candidateTexts]);
  ranked.forEach((r, i) => {
    for (const [ch] of r.slice(1)) pool.add(text.slice(0, i) + ch + text.slice(i + 1));
  });
  pool.delete(text);
  const alternatives = [...pool]
    .map((s) => ({ text: s, score: score(s) }))
    .filter((a) => a.score > 0)
    .sort((a, b) => (Math.abs(a.score - b.score) > EPS ? b.score - a.score : a.text < b.text ? -1 : 1))
    .slice(0, Math.max(0, opts.maxAlternatives));

  return {
    text,
    confidence: score(text),
    alternatives,
    support: voting.filter((o) => o.text === text).length,
  };
}
