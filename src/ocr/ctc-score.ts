/**
 * Pure CTC scoring: the log-probability that a recogniser's output emits exactly `text`, summed
 * over every alignment (the CTC forward algorithm). Unlike the best path, this compares readings
 * of different lengths fairly and lets two recognisers' outputs be multiplied for one text.
 */
import { PLATE_ALPHABET, PLATE_CLASSES, type PlateProbs } from './plate-classes.ts';

/** Floor for a probability, so that one impossible step gives a very low score, not -Infinity. */
const FLOOR = 1e-8;

/**
 * log P(text | probs). `text` must be A-Z0-9; an empty text scores the all-blank path. Returns
 * -Infinity when the text cannot be aligned (more characters than the steps allow).
 */
export function ctcLogLikelihood(p: PlateProbs, text: string): number {
  const labels = [...text].map((ch) => {
    const k = PLATE_ALPHABET.indexOf(ch);
    if (k < 0) throw new Error(`ctcLogLikelihood: ${JSON.stringify(ch)} is not a plate character`);
    return k + 1;
  });
  // Extended label sequence: blank, l1, blank, l2, ..., blank.
  const S = 2 * labels.length + 1;
  const ext = new Array<number>(S);
  for (let s = 0; s < S; s++) ext[s] = s % 2 === 0 ? 0 : labels[(s - 1) / 2]!;
  const { steps, probs } = p;
  if (steps === 0) return labels.length === 0 ? 0 : -Infinity;
  let alpha = new Float64Array(S);
  let next = new Float64Array(S);
  const prob = (t: number, s: number) => Math.max(FLOOR, probs[t * PLATE_CLASSES + ext[s]!]!);
  alpha[0] = prob(0, 0);
  if (S > 1) alpha[1] = prob(0, 1);
  // Each step is rescaled to sum 1 and the log of the scale is kept, so long outputs do not underflow.
  let logScale = 0;
  const rescale = (a: Float64Array) => {
    let sum = 0;
    for (let s = 0; s < S; s++) sum += a[s]!;
    if (sum <= 0) return false;
    for (let s = 0; s < S; s++) a[s] = a[s]! / sum;
    logScale += Math.log(sum);
    return true;
  };
  if (!rescale(alpha)) return -Infinity;
  for (let t = 1; t < steps; t++) {
    for (let s = 0; s < S; s++) {
      let a = alpha[s]!;
      if (s >= 1) a += alpha[s - 1]!;
      if (s >= 2 && ext[s] !== 0 && ext[s] !== ext[s - 2]) a += alpha[s - 2]!;
      next[s] = a * prob(t, s);
    }
    [alpha, next] = [next, alpha];
    if (!rescale(alpha)) return -Infinity;
  }
  const end = alpha[S - 1]! + (S > 1 ? alpha[S - 2]! : 0);
  return end > 0 ? logScale + Math.log(end) : -Infinity;
}

/** One text found by the beam search with its log-probability (summed over its alignments). */
export interface BeamText {
  text: string;
  logP: number;
}

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * CTC prefix beam search: the `top` most likely texts of an output, keeping `beam` prefixes per
 * step (each with the probability of ending in a blank and in its last character). Unlike the
 * best path with runner-up swaps, it also finds readings with a character more or fewer.
 * Classes below `minP` at a step are not tried there.
 */
export function ctcBeamSearch(p: PlateProbs, beam = 8, top = 6, minP = 1e-3): BeamText[] {
  type Entry = { blank: number; last: number };
  let beams = new Map<string, Entry>([['', { blank: 0, last: -Infinity }]]);
  for (let t = 0; t < p.steps; t++) {
    const row = t * PLATE_CLASSES;
    const next = new Map<string, Entry>();
    const add = (text: string, blank: number, last: number) => {
      const e = next.get(text);
      if (e) {
        e.blank = logAdd(e.blank, blank);
        e.last = logAdd(e.last, last);
      } else next.set(text, { blank, last });
    };
    const pBlank = Math.log(Math.max(FLOOR, p.probs[row]!));
    for (const [text, e] of beams) {
      const total = logAdd(e.blank, e.last);
      // Stay on the same text: a blank, or the last character again without a blank between.
      add(text, total + pBlank, -Infinity);
      const lastChar = text.length > 0 ? PLATE_ALPHABET.indexOf(text[text.length - 1]!) + 1 : 0;
      if (lastChar > 0) add(text, -Infinity, e.last + Math.log(Math.max(FLOOR, p.probs[row + lastChar]!)));
      for (let c = 1; c < PLATE_CLASSES; c++) {
        const pc = p.probs[row + c]!;
        if (pc < minP) continue;
        // The same character again only starts a new one after a blank.
        const from = c === lastChar ? e.blank : total;
        add(text + PLATE_ALPHABET[c - 1]!, -Infinity, from + Math.log(pc));
      }
    }
    beams = new Map(
      [...next.entries()].sort((a, b) => logAdd(b[1].blank, b[1].last) - logAdd(a[1].blank, a[1].last)).slice(0, beam),
    );
  }
  return [...beams.entries()]
    .map(([text, e]) => ({ text, logP: logAdd(e.blank, e.last) }))
    .sort((a, b) => b.logP - a.logP)
    .slice(0, top);
}
