import { describe, expect, it } from 'vitest';
import type { DecodedChar } from '../../../src/ocr/ctc.ts';
import { plateAlternatives } from '../../../src/ocr/plate-alternatives.ts';

const c = (char: string, confidence: number, alt?: [string, number]): DecodedChar => (alt ? { char, confidence, alt: { char: alt[0], confidence: alt[1] } } : { char, confidence });

describe('plateAlternatives', () => {
  it('swaps the least certain characters first, ranked by the product of probabilities', () => {
    const chars = [c('A', 0.99, ['4', 0.005]), c('B', 0.9, ['8', 0.08]), c('C', 0.97), c('0', 0.55, ['O', 0.44])];
    const alts = plateAlternatives(chars, { max: 3, minAltConfidence: 0.001 });
    // O for 0 loses least (0.44/0.55), then 8 for B, then both together.
    expect(alts.map((a) => a.text)).toEqual(['ABCO', 'A8C0', 'A8CO']);
    expect(alts[0]!.confidence).toBeCloseTo((0.99 + 0.9 + 0.97 + 0.44) / 4, 3);
  });

  it('offers nothing for a reading without runner-ups, and skips improbable ones', () => {
    expect(plateAlternatives([c('A', 0.9), c('1', 0.8)])).toEqual([]);
    expect(plateAlternatives([c('A', 0.99, ['4', 0.001])], { max: 4, minAltConfidence: 0.02 })).toEqual([]);
  });

  it('caps the number of alternatives and never repeats the best reading', () => {
    const chars = 'ABCDEFG'.split('').map((ch) => c(ch, 0.6, ['X', 0.3]));
    const alts = plateAlternatives(chars, { max: 5, minAltConfidence: 0.02 });
    expect(alts).toHaveLength(5);
    expect(new Set(alts.map((a) => a.text)).size).toBe(5);
    expect(alts.map((a) => a.text)).not.toContain('ABCDEFG');
  });
});
