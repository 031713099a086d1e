/**
 * Hand-made recogniser outputs over the plate classes, for tests of the pure reading decisions
 * (joint reading, detector reading): each step gives the listed characters their probabilities
 * and the blank the rest.
 */
import type { CtcReading } from '../../src/ocr/ctc.ts';
import { PLATE_ALPHABET, PLATE_CLASSES, type PlateProbs } from '../../src/ocr/plate-classes.ts';

export type Step = Record<string, number>;

/** An output of exactly these steps. */
export function rowsOutput(rows: Step[]): PlateProbs {
  const probs = new Float32Array(rows.length * PLATE_CLASSES);
  rows.forEach((row, t) => {
    let used = 0;
    for (const [ch, p] of Object.entries(row)) {
      probs[t * PLATE_CLASSES + PLATE_ALPHABET.indexOf(ch) + 1] = p;
      used += p;
    }
    probs[t * PLATE_CLASSES] = 1 - used;
  });
  return { steps: rows.length, probs };
}

/** An output that reads one character per step, with a blank step after each. */
export function output(steps: Step[]): PlateProbs {
  return rowsOutput(steps.flatMap((s) => [s, {}]));
}

/** The greedy reading of such an output, as the plate recogniser returns it. */
export function readingOf(steps: Step[]): CtcReading & { plateProbs: PlateProbs } {
  const chars = steps.map((s) => {
    const [[char, confidence], alt] = Object.entries(s).sort((a, b) => b[1] - a[1]) as [[string, number], [string, number] | undefined];
    return alt ? { char, confidence, alt: { char: alt[0], confidence: alt[1] } } : { char, confidence };
  });
  return { text: chars.map((c) => c.char).join(''), chars, plateProbs: output(steps) };
}

/** A step sure of one character. */
export const sure = (ch: string, p = 0.99): Step => ({ [ch]: p });
