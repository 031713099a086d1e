import { describe, expect, it } from 'vitest';
import { boxFinds, percentile, scoreImage, summarise } from '../../../src/eval/metrics.ts';
import type { PlateRead } from '../../../src/ocr/types.ts';

function plate(text: string, box = { x: 0, y: 0, w: 10, h: 5 }, candidates: string[] = []): PlateRead {
  return { text, confidence: 0.9, box, candidates: candidates.map((t) => ({ text: t, confidence: 0.5 })) };
}

describe('eval metrics', () => {
  const truthBox = { x: 100, y: 100, w: 60, h: 30 };

  it('finds a plate by IoU >= 0.3 or by containing the truth centre', () => {
    expect(boxFinds({ x: 110, y: 100, w: 60, h: 30 }, truthBox)).toBe(true);
    expect(boxFinds({ x: 125, y: 110, w: 10, h: 10 }, truthBox)).toBe(true); // small, holds the centre
    expect(boxFinds({ x: 0, y: 0, w: 500, h: 500 }, truthBox)).toBe(true); // huge, holds the centre
    expect(boxFinds({ x: 140, y: 100, w: 60, h: 30 }, truthBox)).toBe(false);
  });

  it('scores top1 on the best read and topN on any text or candidate', () => {
    const sample = { truth: 'ABC123', box: truthBox };
    expect(scoreImage('openalpr', sample, [plate('ABC123', truthBox)])).toEqual({ found: true, top1: true, topN: true });
    expect(scoreImage('openalpr', sample, [plate('ABC128'), plate('X', truthBox, ['ABC123'])])).toEqual({ found: true, top1: false, topN: true });
    expect(scoreImage('openalpr', sample, [])).toEqual({ found: false, top1: false, topN: false });
    expect(scoreImage('crops', { truth: 'ABC123' }, [])).toEqual({ found: true, top1: false, topN: false });
  });

  it('interpolates percentiles', () => {
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([0, 10], 90)).toBe(9);
    expect(percentile([], 90)).toBe(0);
  });

  it('summarises with fractions to 4 decimals and ms to 1', () => {
    const o = (top1: boolean) => ({ found: true, top1, topN: top1 });
    expect(summarise('d', [o(true), o(false), o(false)], [10.04, 20.06, 30])).toEqual({
      dataset: 'd',
      n: 3,
      found: 1,
      top1: 0.3333,
      topN: 0.3333,
      msPerImage: { median: 20.1, p90: 28 },
    });
  });
});
