import { describe, expect, it } from 'vitest';
import { dropInsertedChars, lineRead } from '../../../src/ocr/clean.ts';

const read = (spec: Array<[string, number]>) => spec.map(([char, confidence]) => ({ char, confidence }));
const text = (chars: ReadonlyArray<{ char: string }>) => chars.map((c) => c.char).join('');

describe('dropInsertedChars', () => {
  it('drops an emblem read as a low-confidence character inside a confident line', () => {
    const chars = read([['1', 1], ['T', 0.99], ['4', 1], ['8', 0.43], ['3', 1], ['2', 1], ['1', 1], ['3', 1]]);
    expect(text(dropInsertedChars(chars))).toBe('1T43213');
  });

  it('keeps weak first and last characters, and lines read with little confidence overall', () => {
    const edges = read([['C', 0.36], ['V', 0.93], ['0', 0.95], ['2', 0.95], ['0', 0.98], ['X', 0.3]]);
    expect(dropInsertedChars(edges)).toBe(edges);
    const weak = read([['U', 0.55], ['H', 0.97], ['I', 0.64], ['O', 0.4], ['F', 0.67], ['O', 0.91], ['F', 0.43]]);
    expect(dropInsertedChars(weak)).toBe(weak);
  });

  it('leaves short lines alone', () => {
    const short = read([['A', 1], ['x', 0.1], ['B', 1], ['C', 1]]);
    expect(dropInsertedChars(short)).toBe(short);
  });
});

describe('lineRead', () => {
  it('normalises and cleans a reading, keeping the text as read as an alternative', () => {
    const rect = { cx: 50, cy: 20, w: 80, h: 20, angle: 0 };
    const box = { x: 10, y: 10, w: 80, h: 20 };
    const chars = read([['b', 1], ['z', 1], ['m', 1], ['8', 0.34], ['2', 1], ['2', 1], ['-', 0.9], ['2', 1], ['7', 1]]);
    const l = lineRead({ box, rect }, { text: 'bzm822-27', chars });
    expect(text(l.chars)).toBe('BZM2227');
    expect(l).toMatchObject({ box, height: 20, width: 80, raw: 'bzm822-27' });
    expect(l.alternatives).toEqual([{ text: 'BZM82227', confidence: expect.closeTo((7 + 0.34) / 8, 6) }]);
  });
});
