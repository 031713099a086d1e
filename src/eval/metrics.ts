/** Pure evaluation metrics: per-image outcome and the dataset summary line. */
import { iou } from '../detect/geometry.ts';
import { normalisePlateText } from '../ocr/normalise.ts';
import type { Box, PlateRead } from '../ocr/types.ts';
import type { DatasetKind, EvalSample } from './dataset.ts';

export interface ImageOutcome {
  /** A reported plate box overlaps the truth box (IoU >= 0.3) or contains its centre; always true for crops. */
  found: boolean;
  /** The best read equals the truth. */
  top1: boolean;
  /** The truth is among the reported plate texts and candidates. */
  topN: boolean;
}

export const FOUND_IOU = 0.3;

export function boxFinds(pred: Box, truth: Box): boolean {
  const cx = truth.x + truth.w / 2;
  const cy = truth.y + truth.h / 2;
  return iou(pred, truth) >= FOUND_IOU || (cx >= pred.x && cx <= pred.x + pred.w && cy >= pred.y && cy <= pred.y + pred.h);
}

export function scoreImage(kind: DatasetKind, sample: Pick<EvalSample, 'truth' | 'box'>, plates: readonly PlateRead[]): ImageOutcome {
  const truth = normalisePlateText(sample.truth);
  const found = kind === 'crops' || (sample.box !== undefined && plates.some((p) => boxFinds(p.box, sample.box!)));
  const best = plates[0];
  const top1 = best !== undefined && normalisePlateText(best.text) === truth;
  const topN = plates.some((p) => normalisePlateText(p.text) === truth || p.candidates.some((c) => normalisePlateText(c.text) === truth));
  return { found, top1, topN };
}

/** Linear-interpolated percentile (0..100) of unsorted values; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const pos = ((s.length - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface EvalSummary {
  dataset: string;
  n: number;
  found: number;
  top1: number;
  topN: number;
  msPerImage: { median: number; p90: number };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

export function summarise(dataset: string, outcomes: readonly ImageOutcome[], ms: readonly number[]): EvalSummary {
  const n = outcomes.length;
  const frac = (k: keyof ImageOutcome) => (n ? round(outcomes.filter((o) => o[k]).length / n, 4) : 0);
  return {
    dataset,
    n,
    found: frac('found'),
    top1: frac('top1'),
    topN: frac('topN'),
    msPerImage: { median: round(percentile(ms, 50), 1), p90: round(percentile(ms, 90), 1) },
  };
}
