import { describe, expect, it } from 'vitest';
import { concatPlateProbs, PLATE_CLASSES, plateClassMap, projectToPlateClasses } from '../../../src/ocr/plate-classes.ts';

describe('plate classes', () => {
  // A generic recogniser's classes: blank, lower case, upper case, a dash, a CJK character, a digit, a space.
  const charset = ['', 'a', 'B', '-', '中', '0', ' '];

  it('maps letters (any case) and digits to their plate class and leaves everything else to the blank', () => {
    const map = plateClassMap(charset);
    expect(map.classes).toBe(7);
    expect([...map.from]).toEqual([1, 2, 5]);
    expect([...map.to]).toEqual([11, 12, 1]);
  });

  it('sums each step into plate classes, so separators count as blank', () => {
    const probs = new Float32Array([
      // step 0: mostly 'a' (-> A), some 'B'
      0.1, 0.6, 0.3, 0, 0, 0, 0,
      // step 1: a dash, a space and the blank: all blank
      0.2, 0, 0, 0.5, 0.1, 0, 0.2,
    ]);
    const { steps, probs: out } = projectToPlateClasses(probs, 2, plateClassMap(charset));
    expect(steps).toBe(2);
    expect(out.length).toBe(2 * PLATE_CLASSES);
    expect(out[11]).toBeCloseTo(0.6);
    expect(out[12]).toBeCloseTo(0.3);
    expect(out[0]).toBeCloseTo(0.1);
    expect(out[PLATE_CLASSES]).toBeCloseTo(1);
    expect(out.slice(PLATE_CLASSES + 1).every((v) => v === 0)).toBe(true);
  });

  it('reads one sequence of a batch at its offset', () => {
    const batch = new Float32Array(2 * charset.length);
    batch[charset.length + 5] = 1; // second sequence, one step: '0'
    const { probs } = projectToPlateClasses(batch, 1, plateClassMap(charset), charset.length);
    expect(probs[1]).toBe(1);
  });
});

describe('concatPlateProbs', () => {
  it('puts the steps of each part one after another', () => {
    const a = { steps: 1, probs: new Float32Array(PLATE_CLASSES).fill(0.5) };
    const b = { steps: 2, probs: new Float32Array(2 * PLATE_CLASSES).fill(0.25) };
    const joined = concatPlateProbs([a, b]);
    expect(joined.steps).toBe(3);
    expect(joined.probs.length).toBe(3 * PLATE_CLASSES);
    expect(joined.probs[PLATE_CLASSES - 1]).toBe(0.5);
    expect(joined.probs[PLATE_CLASSES]).toBe(0.25);
    expect(concatPlateProbs([a])).toBe(a);
  });
});
