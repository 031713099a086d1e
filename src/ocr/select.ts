/**
 * Pure plate selection among the text lines read in one image. A line's plate score comes
 * from its text (plausible length, letter+digit mix, little non-plate junk) and its shape
 * (aspect, height) — deliberately not from recogniser confidence, which is higher on
 * timestamps and van lettering than on plates. Same-row fragments split by an emblem are
 * merged when the merge reads more like a plate than either part.
 */
import type { Box, PlateCandidate, PlateRead } from './types.ts';
import type { DecodedChar } from './ctc.ts';
import { iou, unionBox } from '../detect/geometry.ts';

/** One recognised text line. */
export interface LineRead {
  /** Axis-aligned box in image pixels. */
  box: Box;
  /** Line height (short side of the detected rectangle), in pixels. */
  height: number;
  /** Line length (long side of the detected rectangle), in pixels. */
  width: number;
  /** Raw text as read, any script. */
  raw: string;
  /** Normalised characters (A-Z0-9) with their confidences. */
  chars: readonly DecodedChar[];
  /** Other readings of this same line (e.g. as read, before clean-up). */
  alternatives?: readonly PlateCandidate[];
}

export interface SelectOptions {
  /** Regions scoring below this are not reported as plates. */
  minPlateScore: number;
  /** Other lines scoring below this are not offered as candidates. */
  minCandidateScore: number;
  maxCandidates: number;
  /** How much a line shorter than the tallest plausible line loses (0 = nothing, 1 = in proportion). */
  relativeHeightWeight: number;
}

export const DEFAULT_SELECT_OPTIONS: SelectOptions = { minPlateScore: 0.25, minCandidateScore: 0.1, maxCandidates: 8, relativeHeightWeight: 0.4 };

export function textOf(line: Pick<LineRead, 'chars'>): string {
  return line.chars.map((c) => c.char).join('');
}

export function meanConfidence(chars: readonly DecodedChar[]): number {
  return chars.length ? chars.reduce((s, c) => s + c.confidence, 0) / chars.length : 0;
}

/** How plate-like a text length is (plates carry 4-8 characters, most 5-7). */
export function lengthScore(n: number): number {
  if (n >= 5 && n <= 7) return 1;
  if (n === 4 || n === 8) return 0.8;
  if (n === 3 || n === 9) return 0.3;
  if (n === 2 || n === 10) return 0.08;
  return 0;
}

/** Letters and digits together read like a plate; words or bare numbers less so. */
export function mixScore(text: string): number {
  const letters = /[A-Z]/.test(text);
  const digits = /[0-9]/.test(text);
  if (letters && digits) return 1;
  if (digits) return 0.5;
  return letters ? 0.4 : 0;
}

/** Penalty for characters that are neither plate characters nor one separator (timestamps, script). */
export function junkScore(raw: string, kept: number): number {
  const visible = [...raw].filter((c) => c.trim() !== '').length;
  const junk = Math.max(0, visible - kept - 1);
  return Math.max(0.1, 1 - 0.3 * junk);
}

/** Text-line boxes of plates run about 2-8 times wider than tall. */
export function aspectScore(width: number, height: number): number {
  const a = height > 0 ? width / height : 0;
  if (a >= 2 && a <= 8) return 1;
  if (a < 2) return Math.max(0, (a - 1) / 1);
  return Math.max(0.2, 1 - (a - 8) / 8);
}

/** Tiny lines are hard to read and rarely the plate of interest. */
export function heightScore(height: number): number {
  return Math.min(1, Math.max(0.3, height / 20));
}

/** Plate characters are usually the tallest plausible text around: 1 for the tallest line. */
export function relativeHeightScore(height: number, tallest: number, weight: number): number {
  return tallest > 0 ? 1 - weight * (1 - Math.min(1, height / tallest)) : 1;
}

export function plateScore(line: LineRead): number {
  const text = textOf(line);
  return (
    lengthScore(text.length) *
    mixScore(text) *
    junkScore(line.raw, text.length) *
    aspectScore(line.width, line.height) *
    heightScore(line.height)
  );
}

/** Whether `b` could continue `a` on the same row: overlapping y, similar height, small gap. */
export function canMerge(a: LineRead, b: LineRead): boolean {
  const [left, right] = a.box.x <= b.box.x ? [a, b] : [b, a];
  const h = Math.min(a.box.h, b.box.h);
  const overlapY = Math.min(a.box.y + a.box.h, b.box.y + b.box.h) - Math.max(a.box.y, b.box.y);
  if (overlapY < 0.6 * h) return false;
  if (Math.min(a.height, b.height) < 0.7 * Math.max(a.height, b.height)) return false;
  const gap = right.box.x - (left.box.x + left.box.w);
  const meanH = (a.height + b.height) / 2;
  return gap >= -0.3 * meanH && gap <= 1.5 * meanH;
}

/** The line `a` and `b` make together, left to right. */
export function mergeLines(a: LineRead, b: LineRead): LineRead {
  const [left, right] = a.box.x <= b.box.x ? [a, b] : [b, a];
  const box = unionBox(a.box, b.box);
  const height = (a.height + b.height) / 2;
  return { box, height, width: Math.max(box.w, left.width + right.width), raw: left.raw + right.raw, chars: [...left.chars, ...right.chars] };
}

/** A plate region: its readings, best first (the first is the region's text). */
export interface Region {
  line: LineRead;
  score: number;
  /** Alternative readings of the same region (fragments before merging), best first. */
  alternatives: LineRead[];
}

/** Merges same-row fragments while a merge scores better than both of its parts. */
export function mergeFragments(lines: readonly LineRead[]): Region[] {
  let regions: Region[] = lines.map((line) => ({ line, score: plateScore(line), alternatives: [] }));
  for (;;) {
    let best: { i: number; j: number; merged: LineRead; score: number } | undefined;
    for (let i = 0; i < regions.length; i++) {
      for (let j = i + 1; j < regions.length; j++) {
        const a = regions[i]!;
        const b = regions[j]!;
        if (!canMerge(a.line, b.line)) continue;
        const merged = mergeLines(a.line, b.line);
        const score = plateScore(merged);
        if (score > Math.max(a.score, b.score) && (!best || score > best.score)) best = { i, j, merged, score };
      }
    }
    if (!best) return regions;
    const a = regions[best.i]!;
    const b = regions[best.j]!;
    const parts = [a, b].sort((x, y) => y.score - x.score);
    const region: Region = {
      line: best.merged,
      score: best.score,
      alternatives: [...parts.map((p) => p.line), ...parts.flatMap((p) => p.alternatives)],
    };
    regions = regions.filter((_, k) => k !== best.i && k !== best.j).concat(region);
  }
}

/** Another reading of a line: the runner-up character where the recogniser hesitated most. */
export function runnerUpReading(line: Pick<LineRead, 'chars'>): PlateCandidate | undefined {
  const chars = line.chars;
  let weakest = -1;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c.alt && c.alt.confidence > 0.05 && (weakest < 0 || c.confidence < chars[weakest]!.confidence)) weakest = i;
  }
  if (weakest < 0) return undefined;
  const alt = chars[weakest]!.alt!;
  const swapped = chars.map((c, i) => (i === weakest ? alt : c));
  return { text: swapped.map((c) => c.char).join(''), confidence: meanConfidence(swapped) };
}

/**
 * Whether `small` is printed on the plate `plate` rather than being a plate itself: a clearly
 * shorter line just above or below it (state name, slogan, dealer frame) or in a corner
 * (registration stickers sit beyond the ends of the characters, within about a character
 * height of them).
 */
export function isPlateAnnotation(small: Box, plate: Box): boolean {
  if (small.h >= 0.6 * plate.h) return false;
  const overlapX = Math.min(small.x + small.w, plate.x + plate.w + plate.h) - Math.max(small.x, plate.x - plate.h);
  if (overlapX < 0.5 * small.w) return false;
  const gap = small.y >= plate.y + plate.h ? small.y - (plate.y + plate.h) : plate.y - (small.y + small.h);
  return gap <= plate.h;
}

/** Whether `line` lies on or right around the plate `plate` (a candidate reading of it). */
export function isNearPlate(line: Box, plate: Box): boolean {
  const cx = line.x + line.w / 2;
  const cy = line.y + line.h / 2;
  return cx >= plate.x - 0.5 * plate.w && cx <= plate.x + 1.5 * plate.w && cy >= plate.y - 1.5 * plate.h && cy <= plate.y + 2.5 * plate.h;
}

/**
 * Plates in one image, best first: every region scoring at least `minPlateScore` that is not
 * text printed on a bigger plate, with its other readings and the plausible lines around it
 * as candidates (never another vehicle's plate: a hot-list match on a candidate must concern
 * this plate).
 */
export function selectPlates(lines: readonly LineRead[], opts: SelectOptions = DEFAULT_SELECT_OPTIONS): PlateRead[] {
  const merged = mergeFragments(lines).filter((r) => r.line.chars.length > 0);
  const tallest = Math.max(0, ...merged.filter((r) => r.score > 0).map((r) => r.line.height));
  const regions = merged
    .map((r) => ({ ...r, score: r.score * relativeHeightScore(r.line.height, tallest, opts.relativeHeightWeight) }))
    .sort((a, b) => b.score - a.score || b.line.height - a.line.height);
  // A region overlapping a better one is the same text read twice.
  const kept: Region[] = [];
  for (const r of regions) {
    const same = kept.find((k) => iou(k.line.box, r.line.box) > 0.5);
    if (same) same.alternatives.push(r.line, ...r.alternatives);
    else kept.push({ ...r, alternatives: [...r.alternatives] });
  }

  const plausible = kept.filter((r) => r.score >= opts.minPlateScore);
  const plates = plausible.filter((r) => !plausible.some((p) => p !== r && isPlateAnnotation(r.line.box, p.line.box)));
  const others = kept.filter((r) => r.score >= opts.minCandidateScore);
  return plates.map((region) => {
    const text = textOf(region.line);
    const seen = new Set([text]);
    const candidates: PlateCandidate[] = [];
    const add = (t: string, confidence: number) => {
      if (t.length === 0 || seen.has(t) || candidates.length >= opts.maxCandidates) return;
      seen.add(t);
      candidates.push({ text: t, confidence: round3(confidence) });
    };
    for (const c of region.line.alternatives ?? []) add(c.text, c.confidence);
    const runnerUp = runnerUpReading(region.line);
    if (runnerUp) add(runnerUp.text, runnerUp.confidence);
    for (const alt of region.alternatives) add(textOf(alt), meanConfidence(alt.chars));
    for (const other of others) {
      if (other !== region && !plates.includes(other) && isNearPlate(other.line.box, region.line.box)) {
        add(textOf(other.line), meanConfidence(other.line.chars));
      }
    }
    return { text, confidence: round3(meanConfidence(region.line.chars)), box: region.line.box, candidates, plateScore: round3(Math.min(1, region.score)) };
  });
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
