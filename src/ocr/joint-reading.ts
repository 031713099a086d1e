/**
 * Pure joint choice between the two recognisers' readings of one plate. Each candidate text (the
 * generic reading, the plate recogniser's reading, and their alternatives) is scored by how
 * likely each recogniser's output makes it (CTC forward, ctc-score.ts), and the text with the
 * highest sum of the two log-likelihoods wins: a character one model is unsure of is decided by
 * the other, which comparing mean confidences cannot do. With a region's character prior
 * (char-prior.ts) the score is the log posterior: a glyph both outputs leave in doubt goes to the
 * character that region's plates carry far more often.
 */
import type { PlatePrior } from './char-prior.ts';
import type { CtcReading } from './ctc.ts';
import { normaliseChars } from './normalise.ts';
import { DEFAULT_ALTERNATIVE_OPTIONS, meanOf, plateAlternatives } from './plate-alternatives.ts';
import type { PlateProbs } from './plate-classes.ts';
import { round3, TextPool } from './rank-texts.ts';
import type { PlateCandidate, PlateRead } from './types.ts';

export interface JointOptions {
  /** A text only wins with this many characters or more (the generic text may always win)... */
  minLength: number;
  /** ...and at most this many. */
  maxLength: number;
  maxCandidates: number;
  /** The region's character prior, added to the score (none: every text's prior is equal). */
  prior?: PlatePrior;
}

export const DEFAULT_JOINT_OPTIONS: JointOptions = { minLength: 4, maxLength: 9, maxCandidates: 8 };

/**
 * The plate with the jointly most likely text. `generic` is the generic recogniser's output for
 * the plate's line; `reading` the plate recogniser's reading of the plate crop (with its output).
 * Candidates: the other scored texts best first, then the plate's other candidates.
 */
export function jointReading(plate: PlateRead, generic: PlateProbs, reading: CtcReading & { plateProbs: PlateProbs }, opts: JointOptions = DEFAULT_JOINT_OPTIONS): PlateRead {
  const chars = normaliseChars(reading.chars);
  const plateText = chars.map((c) => c.char).join('');
  // A text both recognisers read keeps the higher of their mean confidences (as the mean-
  // confidence rule did): agreement must not make a reading look less sure to the tracker.
  const pool = new TextPool();
  pool.note(plate.text, plate.confidence);
  pool.note(plateText, meanOf(chars));
  for (const c of plateAlternatives(chars, DEFAULT_ALTERNATIVE_OPTIONS)) pool.note(c.text, c.confidence);
  for (const c of plate.candidates) pool.note(c.text, c.confidence);
  // The beam search adds texts with a character more or fewer than either reading: offered to
  // the hot-list matcher as candidates, never the plate's text (letting them win cost US and
  // crop reads: under both outputs, dropping a doubtful character often scores higher than
  // reading it).
  const readable = pool.texts();
  const byScore = pool.rank([generic, reading.plateProbs], opts.prior);
  const canWin = (t: string) => t === plate.text || (readable.has(t) && t.length >= opts.minLength && t.length <= opts.maxLength);
  const best = byScore.find((s) => canWin(s.text) && Number.isFinite(s.score)) ?? { text: plate.text, confidence: plate.confidence };
  // The most likely other texts first; then every earlier candidate not among them (other lines
  // near the plate, which this plate's outputs do not read but the hot-list matcher should try).
  const candidates: PlateCandidate[] = byScore
    .filter((c) => c.text !== best.text)
    .slice(0, opts.maxCandidates)
    .map((c) => ({ text: c.text, confidence: round3(c.confidence) }));
  for (const c of plate.candidates) {
    if (c.text !== best.text && !candidates.some((k) => k.text === c.text)) candidates.push(c);
  }
  return {
    ...plate,
    text: best.text,
    confidence: round3(best.confidence),
    candidates,
    ...(best.text === plateText ? { chars: chars.map((c) => ({ char: c.char, confidence: round3(c.confidence) })) } : {}),
  };
}
