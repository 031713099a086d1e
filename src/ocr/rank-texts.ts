/**
 * The ranking both likelihood readings share (joint-reading.ts: PP-OCR and the plate recogniser;
 * detector-reading.ts: the plate recogniser on several crops): a pool of candidate texts, each
 * with the highest confidence any source gave it, scored by the sum of its CTC log-likelihoods
 * under every output plus the region's log prior.
 */
import { type PlatePrior, textPrior } from './char-prior.ts';
import { ctcBeamSearch, ctcLogLikelihood } from './ctc-score.ts';
import type { PlateProbs } from './plate-classes.ts';

export interface RankedText {
  text: string;
  confidence: number;
  score: number;
}

export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** Candidate texts with their confidences; a text offered twice keeps the higher one. */
export class TextPool {
  private readonly confidenceOf = new Map<string, number>();

  note(text: string, confidence: number): void {
    if (text && confidence > (this.confidenceOf.get(text) ?? -1)) this.confidenceOf.set(text, confidence);
  }

  texts(): Set<string> {
    return new Set(this.confidenceOf.keys());
  }

  /**
   * Adds each output's beam-search texts not yet in the pool (a character more or fewer than
   * the readings: the callers let them be candidates only), with the text's probability as a
   * per-character geometric mean for confidence; then every text of the pool, best first.
   * `weights` scale each output's log-likelihood (default 1 each).
   */
  rank(outputs: readonly PlateProbs[], prior?: PlatePrior, weights?: readonly number[]): RankedText[] {
    for (const out of outputs) {
      for (const b of ctcBeamSearch(out)) if (!this.confidenceOf.has(b.text)) this.note(b.text, Math.exp(b.logP / Math.max(1, b.text.length)));
    }
    return [...this.confidenceOf.entries()]
      .map(([text, confidence]) => ({
        text,
        confidence,
        score: outputs.reduce((sum, out, k) => sum + (weights?.[k] ?? 1) * ctcLogLikelihood(out, text), 0) + (prior ? textPrior(prior, text) : 0),
      }))
      .sort((a, b) => b.score - a.score);
  }
}
