/**
 * Pure projection of a recogniser's per-step class probabilities onto plate classes: the CTC
 * blank, then 0-9 and A-Z. Both recognisers are projected the same way so that one plate text
 * can be scored against either (ctc-score.ts). A class that normalises to no plate character
 * (a space, a dash, a dot, any other script) counts as blank: on a plate such marks separate
 * characters, as a blank does.
 */
import { normaliseChar } from './normalise.ts';

export const PLATE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Blank plus one class per plate character. */
export const PLATE_CLASSES = PLATE_ALPHABET.length + 1;

/** Per-step probabilities over the plate classes: `steps` rows of PLATE_CLASSES. */
export interface PlateProbs {
  steps: number;
  probs: Float32Array;
}

/** For each class of `charset` (index 0 the blank), its plate class: 0 for blank or filler. */
export function plateClassMap(charset: readonly string[]): Uint8Array {
  const map = new Uint8Array(charset.length);
  charset.forEach((c, i) => {
    if (i === 0) return;
    const ch = normaliseChar(c);
    map[i] = ch ? PLATE_ALPHABET.indexOf(ch) + 1 : 0;
  });
  return map;
}

/** Sums each step's probabilities into plate classes (the rows of one sequence at `offset`). */
export function projectToPlateClasses(probs: Float32Array, steps: number, classes: number, map: Uint8Array, offset = 0): PlateProbs {
  const out = new Float32Array(steps * PLATE_CLASSES);
  for (let t = 0; t < steps; t++) {
    const base = offset + t * classes;
    const row = t * PLATE_CLASSES;
    for (let c = 0; c < classes; c++) {
      const k = row + map[c]!;
      out[k] = out[k]! + probs[base + c]!;
    }
  }
  return { steps, probs: out };
}

/** Outputs read one after another as one: the steps of each part in order (fragments of a plate, left to right). */
export function concatPlateProbs(parts: readonly PlateProbs[]): PlateProbs {
  if (parts.length === 1) return parts[0]!;
  const steps = parts.reduce((s, p) => s + p.steps, 0);
  const probs = new Float32Array(steps * PLATE_CLASSES);
  let at = 0;
  for (const p of parts) {
    probs.set(p.probs.subarray(0, p.steps * PLATE_CLASSES), at);
    at += p.steps * PLATE_CLASSES;
  }
  return { steps, probs };
}
