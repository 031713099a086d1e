import { describe, expect, it } from 'vitest';
import { ctcBeamSearch, ctcLogLikelihood } from '../../../src/ocr/ctc-score.ts';
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

describe('ctcBeamSearch', () => {
  it('finds the most likely texts with their exact probabilities when the beam holds every prefix', () => {
    const p = randomProbs(3, 7);
    const found = ctcBeamSearch(p, 100000, 5, 0);
    // Every text of up to 3 characters, scored exactly, is the reference ranking.
    const all: string[] = [''];
    for (const a of PLATE_ALPHABET) {
      all.push(a);
      for (const b of PLATE_ALPHABET) {
        all.push(a + b);
        for (const c of PLATE_ALPHABET) all.push(a + b + c);
      }
    }
    const best = all.map((text) => ({ text, logP: ctcLogLikelihood(p, text) })).sort((a, b) => b.logP - a.logP).slice(0, 5);
    expect(found.map((f) => f.text)).toEqual(best.map((b) => b.text));
    found.forEach((f, i) => expect(f.logP).toBeCloseTo(best[i]!.logP, 6));
  });

  it('reads a doubled character only across a blank, and offers a character more or fewer', () => {
    const steps: Array<Record<number, number>> = [{ 11: 0.9 }, { 11: 0.3, 0: 0.7 }, { 11: 0.9 }, { 0: 0.6, 12: 0.4 }];
    const probs = new Float32Array(steps.length * PLATE_CLASSES);
    steps.forEach((row, t) => {
      const used = Object.values(row).reduce((a, b) => a + b, 0);
      for (let c = 0; c < PLATE_CLASSES; c++) probs[t * PLATE_CLASSES + c] = row[c] ?? (1 - used) / (PLATE_CLASSES - Object.keys(row).length);
    });
    const texts = ctcBeamSearch({ steps: steps.length, probs }).map((b) => b.text);
    expect(texts[0]).toBe('AA');
    expect(texts).toContain('A');
    expect(texts).toContain('AAB');
  });
});
