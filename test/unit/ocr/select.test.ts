import { describe, expect, it } from 'vitest';
import type { DecodedChar } from '../../../src/ocr/ctc.ts';
import {
  DEFAULT_SELECT_OPTIONS,
  canMerge,
  isPlateAnnotation,
  lengthScore,
  mergeFragments,
  mixScore,
  plateScore,
  relativeHeightScore,
  runnerUpReading,
  selectPlates,
  type LineRead,
} from '../../../src/ocr/select.ts';

function chars(text: string, confidence = 0.9): DecodedChar[] {
  return [...text.replace(/[^A-Z0-9]/g, '')].map((char) => ({ char, confidence }));
}

/** A line at (x, y) of height h; its width follows the text (0.55 h per character) unless given. */
function line(raw: string, x: number, y: number, h: number, confidence = 0.9, w?: number): LineRead {
  const width = w ?? Math.max(h, raw.length * 0.55 * h);
  return { box: { x, y, w: Math.round(width), h }, height: h, width, raw, chars: chars(raw.toUpperCase(), confidence) };
}

describe('plate scoring', () => {
  it('prefers plausible lengths and a letter+digit mix', () => {
    expect(lengthScore(6)).toBe(1);
    expect(lengthScore(2)).toBeLessThan(lengthScore(4));
    expect(lengthScore(19)).toBe(0);
    expect(mixScore('7ABC123')).toBeGreaterThan(mixScore('TOYOTA'));
    expect(mixScore('7ABC123')).toBeGreaterThan(mixScore('20140512'));
  });

  it('does not use recogniser confidence', () => {
    expect(plateScore(line('7ABC123', 0, 0, 30, 0.5))).toBe(plateScore(line('7ABC123', 0, 0, 30, 0.99)));
  });
});

describe('selectPlates', () => {
  it('picks the plate over a timestamp and van lettering read with higher confidence', () => {
    const plates = selectPlates([
      line('2014-05-12 08:34:10', 0, 0, 18, 0.99),
      line('PLUMBING', 100, 100, 60, 0.99),
      line('8FJK472', 300, 400, 28, 0.7),
    ]);
    expect(plates[0]?.text).toBe('8FJK472');
    expect(plates[0]?.confidence).toBeCloseTo(0.7, 3);
    expect(plates[0]?.box).toEqual({ x: 300, y: 400, w: 108, h: 28 });
  });

  it('reports each plate\'s plate-likeness score (0..1), higher for a plate than for lettering kept beside it', () => {
    const plates = selectPlates([line('8FJK472', 300, 400, 28, 0.7), line('WA5H', 300, 440, 26, 0.95)], { ...DEFAULT_SELECT_OPTIONS, minPlateScore: 0 });
    const plate = plates.find((p) => p.text === '8FJK472');
    const word = plates.find((p) => p.text === 'WA5H');
    expect(plate?.plateScore).toBeGreaterThan(0.5);
    expect(plate?.plateScore).toBeLessThanOrEqual(1);
    expect(word?.plateScore).toBeLessThan(plate?.plateScore as number);
  });

  it('offers plausible lines on or around the plate as candidates, never text far away', () => {
    const plates = selectPlates([line('8FJK472', 300, 400, 28), line('FJK4721', 310, 432, 10), line('7ABC12', 900, 100, 10)]);
    expect(plates[0]?.text).toBe('8FJK472');
    expect(plates[0]?.candidates.map((c) => c.text)).toContain('FJK4721');
    expect(plates.flatMap((p) => p.candidates.map((c) => c.text))).not.toContain('7ABC12');
  });

  it("never offers another vehicle's plate as a candidate", () => {
    const plates = selectPlates([line('8FJK472', 300, 400, 28), line('6TRK902', 900, 100, 28)]);
    expect(plates.map((p) => p.text).sort()).toEqual(['6TRK902', '8FJK472']);
    for (const p of plates) expect(p.candidates.map((c) => c.text)).not.toContain(p.text === '6TRK902' ? '8FJK472' : '6TRK902');
  });

  it('does not report a state name or slogan printed above or below a plate as a plate', () => {
    // "CALIFORNIA" partly cut by the frame edge reads like a 7-character plate; it sits just above the real one.
    const plates = selectPlates([line('6TRK902', 257, 36, 49, 0.99, 225), line('CAJ0RHD', 303, 0, 18, 0.83, 134)]);
    expect(plates.map((p) => p.text)).toEqual(['6TRK902']);
    expect(isPlateAnnotation({ x: 303, y: 0, w: 134, h: 18 }, { x: 257, y: 36, w: 225, h: 49 })).toBe(true);
    // A second plate of similar height beside it, or a small line far below, is not an annotation.
    expect(isPlateAnnotation({ x: 600, y: 40, w: 200, h: 45 }, { x: 257, y: 36, w: 225, h: 49 })).toBe(false);
    expect(isPlateAnnotation({ x: 300, y: 300, w: 134, h: 18 }, { x: 257, y: 36, w: 225, h: 49 })).toBe(false);
  });

  it('does not report a registration sticker in a corner of the plate as a plate', () => {
    // us-plate-crops vt9.png: "AUG 9" on a sticker below and right of the last character reads more plate-like than "7684".
    const plates = selectPlates([line('7684', 86, 40, 82, 0.99, 149), line('AUG9', 272, 136, 16, 0.91, 33)]);
    expect(plates.map((p) => p.text)).toEqual(['7684']);
    expect(plates[0]!.candidates.map((c) => c.text)).toContain('AUG9');
    // Further out than a character height beyond the characters' ends it is something else.
    expect(isPlateAnnotation({ x: 320, y: 136, w: 33, h: 16 }, { x: 86, y: 40, w: 149, h: 82 })).toBe(false);
  });

  it('returns nothing when no line reads like a plate', () => {
    expect(selectPlates([])).toEqual([]);
    expect(selectPlates([line('2014-05-12 08:34:10', 0, 0, 18), line('卫', 50, 50, 20)])).toEqual([]);
  });

  it('folds a region that repeats a better one into its candidates', () => {
    const plates = selectPlates([line('8FJK472', 300, 400, 28), line('8FJK47', 302, 401, 27, 0.9, 100)]);
    expect(plates).toHaveLength(1);
    expect(plates[0]?.candidates.map((c) => c.text)).toEqual(['8FJK47']);
  });

  it('prefers the tallest plausible line (plate characters over sticker numbers)', () => {
    expect(relativeHeightScore(30, 30, 0.4)).toBe(1);
    expect(relativeHeightScore(15, 30, 0.4)).toBeCloseTo(0.8, 6);
    const plates = selectPlates([line('U3375954', 10, 10, 22), line('5AJ230', 40, 60, 60)]);
    expect(plates[0]?.text).toBe('5AJ230');
  });

  it('offers the line as read and the runner-up character as candidates', () => {
    const l: LineRead = {
      ...line('AB123', 0, 0, 30),
      chars: [
        { char: 'A', confidence: 0.9 },
        { char: 'B', confidence: 0.6, alt: { char: '8', confidence: 0.3 } },
        { char: '1', confidence: 0.9 },
        { char: '2', confidence: 0.9 },
        { char: '3', confidence: 0.9 },
      ],
      alternatives: [{ text: 'AB1X23', confidence: 0.7 }],
    };
    expect(runnerUpReading(l)).toEqual({ text: 'A8123', confidence: expect.closeTo(0.78, 6) });
    expect(selectPlates([l])[0]?.candidates.map((c) => c.text)).toEqual(['AB1X23', 'A8123']);
  });
});

describe('fragment merging', () => {
  it('merges same-row fragments split by an emblem', () => {
    const left = line('ABC', 100, 200, 30, 0.9, 50);
    const right = line('1234', 175, 202, 29, 0.9, 66);
    expect(canMerge(left, right)).toBe(true);
    const regions = mergeFragments([right, left]);
    expect(regions).toHaveLength(1);
    expect(regions[0]?.line.chars.map((c) => c.char).join('')).toBe('ABC1234');
    expect(regions[0]?.line.box).toEqual({ x: 100, y: 200, w: 141, h: 31 });
    const plates = selectPlates([left, right]);
    expect(plates[0]?.text).toBe('ABC1234');
    expect(plates[0]?.candidates.map((c) => c.text)).toEqual(expect.arrayContaining(['1234', 'ABC']));
  });

  it('keeps lines apart when far apart, on different rows or of different heights', () => {
    const left = line('ABC', 100, 200, 30, 0.9, 50);
    expect(canMerge(left, line('1234', 300, 200, 30, 0.9, 66))).toBe(false);
    expect(canMerge(left, line('1234', 160, 240, 30, 0.9, 66))).toBe(false);
    expect(canMerge(left, line('1234', 160, 195, 12, 0.9, 30))).toBe(false);
  });

  it('does not merge when the merge reads less like a plate', () => {
    const regions = mergeFragments([line('8FJK472', 100, 200, 30), line('CA', 225, 200, 30, 0.9, 40)]);
    expect(regions.map((r) => r.line.chars.map((c) => c.char).join('')).sort()).toEqual(['8FJK472', 'CA']);
  });
});
