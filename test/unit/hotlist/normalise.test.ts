import { describe, expect, it } from 'vitest';
import { normalisePlate } from '../../../src/hotlist/normalise.ts';

describe('normalisePlate', () => {
  it('keeps upper-case A-Z and 0-9 only', () => {
    expect(normalisePlate(' abc-123 ')).toBe('ABC123');
    expect(normalisePlate('7·XYZ.99')).toBe('7XYZ99');
    expect(normalisePlate('ＡＢＣ１２３')).toBe('ABC123'); // full-width
    expect(normalisePlate('Émile 1')).toBe('EMILE1'); // accents folded
    expect(normalisePlate('--- ')).toBe('');
  });
});
