/**
 * Reading a plate straight from the plate detector's box (reader.plateDetector 'only'): no text
 * detector, so a frame costs the small plate detector and one recogniser run per crop
 * (docs/accuracy.md, docs/benchmarks.md). The plate recogniser reads three crops of the box,
 * PP-OCR's recogniser (recognizer 'ensemble') the tight one, and every output scores every
 * candidate, as in the joint reading.
 */
import type { Box, PlateRead } from './types.ts';
import type { DetectedPlate } from '../detect/plate-heatmap.ts';
import type { RotatedRect } from '../detect/geometry.ts';
import type { CtcReading } from './ctc.ts';
import { DEFAULT_JOINT_OPTIONS, type JointOptions } from './joint-reading.ts';
import { normaliseChars } from './normalise.ts';
import { DEFAULT_ALTERNATIVE_OPTIONS, meanOf, plateAlternatives } from './plate-alternatives.ts';
import type { PlateProbs } from './plate-classes.ts';
import { round3, TextPool } from './rank-texts.ts';

/**
 * The crops read for each detection, as shares of the detector's box trimmed from the top and
 * bottom and added on each side. The first is the middle of the crop jitter the recogniser was
 * trained with around true plate boxes (augment.py: top trimmed -12..28 % of the height, bottom
 * -12..22 %, sides widened -2..8 % of the width), so the state name and slogan mostly fall
 * outside as in training; the other two sit towards either end of that range, a tighter and a
 * looser view. Three views of one plate disagree where a single crop is unlucky, and the sum of
 * their log-likelihoods decides (docs/accuracy.md: US scenes 0.597 with the first alone, 0.746
 * with all three).
 */
export const DETECTOR_CROPS = [
  { top: 0.08, bottom: 0.05, side: 0.03 },
  { top: 0.18, bottom: 0.14, side: 0 },
  { top: -0.02, bottom: -0.04, side: 0.06 },
] as const;

/**
 * The crop PP-OCR's recogniser reads: the tight view, the band of the plate's characters. It was
 * trained on tight text lines, not whole plates (docs/accuracy.md: US scenes 0.836 with this
 * crop against 0.806 with the first and 0.821 with all three, at PP-OCR's 320 px padding).
 */
export const PPOCR_CROP = DETECTOR_CROPS[1];

export interface CropShares {
  top: number;
  bottom: number;
  side: number;
}

export function detectorCropRect(box: Box, crop: CropShares): RotatedRect {
  const h = box.h * (1 - crop.top - crop.bottom);
  return { cx: box.x + box.w / 2, cy: box.y + box.h * crop.top + h / 2, w: box.w * (1 + 2 * crop.side), h, angle: 0 };
}

/** The joint reading's limits (length 4-9, 8 candidates) and its region prior. */
export type DetectorReadingOptions = JointOptions;
export const DEFAULT_DETECTOR_READING: DetectorReadingOptions = DEFAULT_JOINT_OPTIONS;

/**
 * One recogniser's reading of one crop. `weight` scales its log-likelihood in the sum (default
 * 1): each of K plate recognisers' views weighs 1/K, so the ensemble's views count as one
 * recogniser's against PP-OCR's (docs/accuracy.md, "Three plate recognisers").
 */
export type WeightedReading = CtcReading & { plateProbs: PlateProbs; weight?: number };

/**
 * The plate a detection reads as, from the recognisers' readings of its crops (DETECTOR_CROPS,
 * PPOCR_CROP), or undefined when none reads a text of plausible length. Each reading's greedy
 * text and its runner-up alternatives may win, ranked by the sum of their log-likelihoods under
 * every reading's output (times its weight) plus the region's prior; beam-search texts (a
 * character more or fewer) are candidates only, as in the joint reading. Both scores are the
 * detector's plate-likeness.
 */
export function detectorPlate(found: DetectedPlate, readings: readonly WeightedReading[], opts: DetectorReadingOptions = DEFAULT_DETECTOR_READING): PlateRead | undefined {
  const fits = (t: string) => t.length >= opts.minLength && t.length <= opts.maxLength;
  // A text several crops read keeps its highest confidence.
  const pool = new TextPool();
  const greedy = readings.map((r) => normaliseChars(r.chars));
  for (const chars of greedy) {
    pool.note(chars.map((c) => c.char).join(''), meanOf(chars));
    for (const a of plateAlternatives(chars, DEFAULT_ALTERNATIVE_OPTIONS)) pool.note(a.text, a.confidence);
  }
  const readable = new Set([...pool.texts()].filter(fits));
  if (readable.size === 0) return undefined;
  const byScore = pool.rank(
    readings.map((r) => r.plateProbs),
    opts.prior,
    readings.map((r) => r.weight ?? 1),
  );
  const best = byScore.find((s) => readable.has(s.text) && Number.isFinite(s.score)) ?? byScore.find((s) => readable.has(s.text))!;
  const chars = greedy.find((g) => g.map((c) => c.char).join('') === best.text);
  const score = round3(found.score);
  return {
    text: best.text,
    confidence: round3(best.confidence),
    box: found.box,
    candidates: byScore
      .filter((c) => c.text !== best.text)
      .slice(0, opts.maxCandidates)
      .map((c) => ({ text: c.text, confidence: round3(c.confidence) })),
    ...(chars ? { chars: chars.map((c) => ({ char: c.char, confidence: round3(c.confidence) })) } : {}),
    plateScore: score,
    detectorScore: score,
  };
}
