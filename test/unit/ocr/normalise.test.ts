import { describe, expect, it } from 'vitest';
import { normaliseChar, normaliseChars, normalisePlateText } from '../../../src/ocr/normalise.ts';

describe('plate text normalisation', () => {
  it('folds fullwidth and lower case to A-Z0-9', () => {
    expect(normalisePlateText('ＡＢｃ１２３')).toBe('ABC123');
    expect(normalisePlateText('abc-123')).toBe('ABC123');
  });
  it('drops separators, spaces and other scripts', () => {
    expect(normalisePlateText('RK 755·AJ')).toBe('RK755AJ');
    expect(normalisePlateText('京A·12345')).toBe('A12345');
    expect(normaliseChar('卫')).toBe('');
  });
  it('leaves look-alikes as read', () => {
    expect(normalisePlateText('O0I1')).toBe('O0I1');
  });
  it('keeps each kept character’s confidence and its runner-up', () => {
    const out = normaliseChars([
      { char: 'a', confidence: 0.9, alt: { char: '卫', confidence: 0.05 } },
      { char: '-', confidence: 0.8 },
      { char: '０', confidence: 0.7, alt: { char: 'o', confidence: 0.2 } },
    ]);
    expect(out).toEqual([
      { char: 'A', confidence: 0.9 },
      { char: '0', confidence: 0.7, alt: { char: 'O', confidence: 0.2 } },
    ]);
  });
});
