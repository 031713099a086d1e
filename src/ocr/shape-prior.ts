/**
 * Plate shape priors (pure): how often each letter/digit layout ("LLLDDD" for ABC123) occurs
 * among a region's plates of the same length, counted from training labels. States issue
 * plates in a few serial formats (Missouri AB1C2D, California 1ABC234), so where both
 * recognisers leave a glyph in doubt between a letter and a digit (D/0, L/1, Q/0), the layout
 * the region actually issues decides. Vanity plates and new series break the formats, so the
 * counts are smoothed towards the layouts of uniformly random characters: a layout never seen
 * keeps a bounded penalty instead of being ruled out.
 */

/** Pseudo-plates of uniformly random characters added to each length's counts. */
export const SHAPE_PSEUDO_PLATES = 50;

const DIGIT_SHARE = 10 / 36;
const LETTER_SHARE = 26 / 36;

export interface ShapePrior {
  counts: ReadonlyMap<string, number>;
  /** Plates counted per length. */
  perLength: ReadonlyMap<number, number>;
  pseudo: number;
}

/** The layout of a plate text: `D` per digit, `L` per letter; other characters are skipped. */
export function shapeOf(text: string): string {
  let shape = '';
  for (const c of text) {
    if (c >= '0' && c <= '9') shape += 'D';
    else if (c >= 'A' && c <= 'Z') shape += 'L';
  }
  return shape;
}

export function shapePrior(counts: Readonly<Record<string, number>>, pseudo = SHAPE_PSEUDO_PLATES): ShapePrior {
  const perLength = new Map<number, number>();
  for (const [shape, n] of Object.entries(counts)) perLength.set(shape.length, (perLength.get(shape.length) ?? 0) + n);
  return { counts: new Map(Object.entries(counts)), perLength, pseudo };
}

/** Probability of a layout when every character is drawn uniformly from 0-9A-Z. */
export function uniformShapeProbability(shape: string): number {
  let p = 1;
  for (const c of shape) p *= c === 'D' ? DIGIT_SHARE : LETTER_SHARE;
  return p;
}

/**
 * log(p(shape | length) / p_uniform(shape)): positive for the layouts the region issues,
 * negative for the ones it does not, 0 for a length no label had (nothing is known of it).
 */
export function shapeLogRatio(prior: ShapePrior, shape: string): number {
  const plates = prior.perLength.get(shape.length) ?? 0;
  if (plates === 0) return 0;
  const uniform = uniformShapeProbability(shape);
  const p = ((prior.counts.get(shape) ?? 0) + prior.pseudo * uniform) / (plates + prior.pseudo);
  return Math.log(p / uniform);
}
