/**
 * Plate priors per region: how often each plate character, and each letter/digit layout
 * (shape-prior.ts), occurs on that region's plates, counted from the labels of the recogniser's
 * training split (models/plate-priors.json, written by scripts/train/char_priors.py). The joint
 * reading adds a text's log prior to the two recognisers' log-likelihoods (Bayes: posterior ∝
 * likelihood × prior), so a glyph both models find ambiguous goes to the character the region
 * actually issues: US plates print 0 and O alike, and their labels hold 0 seventeen times as
 * often as O.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AlprError } from '../errors.ts';
import { PLATE_ALPHABET } from './plate-classes.ts';
import { shapeLogRatio, shapeOf, shapePrior, type ShapePrior } from './shape-prior.ts';

export type PlateRegion = 'us' | 'eu' | 'br';
export const PLATE_REGIONS: readonly PlateRegion[] = ['us', 'eu', 'br'];
export type RegionChoice = PlateRegion | 'none';
export const REGION_CHOICES: readonly RegionChoice[] = [...PLATE_REGIONS, 'none'];
export const DEFAULT_REGION: RegionChoice = 'us';

const counts = z.record(z.string().regex(/^[0-9A-Z]$/), z.int().nonnegative());

const priorsFileSchema = z.strictObject({
  version: z.literal(1),
  description: z.string().optional(),
  regions: z.partialRecord(
    z.enum(PLATE_REGIONS as [PlateRegion, ...PlateRegion[]]),
    z.strictObject({
      source: z.string().min(1).describe('Which labels were counted.'),
      plates: z.int().positive(),
      counts,
      shapes: z
        .record(z.string().regex(/^[DL]{1,12}$/), z.int().positive())
        .optional()
        .describe('Letter/digit layout (D digit, L letter) -> plates of that layout.'),
    }),
  ),
});

/** Log prior per character, relative to a uniform alphabet (so a text's length is not penalised). */
export type CharPrior = ReadonlyMap<string, number>;

/**
 * log(p(c) · 36) with add-one smoothing: a character never seen in the labels keeps a finite
 * penalty, and a region whose characters are equally common gives every text 0.
 */
export function charPrior(charCounts: Readonly<Record<string, number>>): CharPrior {
  const alphabet = [...PLATE_ALPHABET];
  const total = alphabet.reduce((sum, c) => sum + (charCounts[c] ?? 0), 0) + alphabet.length;
  return new Map(alphabet.map((c) => [c, Math.log((((charCounts[c] ?? 0) + 1) / total) * alphabet.length)]));
}

/**
 * log(p(c | class) · class size), class = digits or letters, add-one smoothed: the character
 * prior once the layout has said whether a position holds a letter or a digit.
 */
export function inClassPrior(charCounts: Readonly<Record<string, number>>): CharPrior {
  const alphabet = [...PLATE_ALPHABET];
  const isDigit = (c: string) => c >= '0' && c <= '9';
  const total = (digit: boolean) => alphabet.filter((c) => isDigit(c) === digit).reduce((sum, c) => sum + (charCounts[c] ?? 0) + 1, 0);
  const digits = total(true);
  const letters = total(false);
  return new Map(alphabet.map((c) => [c, Math.log((((charCounts[c] ?? 0) + 1) / (isDigit(c) ? digits : letters)) * (isDigit(c) ? 10 : 26))]));
}

/** A region's prior: its characters alone, or its layouts and the characters within them. */
export interface PlatePrior {
  chars: CharPrior;
  shapes?: { inClass: CharPrior; layouts: ShapePrior };
}

export function platePrior(charCounts: Readonly<Record<string, number>>, shapeCounts?: Readonly<Record<string, number>>): PlatePrior {
  const chars = charPrior(charCounts);
  return shapeCounts ? { chars, shapes: { inClass: inClassPrior(charCounts), layouts: shapePrior(shapeCounts) } } : { chars };
}

function sumOver(prior: CharPrior, text: string): number {
  let sum = 0;
  for (const c of text) sum += prior.get(c) ?? 0;
  return sum;
}

/**
 * A text's log prior relative to uniformly random characters: with layouts, the layout's log
 * ratio plus each character's within its class; without, the sum over its characters. A
 * character outside the alphabet adds 0.
 */
export function textPrior(prior: PlatePrior, text: string): number {
  if (!prior.shapes) return sumOver(prior.chars, text);
  return shapeLogRatio(prior.shapes.layouts, shapeOf(text)) + sumOver(prior.shapes.inClass, text);
}

/** Reads and validates a priors file; the prior of `region`. */
export function loadPlatePrior(path: string, region: PlateRegion): PlatePrior {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new AlprError('MANIFEST_INVALID', `plate priors ${path}: ${(err as Error).message}`);
  }
  const file = priorsFileSchema.safeParse(parsed);
  if (!file.success) {
    const issue = file.error.issues[0]!;
    // zod names a bad character key only as "Invalid key in record".
    const why = issue.code === 'invalid_key' ? 'not one plate character (0-9 or A-Z)' : issue.message;
    throw new AlprError('MANIFEST_INVALID', `plate priors ${path}: ${issue.path.join('.') || '(root)'}: ${why}`);
  }
  const entry = file.data.regions[region];
  if (!entry) throw new AlprError('MANIFEST_INVALID', `plate priors ${path} have no region "${region}" (they have ${Object.keys(file.data.regions).join(', ')})`);
  return platePrior(entry.counts, entry.shapes);
}
