import { describe, expect, it } from 'vitest';
import { platePrior } from '../../../src/ocr/char-prior.ts';
import { DEFAULT_DETECTOR_READING, DETECTOR_CROPS, detectorCropRect, detectorPlate } from '../../../src/ocr/detector-reading.ts';
import { readingOf as reading, sure } from '../../support/plate-outputs.ts';

const found = { box: { x: 100, y: 50, w: 200, h: 100 }, score: 0.8123 };

describe('detectorCropRect', () => {
  it('trims the top and bottom of the box and widens its sides by the given shares', () => {
    // Height 100 minus 8 % and 5 %: 87, from y 58; width 200 plus 3 % each side: 212.
    expect(detectorCropRect(found.box, DETECTOR_CROPS[0])).toEqual({ cx: 200, cy: 58 + 87 / 2, w: 212, h: 87, angle: 0 });
    // The looser view reaches 2 % above the box and 4 % below it.
    const loose = detectorCropRect(found.box, DETECTOR_CROPS[2]);
    expect(loose.cy - loose.h / 2).toBeCloseTo(48, 9);
    expect(loose.cy + loose.h / 2).toBeCloseTo(154, 9);
    expect(detectorCropRect(found.box, { top: 0, bottom: 0, side: 0 })).toEqual({ cx: 200, cy: 100, w: 200, h: 100, angle: 0 });
  });
});

describe('detectorPlate', () => {
  it("reads the recogniser's text with its characters, alternatives and the detector's score", () => {
    const p = detectorPlate(found, [reading([sure('7'), sure('A'), { B: 0.7, '8': 0.25 }, sure('C'), sure('1'), sure('2')])])!;
    expect(p.text).toBe('7ABC12');
    expect(p.chars?.map((c) => c.char).join('')).toBe('7ABC12');
    expect(p.candidates.map((c) => c.text)).toContain('7A8C12');
    expect(p.box).toEqual(found.box);
    expect(p.detectorScore).toBe(0.812);
    expect(p.plateScore).toBe(0.812);
  });

  it('drops a reading of implausible length', () => {
    expect(detectorPlate(found, [reading([sure('A'), sure('B'), sure('C')])])).toBeUndefined();
    expect(detectorPlate(found, [reading([]), reading([sure('A')])])).toBeUndefined();
    expect(detectorPlate(found, [])).toBeUndefined();
  });

  it("turns an O/0 in doubt by the region's prior, never a sure O", () => {
    const doubt = reading([sure('C'), sure('H'), { O: 0.5, '0': 0.45 }, sure('P'), sure('8'), sure('Y')]);
    const us = { ...DEFAULT_DETECTOR_READING, prior: platePrior({ '0': 254, O: 15 }) };
    expect(detectorPlate(found, [doubt])!.text).toBe('CHOP8Y');
    const r = detectorPlate(found, [doubt], us)!;
    expect(r.text).toBe('CH0P8Y');
    expect(r.chars).toBeUndefined();
    expect(r.candidates[0]?.text).toBe('CHOP8Y');
    const sureO = reading([sure('C'), sure('H'), { O: 0.97, '0': 0.02 }, sure('P'), sure('8'), sure('Y')]);
    expect(detectorPlate(found, [sureO], us)!.text).toBe('CHOP8Y');
  });

  it('lets the views of all crops decide together, keeping the characters of a crop that read the winner', () => {
    // The first crop is unsure of the third character and leans to G; the other two read C.
    const leansG = reading([sure('W'), sure('T'), { G: 0.5, C: 0.45 }, sure('2'), sure('4'), sure('9')]);
    const readsC = reading([sure('W'), sure('T'), { C: 0.8, G: 0.15 }, sure('2'), sure('4'), sure('9')]);
    expect(detectorPlate(found, [leansG])!.text).toBe('WTG249');
    const r = detectorPlate(found, [leansG, readsC, readsC])!;
    expect(r.text).toBe('WTC249');
    expect(r.chars?.[2]).toEqual({ char: 'C', confidence: 0.8 });
    expect(r.confidence).toBe(0.958);
    expect(r.candidates[0]?.text).toBe('WTG249');
    // A crop reading too few characters still scores the others' texts.
    expect(detectorPlate(found, [reading([sure('W')]), readsC])!.text).toBe('WTC249');
  });

  it("weighs each view's log-likelihood by its weight (an ensemble's views count 1/K each)", () => {
    // Mirror images: one view leans G as much as the other leans C, so the weights decide.
    const leansG = reading([sure('W'), sure('T'), { G: 0.6, C: 0.3 }, sure('2'), sure('4'), sure('9')]);
    const leansC = reading([sure('W'), sure('T'), { C: 0.6, G: 0.3 }, sure('2'), sure('4'), sure('9')]);
    expect(detectorPlate(found, [{ ...leansG, weight: 1 }, { ...leansC, weight: 0.5 }])!.text).toBe('WTG249');
    expect(detectorPlate(found, [{ ...leansG, weight: 0.5 }, { ...leansC, weight: 1 }])!.text).toBe('WTC249');
    // Two plate recognisers leaning G weigh 1/2 each: together one opinion against PP-OCR's C,
    // which is surer, so C wins; summed at full weight their two votes would outvote it.
    const modelG = reading([sure('W'), sure('T'), { G: 0.6, C: 0.3 }, sure('2'), sure('4'), sure('9')]);
    const ppocrC = reading([sure('W'), sure('T'), { C: 0.6, G: 0.25 }, sure('2'), sure('4'), sure('9')]);
    expect(detectorPlate(found, [{ ...modelG, weight: 0.5 }, { ...modelG, weight: 0.5 }, ppocrC])!.text).toBe('WTC249');
    expect(detectorPlate(found, [modelG, modelG, ppocrC])!.text).toBe('WTG249');
  });
});
