import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/eval/dataset.ts';
import { evaluate, padCrop } from '../../../src/eval/run.ts';
import type { PlateRead, PlateReader, RgbImage } from '../../../src/ocr/types.ts';

/** A reader that answers from a table keyed by image width, remembering what it was given. */
class TableReader implements PlateReader {
  readonly seen: RgbImage[] = [];
  constructor(private readonly table: Record<number, PlateRead[]>) {}
  read(image: RgbImage): Promise<PlateRead[]> {
    this.seen.push(image);
    return Promise.resolve(this.table[image.width] ?? []);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

async function png(path: string, width: number, height: number): Promise<void> {
  await sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).png().toFile(path);
}

describe('evaluate', () => {
  it('pads crops, maps boxes back and scores every image', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-eval-'));
    await png(join(dir, 'a.png'), 40, 20);
    await png(join(dir, 'b.png'), 60, 20);
    writeFileSync(join(dir, 'c.png'), 'not a png');
    writeFileSync(join(dir, 'groundtruth.csv'), 'a.png,ca,ABC123\nb.png,ca,XYZ789\nc.png,ca,QQQ111\n');
    const box = { x: 12, y: 12, w: 30, h: 10 };
    const reader = new TableReader({
      60: [{ text: 'ABC123', confidence: 0.9, box, candidates: [] }], // a.png padded by 10 on each side
      80: [{ text: 'XYZ780', confidence: 0.9, box, candidates: [{ text: 'XYZ789', confidence: 0.5 }] }],
    });
    let ticks = 0;
    let t = 0;
    const { summary, records } = await evaluate(reader, loadDataset(dir), 'crops-dir', {
      now: () => (t += 5),
      onImage: () => ticks++,
    });
    expect(reader.seen.map((i) => [i.width, i.height])).toEqual([
      [60, 40],
      [80, 40],
    ]);
    expect(records[0]?.plates[0]?.box).toEqual({ x: 2, y: 2, w: 30, h: 10 });
    expect(records[2]?.error).toContain('cannot read image');
    expect(ticks).toBe(3);
    expect(summary).toEqual({ dataset: 'crops-dir', n: 3, found: 1, top1: 0.3333, topN: 0.6667, msPerImage: { median: 5, p90: 5 } });
  });

  it('stops at the limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-eval-'));
    await png(join(dir, 'a.jpg'), 40, 20);
    await png(join(dir, 'b.jpg'), 40, 20);
    writeFileSync(join(dir, 'a.txt'), 'a.jpg\t1\t1\t10\t5\tABC');
    writeFileSync(join(dir, 'b.txt'), 'b.jpg\t1\t1\t10\t5\tABD');
    const { summary } = await evaluate(new TableReader({}), loadDataset(dir), 'd', { limit: 1 });
    expect(summary.n).toBe(1);
    expect(summary.found).toBe(0);
  });

  it('pads a crop by a fraction of its height', () => {
    const img = { width: 10, height: 4, data: Buffer.alloc(120) };
    const { image, border } = padCrop(img, 0.5);
    expect(border).toBe(2);
    expect([image.width, image.height]).toEqual([14, 8]);
  });
});
