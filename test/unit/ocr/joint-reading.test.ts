import { describe, expect, it } from 'vitest';
import { platePrior } from '../../../src/ocr/char-prior.ts';
import { DEFAULT_JOINT_OPTIONS, jointReading } from '../../../src/ocr/joint-reading.ts';
import { withPlateReading } from '../../../src/ocr/plate-reread.ts';
import type { PlateRead } from '../../../src/ocr/types.ts';
import { output, readingOf, rowsOutput, sure, type Step } from '../../support/plate-outputs.ts';

// The generic recogniser reads WTG249, hesitating between G and C; the plate recogniser reads
// WTC249, less sure of everything but sure that the third character is not a G.
const genericSteps = [sure('W'), sure('T'), { G: 0.55, C: 0.4 }, sure('2'), sure('4'), sure('9')];
const plateSteps = [sure('W', 0.9), sure('T', 0.9), { C: 0.5, G: 0.05, O: 0.3 }, sure('2', 0.9), sure('4', 0.9), sure('9', 0.9)];
const plate: PlateRead = {
  text: 'WTG249',
  confidence: 0.918,
  box: { x: 10, y: 10, w: 60, h: 20 },
  candidates: [
    { text: 'WTC249', confidence: 0.893 },
    { text: 'TEXAS', confidence: 0.99 },
  ],
};

describe('jointReading', () => {
  it('takes the text both outputs make most likely, where the mean-confidence rule keeps the generic text', () => {
    const reading = readingOf(plateSteps);
    // The older rule: the generic reading is more confident on average (0.918 vs 0.833), so it stays.
    expect(withPlateReading(plate, reading, { minLength: 4, maxLength: 9, maxCandidates: 8, alternatives: { max: 4, minAltConfidence: 0.02 }, choose: 'confident' }).text).toBe('WTG249');
    const r = jointReading(plate, output(genericSteps), reading);
    expect(r.text).toBe('WTC249');
    // The higher of the two mean confidences for WTC249: the plate recogniser's 0.833, the
    // generic reading's candidate 0.893.
    expect(r.confidence).toBe(0.893);
    expect(r.chars?.map((c) => c.char).join('')).toBe('WTC249');
    expect(r.candidates[0]?.text).toBe('WTG249');
    expect(r.candidates.map((c) => c.text)).toContain('TEXAS');
    expect(r.box).toEqual(plate.box);
  });

  it('keeps the generic text when the plate recogniser agrees with it', () => {
    const agreeing = [sure('W', 0.9), sure('T', 0.9), { G: 0.6, C: 0.3 }, sure('2', 0.9), sure('4', 0.9), sure('9', 0.9)];
    const r = jointReading(plate, output(genericSteps), readingOf(agreeing));
    expect(r.text).toBe('WTG249');
    // The generic reading's mean confidence (0.918) is the higher of the two.
    expect(r.confidence).toBe(0.918);
    const surer = jointReading({ ...plate, confidence: 0.6 }, output(genericSteps), readingOf(agreeing));
    expect(surer.confidence).toBeCloseTo(0.85, 3);
    expect(r.chars?.map((c) => c.char).join('')).toBe('WTG249');
  });

  it('never lets a text of implausible length or another line win on the plate', () => {
    // The plate recogniser reads only two characters, sure of both; the other line (TEXAS) is
    // scored too but neither output reads it here.
    const short = [sure('W'), sure('T')];
    const r = jointReading(plate, output(genericSteps), readingOf(short));
    expect(r.text).toBe('WTG249');
    expect(r.candidates.map((c) => c.text)).toContain('WT');
    expect(r.chars).toBeUndefined();
  });

  it('offers texts only the beam search finds as candidates, never as the text', () => {
    // Both outputs spread a '2' over two steps at 0.45 each: the best path drops it (blank 0.55
    // twice) while the sum over alignments keeps it (1 - 0.55^2 = 0.70).
    const rows: Step[] = [sure('W'), {}, sure('T'), {}, sure('G'), {}, { '2': 0.45 }, { '2': 0.45 }, {}, sure('4'), {}, sure('9'), {}];
    const out = rowsOutput(rows);
    const chars = ['W', 'T', 'G', '4', '9'].map((char) => ({ char, confidence: 0.99 }));
    const dropped: PlateRead = { ...plate, text: 'WTG49', confidence: 0.99, candidates: [] };
    const r = jointReading(dropped, out, { text: 'WTG49', chars, plateProbs: out });
    expect(r.text).toBe('WTG49');
    expect(r.candidates[0]?.text).toBe('WTG249');
  });

  it("weighs an O/0 both outputs leave in doubt by the region's character prior, never a sure O", () => {
    // Both outputs lean a little to O in the third place; on plates where 0 is 17 times as
    // common (the shipped US counts), the prior turns it to 0.
    const doubt = [sure('C'), sure('H'), { O: 0.5, '0': 0.45 }, sure('P'), sure('8'), sure('Y')];
    const read: PlateRead = { ...plate, text: 'CHOP8Y', confidence: 0.9, candidates: [] };
    const us = platePrior({ '0': 254, O: 15 });
    expect(jointReading(read, output(doubt), readingOf(doubt)).text).toBe('CHOP8Y');
    const r = jointReading(read, output(doubt), readingOf(doubt), { ...DEFAULT_JOINT_OPTIONS, prior: us });
    expect(r.text).toBe('CH0P8Y');
    expect(r.candidates[0]?.text).toBe('CHOP8Y');
    // A prior with O and 0 equally common changes nothing.
    expect(jointReading(read, output(doubt), readingOf(doubt), { ...DEFAULT_JOINT_OPTIONS, prior: platePrior({ '0': 9, O: 9 }) }).text).toBe('CHOP8Y');
    // Both outputs sure of the O: the prior (log 17 = 2.8) does not outweigh them (2 x log(0.97 / 0.02) = 7.8).
    const sureO = [sure('C'), sure('H'), { O: 0.97, '0': 0.02 }, sure('P'), sure('8'), sure('Y')];
    expect(jointReading(read, output(sureO), readingOf(sureO), { ...DEFAULT_JOINT_OPTIONS, prior: us }).text).toBe('CHOP8Y');
  });
});
