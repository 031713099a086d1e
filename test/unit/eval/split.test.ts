import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../src/eval/dataset.ts';
import { fnv1a32, selectSplit, splitOf } from '../../../src/eval/split.ts';

describe('train/val split by file name', () => {
  it('hashes like scripts/train/split.py (FNV-1a, 32 bit, UTF-8)', () => {
    // Values printed by `python3 -c "from split import fnv1a32; ..."` in scripts/train.
    expect(fnv1a32('')).toBe(2166136261);
    expect(fnv1a32('x')).toBe(4245442695);
    expect(fnv1a32('ak1165.png')).toBe(2552168723);
    expect(fnv1a32('eu1.jpg')).toBe(3417263171);
    expect(fnv1a32('AYO9034.jpg')).toBe(347301311);
  });

  it('puts a name in val exactly when its hash is 0 modulo 5, about a fifth of names', () => {
    const names = Array.from({ length: 2000 }, (_, i) => `plate${i}.png`);
    for (const n of names.slice(0, 50)) expect(splitOf(n)).toBe(fnv1a32(n) % 5 === 0 ? 'val' : 'train');
    const val = names.filter((n) => splitOf(n) === 'val').length;
    expect(val).toBeGreaterThan(330);
    expect(val).toBeLessThan(470);
  });

  it('restricts a dataset to one split, and keeps it whole for all', () => {
    const samples = Array.from({ length: 40 }, (_, i) => ({ name: `s${i}.jpg`, image: `/d/s${i}.jpg`, truth: 'ABC123' }));
    const ds: Dataset = { kind: 'openalpr', dir: '/d', samples };
    const val = selectSplit(ds, 'val');
    const train = selectSplit(ds, 'train');
    expect(val.samples.length + train.samples.length).toBe(40);
    expect(val.samples.length).toBeGreaterThan(0);
    expect(val.samples.every((s) => splitOf(s.name) === 'val')).toBe(true);
    expect(train.samples.some((s) => val.samples.includes(s))).toBe(false);
    expect(selectSplit(ds, 'all')).toBe(ds);
  });

  it('splits the placeholder-labelled images the same way', () => {
    const names = Array.from({ length: 20 }, (_, i) => `u${i}.png`);
    const ds: Dataset = { kind: 'crops', dir: '/d', samples: [], unlabelled: names };
    const val = selectSplit(ds, 'val').unlabelled ?? [];
    const train = selectSplit(ds, 'train').unlabelled ?? [];
    expect(val.length).toBeGreaterThan(0);
    expect([...val, ...train].sort()).toEqual([...names].sort());
    expect(val.every((n) => splitOf(n) === 'val') && train.every((n) => splitOf(n) === 'train')).toBe(true);
    expect(selectSplit({ ...ds, unlabelled: ['ak1165.png'] }, 'val')).not.toHaveProperty('unlabelled');
  });
});
