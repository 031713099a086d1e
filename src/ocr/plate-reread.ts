/**
 * Pure glue between plate selection and the plate recogniser: which rotated rectangle to read
 * for a selected plate (its detected line, or the lines merged into it), and how the plate
 * recogniser's reading replaces the generic recogniser's text while that text stays a candidate.
 */
import type { RotatedRect } from '../detect/geometry.ts';
import type { CtcReading } from './ctc.ts';
import { normaliseChars } from './normalise.ts';
import { DEFAULT_ALTERNATIVE_OPTIONS, meanOf, plateAlternatives, type AlternativeOptions } from './plate-alternatives.ts';
import { DEFAULT_CROP_MARGINS, plateCropRect, type CropMargins } from './plate-preprocess.ts';
import type { Box, PlateCandidate, PlateRead } from './types.ts';

/** A detected line as selection saw it: its axis-aligned box and its rotated rectangle. */
export interface DetectedLine {
  box: Box;
  rect: RotatedRect;
}

function inside(inner: Box, outer: Box, slack = 1): boolean {
  return inner.x >= outer.x - slack && inner.y >= outer.y - slack && inner.x + inner.w <= outer.x + outer.w + slack && inner.y + inner.h <= outer.y + outer.h + slack;
}

/**
 * The line rectangle behind a selected plate box: the one line with that box, or, for fragments
 * merged across an emblem, the union box turned by the parts' mean angle and as tall as the
 * tallest part. Undefined when no detected line lies inside the box.
 */
export function lineRectFor(plateBox: Box, lines: readonly DetectedLine[]): RotatedRect | undefined {
  const parts = lines.filter((l) => inside(l.box, plateBox));
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0]!.rect;
  const angle = parts.reduce((s, p) => s + p.rect.angle, 0) / parts.length;
  const h = Math.max(...parts.map((p) => p.rect.h));
  const cos = Math.abs(Math.cos(angle));
  return { cx: plateBox.x + plateBox.w / 2, cy: plateBox.y + plateBox.h / 2, w: Math.max(h, (plateBox.w - h * Math.abs(Math.sin(angle))) / Math.max(cos, 0.5)), h, angle };
}

/**
 * The detected lines a plate was read from, left to right: the one line whose box is the plate's
 * box, or the fragments inside a merged plate's box when they stand side by side on one row.
 * Undefined when the lines inside overlap horizontally (a stacked pair, a line read twice).
 */
export function plateLineParts(plateBox: Box, lines: readonly DetectedLine[]): number[] | undefined {
  const same = lines.findIndex((l) => l.box === plateBox);
  if (same >= 0) return [same];
  const parts = lines
    .map((l, i) => ({ box: l.box, i }))
    .filter((p) => inside(p.box, plateBox))
    .sort((a, b) => a.box.x - b.box.x);
  if (parts.length === 0) return undefined;
  for (let k = 1; k < parts.length; k++) {
    const a = parts[k - 1]!.box;
    const b = parts[k]!.box;
    if (a.x + a.w - b.x > 0.3 * Math.min(a.w, b.w)) return undefined;
  }
  return parts.map((p) => p.i);
}

/** The crop the plate recogniser reads for a plate, or undefined when it has no detected line. */
export function plateCropFor(plateBox: Box, lines: readonly DetectedLine[], margins: CropMargins = DEFAULT_CROP_MARGINS): RotatedRect | undefined {
  const rect = lineRectFor(plateBox, lines);
  return rect && plateCropRect(rect, margins);
}

export interface RereadOptions {
  /** The plate reading replaces the generic text only with at least this many characters. */
  minLength: number;
  maxLength: number;
  /** Candidates kept per plate. */
  maxCandidates: number;
  alternatives: AlternativeOptions;
  /** 'plate': a usable plate reading wins; 'confident': the reading with the higher mean character confidence wins. */
  choose: 'plate' | 'confident';
}

export const DEFAULT_REREAD_OPTIONS: RereadOptions = { minLength: 4, maxLength: 9, maxCandidates: 8, alternatives: DEFAULT_ALTERNATIVE_OPTIONS, choose: 'plate' };

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/**
 * The plate as the plate recogniser reads it: its text and mean character confidence, then its
 * alternatives, the generic reading and the earlier candidates (deduplicated, capped). A reading
 * of implausible length (an empty or 2-character read of a region selection still liked) only
 * joins the candidates. With `choose: 'confident'` the generic reading stays the text when it is
 * the more confident of the two (the plate reading and its alternatives then lead the candidates).
 */
export function withPlateReading(plate: PlateRead, reading: CtcReading, opts: RereadOptions = DEFAULT_REREAD_OPTIONS): PlateRead {
  const chars = normaliseChars(reading.chars);
  const text = chars.map((c) => c.char).join('');
  const confidence = round3(meanOf(chars));
  const usable = text.length >= opts.minLength && text.length <= opts.maxLength;
  const generic = { text: plate.text, confidence: plate.confidence };
  const plateWins = usable && (opts.choose === 'plate' || confidence >= plate.confidence);
  const best = plateWins ? { text, confidence } : generic;
  const pool: PlateCandidate[] = plateWins
    ? [...plateAlternatives(chars, opts.alternatives), generic, ...plate.candidates]
    : [...(text ? [{ text, confidence }] : []), ...(usable ? plateAlternatives(chars, opts.alternatives) : []), ...plate.candidates];
  const seen = new Set([best.text]);
  const candidates: PlateCandidate[] = [];
  for (const c of pool) {
    if (candidates.length >= opts.maxCandidates) break;
    if (c.text.length === 0 || seen.has(c.text)) continue;
    seen.add(c.text);
    candidates.push(c);
  }
  return { ...plate, text: best.text, confidence: best.confidence, candidates, ...(plateWins ? { chars: chars.map((c) => ({ char: c.char, confidence: round3(c.confidence) })) } : {}) };
}
