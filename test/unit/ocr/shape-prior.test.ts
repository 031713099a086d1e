import { describe, expect, it } from 'vitest';
import { shapeLogRatio, shapeOf, shapePrior, uniformShapeProbability } from '../../../src/ocr/shape-prior.ts';

describe('plate layouts', () => {
  it('writes D per digit and L per letter, skipping anything else', () => {
    expect(shapeOf('6TRK902')).toBe('DLLLDDD');
    expect(shapeOf('AB-1 2')).toBe('LLDD');
    expect(shapeOf('')).toBe('');
  });

  it('is the counted share of its length, smoothed by pseudo-plates of random characters', () => {
    const prior = shapePrior({ LLLDDD: 30, DDDLLL: 10, LLLDDDD: 5 }, 50);
    const u = uniformShapeProbability('LLLDDD');
    expect(u).toBeCloseTo((26 / 36) ** 3 * (10 / 36) ** 3, 15);
    // 40 six-character plates, 30 of this layout.
    expect(shapeLogRatio(prior, 'LLLDDD')).toBeCloseTo(Math.log((30 + 50 * u) / 90 / u), 12);
    // Never seen: a bounded penalty, the pseudo-plates' share.
    expect(shapeLogRatio(prior, 'LDLDDD')).toBeCloseTo(Math.log(50 / 90), 12);
    expect(shapeLogRatio(prior, 'LDLDDD')).toBeLessThan(0);
    // A length no label had: no opinion.
    expect(shapeLogRatio(prior, 'LLLLL')).toBe(0);
  });
});
