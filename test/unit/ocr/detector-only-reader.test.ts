import { describe, expect, it } from 'vitest';
import type { CtcReading } from '../../../src/ocr/ctc.ts';
import { modelsMean, unanimous } from '../../../src/ocr/detector-only-reader.ts';

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

describe("the plate recognisers' views of a box", () => {
  it("weigh as the models' mean: one model's three crops 1 each, three models' nine crops 1/3 each", () => {
    const three = [reading('7ABC123'), reading('7ABC123'), reading('7ABC1Z3')];
    expect(modelsMean(three).map((v) => v.weight)).toEqual([1, 1, 1]);
    const nine = [...three, ...three, ...three];
    expect(modelsMean(nine).map((v) => v.weight)).toEqual(Array(9).fill(1 / 3));
    expect(modelsMean(nine)[2]!.text).toBe('7ABC1Z3');
    expect(modelsMean([])).toEqual([]);
  });
});
