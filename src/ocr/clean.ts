/**
 * Pure clean-up of one line's reading: an emblem, sticker or separator between plate
 * characters is often read as an extra character with a much lower confidence than the rest of
 * a confidently read line. Such interior outliers are dropped (the reading as read stays
 * available as a candidate).
 */
import type { TextLine } from '../detect/db-postprocess.ts';
import type { CtcReading, DecodedChar } from './ctc.ts';
import { normaliseChars } from './normalise.ts';
import { meanConfidence, type LineRead } from './select.ts';

export interface CleanOptions {
  /** Interior characters below this confidence are dropped... */
  maxDropConfidence: number;
  /** ...when the line's median confidence is at least this. */
  minMedianConfidence: number;
  /** ...and the line has at least this many characters. */
  minLength: number;
}

export const DEFAULT_CLEAN_OPTIONS: CleanOptions = { maxDropConfidence: 0.45, minMedianConfidence: 0.9, minLength: 5 };

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** The characters without low-confidence interior outliers (the same array when none). */
export function dropInsertedChars(chars: readonly DecodedChar[], opts: CleanOptions = DEFAULT_CLEAN_OPTIONS): readonly DecodedChar[] {
  if (chars.length < opts.minLength) return chars;
  if (median(chars.map((c) => c.confidence)) < opts.minMedianConfidence) return chars;
  const last = chars.length - 1;
  const kept = chars.filter((c, i) => i === 0 || i === last || c.confidence >= opts.maxDropConfidence);
  return kept.length === chars.length ? chars : kept;
}

/** A detected line with its reading, normalised and cleaned; the reading as read is kept as an alternative. */
export function lineRead(line: Pick<TextLine, 'box' | 'rect'>, reading: CtcReading, opts: CleanOptions = DEFAULT_CLEAN_OPTIONS): LineRead {
  const asRead = normaliseChars(reading.chars);
  const chars = dropInsertedChars(asRead, opts);
  return {
    box: line.box,
    height: line.rect.h,
    width: line.rect.w,
    raw: reading.text,
    chars,
    alternatives: chars === asRead ? [] : [{ text: asRead.map((c) => c.char).join(''), confidence: meanConfidence(asRead) }],
  };
}
