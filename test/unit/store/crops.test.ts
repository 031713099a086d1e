import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { cropHourDir, cropPathKind, cropRect, cropRelativePath, heldCropPath, hourDirStart, writeCrop } from '../../../src/store/crops.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function gradient(width: number, height: number): { width: number; height: number; data: Buffer } {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = x % 256;
      data[i + 1] = y % 256;
      data[i + 2] = 128;
    }
  }
  return { width, height, data };
}

describe('crop geometry', () => {
  it('grows the box by the margin and clamps to the image', () => {
    expect(cropRect({ x: 100, y: 50, w: 100, h: 20 }, 0.1, 640, 480)).toEqual({ left: 90, top: 48, width: 120, height: 24 });
    expect(cropRect({ x: 5, y: 5, w: 100, h: 20 }, 0.5, 80, 480)).toEqual({ left: 0, top: 0, width: 80, height: 35 });
    expect(cropRect({ x: 700, y: 5, w: 10, h: 10 }, 0, 640, 480)).toBeNull();
  });

  it('names the file by UTC capture hour', () => {
    expect(cropRelativePath('abc-1', Date.UTC(2024, 0, 2, 23, 59))).toBe('crops/2024-01-02/23/abc-1.jpg');
    expect(cropHourDir(Date.UTC(2024, 1, 29, 0, 0, 0, 1))).toBe('crops/2024-02-29/00');
    expect(() => cropRelativePath('../x', 0)).toThrow(/invalid detection id/);
    expect(heldCropPath('abc-1')).toBe('crops/held/abc-1.jpg');
    expect(() => heldCropPath('a/b')).toThrow(/invalid detection id/);
  });
});

describe('crop path kinds', () => {
  it('tells hour folders, the earlier day layout and held crops apart', () => {
    const t = Date.UTC(2025, 2, 1, 13, 5);
    expect(cropPathKind(cropRelativePath('d1', t))).toEqual({ kind: 'hour', dir: 'crops/2025-03-01/13', hourStart: Date.UTC(2025, 2, 1, 13), id: 'd1' });
    expect(cropPathKind('crops/2025/03/01/d1.jpg')).toEqual({ kind: 'legacy', id: 'd1' });
    expect(cropPathKind('crops/held/d1.jpg')).toEqual({ kind: 'held', id: 'd1' });
    expect(hourDirStart('crops/2025-03-01/13')).toBe(Date.UTC(2025, 2, 1, 13));
  });

  it('refuses anything else, including impossible dates and paths that leave the folder', () => {
    for (const p of ['crops/2025-02-30/13/d1.jpg', 'crops/2025-03-01/24/d1.jpg', 'crops/2025-03-01/13/../d1.jpg', 'crops/2025-03-01/13/d1.png', 'db.sqlite', 'crops/held/x/d1.jpg']) {
      expect(cropPathKind(p)).toBeNull();
    }
    expect(hourDirStart('crops/2025-02-30/13')).toBeNull();
    expect(hourDirStart('crops/2025-03-01')).toBeNull();
  });
});

describe('writeCrop', () => {
  it('writes a decodable JPEG under crops/YYYY-MM-DD/HH and returns the same bytes', async () => {
    const image = gradient(320, 240);
    const crop = await writeCrop(dir, 'det-1', Date.UTC(2025, 4, 6), image, { x: 100, y: 100, w: 80, h: 20 }, { margin: 0.25, quality: 80 });
    expect(crop.path).toBe('crops/2025-05-06/00/det-1.jpg');
    const file = join(dir, crop.path);
    expect(readFileSync(file).equals(crop.jpeg)).toBe(true);
    const meta = await sharp(file).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 120, height: 30 });
    expect(readdirSync(dirname(file))).toEqual(['det-1.jpg']); // no temporary file left behind
  });

  it('refuses a box outside the image', async () => {
    await expect(writeCrop(dir, 'det-2', 0, gradient(64, 64), { x: 100, y: 100, w: 10, h: 10 }, { margin: 0, quality: 80 })).rejects.toThrow(
      /outside/,
    );
  });
});
