import { describe, expect, it } from 'vitest';
import { ctcGreedyDecode, parseKeys } from '../../../src/ocr/ctc.ts';

describe('parseKeys', () => {
  it('puts the blank first and a space last (no trailing newline in the file)', () => {
    expect(parseKeys('a\nb\nc')).toEqual(['', 'a', 'b', 'c', ' ']);
  });
  it('ignores one trailing newline and CRs', () => {
    expect(parseKeys('a\r\nb\n')).toEqual(['', 'a', 'b', ' ']);
  });
});

/** Builds a steps x classes probability matrix where each step puts `p` on one class. */
function matrix(classes: number, steps: Array<[number, number] | [number, number, number, number]>): Float32Array {
  const m = new Float32Array(steps.length * classes);
  steps.forEach(([cls, p, alt, altP], t) => {
    const rest = (1 - p - (altP ?? 0)) / (classes - 1 - (alt === undefined ? 0 : 1));
    for (let c = 0; c < classes; c++) m[t * classes + c] = rest;
    m[t * classes + cls] = p;
    if (alt !== undefined) m[t * classes + alt] = altP!;
  });
  return m;
}

describe('ctcGreedyDecode', () => {
  const charset = ['', 'A', 'B', '0', 'O', ' '];

  it('collapses repeats, drops blanks, and keeps doubled letters split by a blank', () => {
    const m = matrix(6, [[1, 0.9], [1, 0.95], [0, 0.9], [1, 0.8], [2, 0.7], [2, 0.6], [0, 0.99]]);
    const r = ctcGreedyDecode(m, 7, 6, charset);
    expect(r.text).toBe('AAB');
    expect(r.chars.map((c) => c.confidence)).toEqual([expect.closeTo(0.95, 5), expect.closeTo(0.8, 5), expect.closeTo(0.7, 5)]);
  });

  it('records the runner-up character', () => {
    const m = matrix(6, [[3, 0.6, 4, 0.3]]);
    const r = ctcGreedyDecode(m, 1, 6, charset);
    expect(r.text).toBe('0');
    expect(r.chars[0]?.alt?.char).toBe('O');
    expect(r.chars[0]?.alt?.confidence).toBeCloseTo(0.3, 5);
  });

  it('decodes one sequence of a batch by offset, and an all-blank sequence as empty', () => {
    const a = matrix(6, [[0, 0.9], [0, 0.9]]);
    const b = matrix(6, [[2, 0.9], [0, 0.9]]);
    const batch = new Float32Array([...a, ...b]);
    expect(ctcGreedyDecode(batch, 2, 6, charset, 0).text).toBe('');
    expect(ctcGreedyDecode(batch, 2, 6, charset, 12).text).toBe('B');
  });
});
