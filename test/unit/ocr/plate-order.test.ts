import { describe, expect, it } from 'vitest';
import { betterRead, cutByFrame, orderPlates, plateReadScore } from '../../../src/ocr/plate-order.ts';
import type { PlateRead } from '../../../src/ocr/types.ts';

function read(text: string, confidence: number, detectorScore: number, x: number, y = 300, w = 60, h = 30): PlateRead {
  return { text, confidence, box: { x, y, w, h }, candidates: [], plateScore: detectorScore, detectorScore };
}

describe('which plate of a frame comes first', () => {
  it('puts a plate the frame edge cuts after every whole plate, whatever their scores', () => {
    // openalpr-us-dev car22.jpg (1280x960): a car half out of the picture on the left.
    const cut = read('6F1A', 0.999, 0.56, -11.9, 329.6, 57.8, 31.3);
    const whole = read('CH0P8Y', 0.762, 0.4, 485.9, 376.1, 52.6, 25.3);
    expect(orderPlates([cut, whole], 1280, 960).map((p) => p.text)).toEqual(['CH0P8Y', '6F1A']);
  });

  it("ranks whole plates by the detector's score times the read's confidence", () => {
    // openalpr-us-dev 5b562a61...jpg: the detector scored the truck's logo above its plate.
    const logo = read('GCEX', 0.583, 0.466, 17.5);
    const fleetNumber = read('8205014', 0.885, 0.42, 169.6);
    const plate = read('91A4ZA', 0.999, 0.381, 518.7);
    expect(plateReadScore(logo)).toBeCloseTo(0.2717, 4);
    expect(orderPlates([logo, fleetNumber, plate], 1280, 720).map((p) => p.text)).toEqual(['91A4ZA', '8205014', 'GCEX']);
  });

  it('keeps the given order on ties, falls back to the plate score, and leaves its input alone', () => {
    const a = read('AAA111', 0.9, 0.5, 10);
    const b = read('BBB222', 0.9, 0.5, 200);
    const noDetector: PlateRead = { text: 'CCC333', confidence: 0.9, box: { x: 400, y: 10, w: 60, h: 30 }, candidates: [], plateScore: 0.6 };
    const input = [a, b, noDetector];
    expect(orderPlates(input, 640, 360).map((p) => p.text)).toEqual(['CCC333', 'AAA111', 'BBB222']);
    expect(input.map((p) => p.text)).toEqual(['AAA111', 'BBB222', 'CCC333']);
    expect(orderPlates([], 640, 360)).toEqual([]);
  });
});

describe('a box the frame cuts', () => {
  it('is one reaching past any edge; a box touching the edges from inside is whole', () => {
    expect(cutByFrame({ x: 0, y: 0, w: 640, h: 360 }, 640, 360)).toBe(false);
    expect(cutByFrame({ x: -0.5, y: 10, w: 60, h: 30 }, 640, 360)).toBe(true);
    expect(cutByFrame({ x: 10, y: -1, w: 60, h: 30 }, 640, 360)).toBe(true);
    expect(cutByFrame({ x: 581, y: 10, w: 60, h: 30 }, 640, 360)).toBe(true);
    expect(cutByFrame({ x: 10, y: 331, w: 60, h: 30 }, 640, 360)).toBe(true);
  });
});

describe('the better of two boxes for one plate', () => {
  it('keeps the read with the higher detector score times confidence, whichever box read it', () => {
    // openalpr-br JGZ3298.jpg: the main scale's half box against the coarse scale's whole plate.
    const half = read('GZ29', 0.587, 0.534, 384, 432, 454, 146);
    const whole = read('JGZ3298', 1, 0.84, 244, 341, 762, 240);
    expect(betterRead([half, whole])).toBe(whole);
    // openalpr-eu test_095.jpg: the main box reads right, the coarse box 6 px lower misreads.
    const main = read('NO626AT', 1, 0.94, 199, 172, 111, 24);
    const coarse = read('NO626AI', 0.995, 0.9, 198, 178, 112, 24);
    expect(betterRead([main, coarse])).toBe(main);
    expect(betterRead([undefined, coarse])).toBe(coarse);
    expect(betterRead([undefined, undefined])).toBeUndefined();
  });
});
