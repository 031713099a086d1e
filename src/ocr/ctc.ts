/**
 * Pure CTC handling for the PP-OCR recogniser: the class list built from the keys file and
 * greedy (best path) decoding with per-character confidences.
 */
import type { PlateProbs } from './plate-classes.ts';

/** One decoded character: the best class of its run, and the runner-up non-blank class. */
export interface DecodedChar {
  char: string;
  /** Highest probability of `char` over its run of time steps (0..1). */
  confidence: number;
  /** Second most likely non-blank character at that step, with its probability. */
  alt?: { char: string; confidence: number };
}

export interface CtcReading {
  /** Raw text as read (any script). */
  text: string;
  chars: DecodedChar[];
  /** The output projected onto plate classes, for scoring other readings against it (ctc-score.ts). */
  plateProbs?: PlateProbs;
}

/**
 * Classes of the recogniser: index 0 is the CTC blank, then one per line of the keys file,
 * then a space. The keys file has no trailing newline; a trailing empty line is ignored.
 */
export function parseKeys(text: string): string[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return ['', ...lines, ' '];
}

/**
 * Greedy CTC decoding of one sequence: `probs` holds `steps` x `classes` probabilities
 * starting at `offset`. Repeats collapse and blanks separate characters.
 */
export function ctcGreedyDecode(probs: Float32Array, steps: number, classes: number, charset: readonly string[], offset = 0): CtcReading {
  const chars: DecodedChar[] = [];
  let prev = 0;
  for (let t = 0; t < steps; t++) {
    const base = offset + t * classes;
    let best = 0;
    let bestP = -1;
    let second = 0;
    let secondP = -1;
    for (let c = 0; c < classes; c++) {
      const p = probs[base + c]!;
      if (p > bestP) {
        if (best !== 0) {
          second = best;
          secondP = bestP;
        }
        best = c;
        bestP = p;
      } else if (c !== 0 && p > secondP) {
        second = c;
        secondP = p;
      }
    }
    if (best !== 0 && best !== prev) {
      const ch: DecodedChar = { char: charset[best] ?? '', confidence: bestP };
      if (second !== 0 && secondP > 0) ch.alt = { char: charset[second] ?? '', confidence: secondP };
      chars.push(ch);
    } else if (best !== 0 && best === prev) {
      const last = chars[chars.length - 1];
      if (last && bestP > last.confidence) last.confidence = bestP;
    }
    prev = best;
  }
  return { text: chars.map((c) => c.char).join(''), chars };
}

