/**
 * Pure top-N alternatives for a plate reading: the best path with one or two of its least
 * certain characters replaced by the runner-up character at that step (the O/0, 1/I, 8/B, 6/G
 * confusions that dominate plate misreads), ranked by the product of their character
 * probabilities. The hot-list matcher can then look each alternative up.
 */
import type { DecodedChar } from './ctc.ts';
import type { PlateCandidate } from './types.ts';

export interface AlternativeOptions {
  /** At most this many alternatives. */
  max: number;
  /** A runner-up below this probability is never offered. */
  minAltConfidence: number;
}

export const DEFAULT_ALTERNATIVE_OPTIONS: AlternativeOptions = { max: 4, minAltConfidence: 0.02 };

export function meanOf(chars: readonly DecodedChar[]): number {
  return chars.length ? chars.reduce((s, c) => s + c.confidence, 0) / chars.length : 0;
}

/** Readings other than the best path, most probable first, each with its mean character confidence. */
export function plateAlternatives(chars: readonly DecodedChar[], opts: AlternativeOptions = DEFAULT_ALTERNATIVE_OPTIONS): PlateCandidate[] {
  const swappable = chars
    .map((c, i) => ({ i, alt: c.alt, p: c.confidence }))
    .filter((s) => s.alt !== undefined && s.alt.char !== '' && s.alt.confidence >= opts.minAltConfidence && s.p > 0);
  type Option = { swaps: number[]; logP: number };
  const options: Option[] = [];
  // Log-probability change of swapping position i: log(alt) - log(best).
  const gain = (s: (typeof swappable)[number]) => Math.log(s.alt!.confidence) - Math.log(s.p);
  for (let a = 0; a < swappable.length; a++) {
    options.push({ swaps: [a], logP: gain(swappable[a]!) });
    for (let b = a + 1; b < swappable.length; b++) options.push({ swaps: [a, b], logP: gain(swappable[a]!) + gain(swappable[b]!) });
  }
  options.sort((x, y) => y.logP - x.logP);
  const out: PlateCandidate[] = [];
  const seen = new Set([chars.map((c) => c.char).join('')]);
  for (const o of options) {
    if (out.length >= opts.max) break;
    const swapped = chars.map((c) => ({ char: c.char, confidence: c.confidence }));
    for (const k of o.swaps) {
      const s = swappable[k]!;
      swapped[s.i] = { char: s.alt!.char, confidence: s.alt!.confidence };
    }
    const text = swapped.map((c) => c.char).join('');
    if (seen.has(text)) continue;
    seen.add(text);
    out.push({ text, confidence: Math.round(meanOf(swapped) * 1000) / 1000 });
  }
  return out;
}
