import { describe, expect, it } from 'vitest';
import type { CtcReading } from '../../../src/ocr/ctc.ts';
import { DEFAULT_REREAD_OPTIONS, lineRectFor, plateCropFor, plateLineParts, withPlateReading } from '../../../src/ocr/plate-reread.ts';
import type { PlateRead } from '../../../src/ocr/types.ts';

const plate: PlateRead = {
  text: 'ABC0I23',
  confidence: 0.8,
  box: { x: 100, y: 50, w: 120, h: 30 },
  candidates: [{ text: 'TEXAS', confidence: 0.99 }],
};

function reading(chars: Array<[string, number, string?, number?]>): CtcReading {
  return {
    text: chars.map((c) => c[0]).join(''),
    chars: chars.map(([char, confidence, alt, altP]) => (alt ? { char, confidence, alt: { char: alt, confidence: altP! } } : { char, confidence })),
  };
}

describe('which region the plate recogniser reads', () => {
  const line = { box: { x: 100, y: 50, w: 120, h: 30 }, rect: { cx: 160, cy: 65, w: 118, h: 26, angle: 0.05 } };

  it('uses the detected line of the selected plate, widened', () => {
    expect(lineRectFor(plate.box, [line, { box: { x: 0, y: 0, w: 50, h: 10 }, rect: { cx: 25, cy: 5, w: 50, h: 10, angle: 0 } }])).toBe(line.rect);
    const crop = plateCropFor(plate.box, [line])!;
    expect(crop.cx).toBe(160);
    expect(crop.angle).toBe(0.05);
    expect(crop.h).toBeGreaterThan(26);
    expect(crop.w).toBeGreaterThan(118);
  });

  it('reads fragments merged across an emblem as one region with their mean angle', () => {
    const left = { box: { x: 100, y: 52, w: 50, h: 26 }, rect: { cx: 125, cy: 65, w: 50, h: 24, angle: 0.02 } };
    const right = { box: { x: 170, y: 50, w: 50, h: 28 }, rect: { cx: 195, cy: 64, w: 50, h: 26, angle: 0.04 } };
    const r = lineRectFor(plate.box, [left, right])!;
    expect(r.cx).toBe(160);
    expect(r.cy).toBe(65);
    expect(r.h).toBe(26);
    expect(r.angle).toBeCloseTo(0.03, 10);
    expect(r.w).toBeGreaterThan(110);
    expect(r.w).toBeLessThanOrEqual(120);
  });

  it('has nothing to read when no detected line lies in the box', () => {
    expect(plateCropFor(plate.box, [])).toBeUndefined();
  });
});

describe('plateLineParts: the lines whose generic output a plate is scored against', () => {
  const rect = { cx: 0, cy: 0, w: 1, h: 1, angle: 0 };
  const line = (x: number, y: number, w: number, h: number) => ({ box: { x, y, w, h }, rect });

  it('is the one line whose box the plate kept', () => {
    const lines = [line(0, 0, 10, 5), line(100, 50, 120, 30)];
    expect(plateLineParts(lines[1]!.box, lines)).toEqual([1]);
  });

  it('is the fragments inside a merged plate, left to right', () => {
    const lines = [line(170, 50, 50, 28), line(5, 5, 20, 10), line(100, 52, 50, 26)];
    expect(plateLineParts({ x: 100, y: 50, w: 120, h: 30 }, lines)).toEqual([2, 0]);
  });

  it('has no order for lines standing over each other (a stacked pair)', () => {
    const lines = [line(100, 50, 30, 12), line(102, 64, 28, 12), line(135, 50, 80, 28)];
    expect(plateLineParts({ x: 100, y: 50, w: 120, h: 30 }, lines)).toBeUndefined();
    expect(plateLineParts({ x: 0, y: 0, w: 10, h: 10 }, lines)).toBeUndefined();
  });
});

describe('withPlateReading', () => {
  it('takes the plate reading, with per-character confidences, its alternatives and the generic text as candidates', () => {
    const r = withPlateReading(
      plate,
      reading([
        ['A', 0.99],
        ['B', 0.98],
        ['C', 0.97],
        ['O', 0.6, '0', 0.39],
        ['1', 0.95],
        ['2', 0.99],
        ['3', 0.99],
      ]),
    );
    expect(r.text).toBe('ABCO123');
    expect(r.confidence).toBeCloseTo((0.99 + 0.98 + 0.97 + 0.6 + 0.95 + 0.99 + 0.99) / 7, 3);
    expect(r.chars?.map((c) => c.char).join('')).toBe('ABCO123');
    expect(r.chars?.[3]?.confidence).toBe(0.6);
    expect(r.candidates.map((c) => c.text)).toEqual(['ABC0123', 'ABC0I23', 'TEXAS']);
    expect(r.box).toEqual(plate.box);
  });

  it('keeps the generic text when the plate reading has an implausible length, offering it as a candidate', () => {
    const r = withPlateReading(plate, reading([['A', 0.5], ['B', 0.5]]));
    expect(r.text).toBe('ABC0I23');
    expect(r.confidence).toBe(0.8);
    expect(r.chars).toBeUndefined();
    expect(r.candidates.map((c) => c.text)).toEqual(['AB', 'TEXAS']);
  });

  it("ensemble ('confident'): the more confident reading wins, the other leads the candidates", () => {
    const confident = { ...DEFAULT_REREAD_OPTIONS, choose: 'confident' as const };
    const unsure = reading([['A', 0.7], ['B', 0.7], ['C', 0.7], ['O', 0.5, '0', 0.45], ['1', 0.7], ['2', 0.7], ['3', 0.7]]);
    const keep = withPlateReading(plate, unsure, confident); // 0.67 < the generic 0.8
    expect(keep.text).toBe('ABC0I23');
    expect(keep.confidence).toBe(0.8);
    expect(keep.chars).toBeUndefined();
    expect(keep.candidates.map((c) => c.text)).toEqual(['ABCO123', 'ABC0123', 'TEXAS']);
    const sure = reading('ABC0123'.split('').map((ch) => [ch, 0.95] as [string, number]));
    const take = withPlateReading(plate, sure, confident);
    expect(take.text).toBe('ABC0123');
    expect(take.chars).toHaveLength(7);
    expect(take.candidates.map((c) => c.text)).toEqual(['ABC0I23', 'TEXAS']);
    // The default ('plate') takes the plate reading whatever the confidences.
    expect(withPlateReading(plate, unsure).text).toBe('ABCO123');
  });

  it('caps the candidates', () => {
    const many = { ...plate, candidates: Array.from({ length: 20 }, (_, i) => ({ text: `X${i}YZ`, confidence: 0.5 })) };
    const r = withPlateReading(many, reading('ABC123'.split('').map((ch) => [ch, 0.9] as [string, number])));
    expect(r.candidates).toHaveLength(8);
  });
});
