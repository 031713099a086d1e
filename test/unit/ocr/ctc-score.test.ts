import { describe, expect, it } from 'vitest';
import { ctcLogLikelihood } from '../../../src/ocr/ctc-score.ts';
import { PLATE_ALPHABET, PLATE_CLASSES, type PlateProbs } from '../../../src/ocr/plate-classes.ts';

/** Deterministic pseudo-random rows that sum to 1 (every class clearly above the scorer's floor). */
function randomProbs(steps: number, seed: number): PlateProbs {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return 0.05 + x / 2147483648;
  };
  const probs = new Float32Array(steps * PLATE_CLASSES);
  for (let t = 0; t < steps; t++) {
    let sum = 0;
    for (let c = 0; c < PLATE_CLASSES; c++) sum += probs[t * PLATE_CLASSES + c] = next();
    for (let c = 0; c < PLATE_CLASSES; c++) probs[t * PLATE_CLASSES + c]! /= sum;
  }
  return { steps, probs };
}

/** The CTC collapse of a path of class indices: repeats merged, blanks dropped. */
function collapse(path: number[]): string {
  let out = '';
  let prev = 0;
  for (const c of path) {
    if (c !== 0 && c !== prev) out += PLATE_ALPHABET[c - 1];
    prev = c;
  }
  return out;
}

/** P(text) by enumerating every path (37^steps of them): the definition the forward algorithm must match. */
function bruteForce(p: PlateProbs, text: string): number {
  let total = 0;
  const path: number[] = [];
  const walk = (t: number, prob: number) => {
    if (t === p.steps) {
      if (collapse(path) === text) total += prob;
      return;
    }
    for (let c = 0; c < PLATE_CLASSES; c++) {
      path.push(c);
      walk(t + 1, prob * p.probs[t * PLATE_CLASSES + c]!);
      path.pop();
    }
  };
  walk(0, 1);
  return total;
}

describe('ctcLogLikelihood', () => {
  const p = randomProbs(3, 42);

  it.each(['', 'A', 'AA', 'AB', 'BA', 'A0', 'ABC', 'Z9Z'])('matches the sum over all alignments for %j', (text) => {
    expect(ctcLogLikelihood(p, text)).toBeCloseTo(Math.log(bruteForce(p, text)), 5);
  });

  it('gives -Infinity to a text that cannot fit the steps (a doubled letter needs a blank between)', () => {
    expect(ctcLogLikelihood(randomProbs(2, 1), 'AA')).toBe(-Infinity);
    expect(ctcLogLikelihood(randomProbs(3, 1), 'ABCD')).toBe(-Infinity);
    expect(Number.isFinite(ctcLogLikelihood(randomProbs(3, 1), 'AA'))).toBe(true);
  });

  it('stays finite and exact on long outputs (per-step rescaling, no underflow)', () => {
    // 400 steps, each 0.9 on blank: the all-blank path alone has probability 0.9^400 ~ 5e-19.
    const steps = 400;
    const probs = new Float32Array(steps * PLATE_CLASSES).fill(0.1 / (PLATE_CLASSES - 1));
    for (let t = 0; t < steps; t++) probs[t * PLATE_CLASSES] = 0.9;
    expect(ctcLogLikelihood({ steps, probs }, '')).toBeCloseTo(steps * Math.log(0.9), 3);
    // One character: a run of L steps on it, anywhere (401 - L places), blanks elsewhere.
    const q = 0.1 / (PLATE_CLASSES - 1);
    const terms = Array.from({ length: steps }, (_, k) => Math.log(steps - k) + (steps - k - 1) * Math.log(0.9) + (k + 1) * Math.log(q));
    const top = Math.max(...terms);
    const expected = top + Math.log(terms.reduce((s, v) => s + Math.exp(v - top), 0));
    expect(ctcLogLikelihood({ steps, probs }, '7')).toBeCloseTo(expected, 3);
  });

  it('rejects a character that is not a plate character', () => {
    expect(() => ctcLogLikelihood(p, 'a')).toThrow(/not a plate character/);
  });
});
