/**
 * Reading a plate straight from the plate detector's box with the plate recogniser alone
 * (reader.plateDetector 'only'): no text detector and no generic recogniser, so a frame costs the
 * two small models only (docs/accuracy.md, docs/benchmarks.md), at the price of the second
 * opinion the joint reading gets from PP-OCR.
 */
import type { Box, PlateRead } from './types.ts';
import type { DetectedPlate } from '../detect/plate-heatmap.ts';
import type { RotatedRect } from '../detect/geometry.ts';
import { type CharPrior, textPrior } from './char-prior.ts';
import type { CtcReading } from './ctc.ts';
import { ctcBeamSearch, ctcLogLikelihood } from './ctc-score.ts';
import { normaliseChars } from './normalise.ts';
import { DEFAULT_ALTERNATIVE_OPTIONS, meanOf, plateAlternatives } from './plate-alternatives.ts';
import type { PlateProbs } from './plate-classes.ts';

/**
 * Shares of the detector's box trimmed from the top and bottom and added on each side: the middle
 * of the crop jitter the recogniser was trained with around true plate boxes (augment.py: top
 * trimmed -12..28 % of the height, bottom -12..22 %, sides widened -2..8 % of the width), so the
 * state name and slogan mostly fall outside as they did in training.
 */
export const DETECTOR_CROP = { top: 0.08, bottom: 0.05, side: 0.03 } as const;

export function detectorCropRect(box: Box, crop: { top: number; bottom: number; side: number } = DETECTOR_CROP): RotatedRect {
  const h = box.h * (1 - crop.top - crop.bottom);
  return { cx: box.x + box.w / 2, cy: box.y + box.h * crop.top + h / 2, w: box.w * (1 + 2 * crop.side), h, angle: 0 };
}

export interface DetectorReadingOptions {
  minLength: number;
  maxLength: number;
  maxCandidates: number;
  prior?: CharPrior;
}

export const DEFAULT_DETECTOR_READING: DetectorReadingOptions = { minLength: 4, maxLength: 9, maxCandidates: 8 };

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/**
 * The plate a detection reads as, or undefined when its reading is of implausible length. The
 * greedy reading and its runner-up alternatives may win, ranked by their likelihood under the
 * recogniser's output plus the region's prior; beam-search texts (a character more or fewer) are
 * candidates only, as in the joint reading. Both scores are the detector's plate-likeness.
 */
export function detectorPlate(found: DetectedPlate, reading: CtcReading & { plateProbs: PlateProbs }, opts: DetectorReadingOptions = DEFAULT_DETECTOR_READING): PlateRead | undefined {
  const chars = normaliseChars(reading.chars);
  const text = chars.map((c) => c.char).join('');
  const fits = (t: string) => t.length >= opts.minLength && t.length <= opts.maxLength;
  if (!fits(text)) return undefined;
  const confidenceOf = new Map<string, number>([[text, meanOf(chars)]]);
  for (const a of plateAlternatives(chars, DEFAULT_ALTERNATIVE_OPTIONS)) if (!confidenceOf.has(a.text)) confidenceOf.set(a.text, a.confidence);
  const readable = new Set(confidenceOf.keys());
  const probs = reading.plateProbs;
  for (const b of ctcBeamSearch(probs)) if (!confidenceOf.has(b.text)) confidenceOf.set(b.text, Math.exp(b.logP / Math.max(1, b.text.length)));
  const scored = [...confidenceOf.entries()].map(([t, confidence]) => ({
    text: t,
    confidence,
    score: ctcLogLikelihood(probs, t) + (opts.prior ? textPrior(opts.prior, t) : 0),
  }));
  const byScore = scored.sort((a, b) => b.score - a.score);
  const best = byScore.find((s) => readable.has(s.text) && fits(s.text) && Number.isFinite(s.score)) ?? byScore.find((s) => s.text === text)!;
  const score = round3(found.score);
  return {
    text: best.text,
    confidence: round3(best.confidence),
    box: found.box,
    candidates: byScore
      .filter((c) => c.text !== best.text && c.text.length > 0)
      .slice(0, opts.maxCandidates)
      .map((c) => ({ text: c.text, confidence: round3(c.confidence) })),
    ...(best.text === text ? { chars: chars.map((c) => ({ char: c.char, confidence: round3(c.confidence) })) } : {}),
    plateScore: score,
    detectorScore: score,
  };
}
