/**
 * The train/validation split shared with scripts/train/split.py: FNV-1a (32-bit) of the image's
 * file name, validation when the hash is 0 modulo 5 (about 20%). A dataset the plate recogniser
 * trained on is measured only on its `val` part, which training never sees.
 */
import type { Dataset } from './dataset.ts';

export type SplitName = 'train' | 'val';
export const VAL_MODULUS = 5;

/** FNV-1a over the UTF-8 bytes of `text`, as an unsigned 32-bit integer. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function splitOf(name: string): SplitName {
  return fnv1a32(name) % VAL_MODULUS === 0 ? 'val' : 'train';
}

/** The dataset restricted to one split (by sample file name); `all` keeps every sample. */
export function selectSplit(dataset: Dataset, split: SplitName | 'all'): Dataset {
  if (split === 'all') return dataset;
  const { unlabelled: all = [], ...rest } = dataset;
  const unlabelled = all.filter((name) => splitOf(name) === split);
  return { ...rest, samples: dataset.samples.filter((s) => splitOf(s.name) === split), ...(unlabelled.length > 0 ? { unlabelled } : {}) };
}
