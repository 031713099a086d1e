import { describe, expect, it } from 'vitest';
import type { CtcReading } from '../../../src/ocr/ctc.ts';
import { unanimous } from '../../../src/ocr/detector-only-reader.ts';

function reading(text: string): CtcReading {
  return { text, chars: [...text].map((char) => ({ char, confidence: 0.9 })) };
}

describe('when PP-OCR is asked for a second opinion', () => {
  it('is not asked when every crop read the same text, and is when one differs or none was read', () => {
    expect(unanimous([reading('7ABC123'), reading('7ABC123'), reading('7ABC123')])).toBe(true);
    expect(unanimous([reading('7ABC123'), reading('7ABC1Z3'), reading('7ABC123')])).toBe(false);
    expect(unanimous([reading('7ABC123'), reading('7ABC123'), reading('ABC123')])).toBe(false);
    expect(unanimous([])).toBe(false);
  });
});
