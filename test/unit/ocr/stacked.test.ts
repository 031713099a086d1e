import { describe, expect, it } from 'vitest';
import type { DecodedChar } from '../../../src/ocr/ctc.ts';
import { selectPlates, textOf, type LineRead } from '../../../src/ocr/select.ts';
import { joinStacked } from '../../../src/ocr/stacked.ts';

function chars(text: string, confidence = 0.9): DecodedChar[] {
  return [...text].map((char) => ({ char, confidence }));
}

function line(text: string, x: number, y: number, h: number, w = text.length * 0.55 * h): LineRead {
  return { box: { x, y, w: Math.round(w), h }, height: h, width: w, raw: text, chars: chars(text) };
}

describe('stacked characters', () => {
  // A plate line 40 px tall at x 200..354, y 100..140.
  const main = line('12345', 200, 100, 40, 154);

  it('joins a pair standing left of the plate, top then bottom, and keeps the plain reading as an alternative', () => {
    const top = line('D', 178, 102, 16, 12);
    const bottom = line('V', 178, 121, 16, 12);
    const out = joinStacked([bottom, main, top]);
    expect(out).toHaveLength(1);
    expect(textOf(out[0]!)).toBe('DV12345');
    expect(out[0]?.box).toEqual({ x: 178, y: 100, w: 176, h: 40 });
    expect(out[0]?.alternatives?.[0]?.text).toBe('12345');
    const [plate] = selectPlates(out);
    expect(plate?.text).toBe('DV12345');
    expect(plate?.candidates.map((c) => c.text)).toContain('12345');
  });

  it('joins a pair standing right of the plate after the main characters', () => {
    const out = joinStacked([main, line('T', 360, 101, 17, 12), line('R', 361, 120, 17, 12)]);
    expect(out.map(textOf)).toEqual(['12345TR']);
  });

  it('leaves alone small text above or below the plate, a lone small line, and lines not stacked', () => {
    const stateName = line('OHIO', 220, 80, 14);
    const slogan = line('BIRTH', 210, 142, 12);
    const lone = line('X', 180, 110, 16, 12);
    const sideBySide = [line('A', 170, 110, 16, 12), line('B', 184, 110, 16, 12)];
    for (const extra of [[stateName, slogan], [lone], sideBySide]) {
      expect(joinStacked([main, ...extra]).map(textOf).sort()).toEqual([main, ...extra].map(textOf).sort());
    }
    // Too far from the plate: more than 1.2 plate heights away.
    expect(joinStacked([main, line('D', 100, 102, 16, 12), line('V', 100, 121, 16, 12)])).toHaveLength(3);
  });
});
