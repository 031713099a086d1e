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

/**
 * The classes of `charset` (index 0 the blank) that are plate characters: their indices and
 * their plate classes (1..36). Every other class is blank or filler.
 */
export interface PlateClassMap {
  classes: number;
  from: Uint16Array;
  to: Uint8Array;
}

export function plateClassMap(charset: readonly string[]): PlateClassMap {
  const from: number[] = [];
  const to: number[] = [];
  charset.forEach((c, i) => {
    const ch = i === 0 ? '' : normaliseChar(c);
    if (!ch) return;
    from.push(i);
    to.push(PLATE_ALPHABET.indexOf(ch) + 1);
  });
  return { classes: charset.length, from: Uint16Array.from(from), to: Uint8Array.from(to) };
}

/**
 * Sums each step's probabilities into plate classes (the rows of one sequence at `offset`). The
 * rows are a softmax's, so the blank takes what the plate characters leave: only the few
 * plate-character classes are read (PP-OCR has 6,625 classes, 122 of them plate characters),
 * which makes projecting every line read cheap enough to do at once.
 */
export function projectToPlateClasses(probs: Float32Array, steps: number, map: PlateClassMap, offset = 0): PlateProbs {
  const out = new Float32Array(steps * PLATE_CLASSES);
  for (let t = 0; t < steps; t++) {
    const base = offset + t * map.classes;
    const row = t * PLATE_CLASSES;
    let plate = 0;
    for (let k = 0; k < map.from.length; k++) {
      const p = probs[base + map.from[k]!]!;
      const at = row + map.to[k]!;
      out[at] = out[at]! + p;
      plate += p;
    }
    out[row] = Math.max(0, 1 - plate);
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
