import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { cropRect, cropRelativePath, writeCrop } from '../../../src/store/crops.ts';

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

  it('names the file by UTC capture date', () => {
    expect(cropRelativePath('abc-1', Date.UTC(2024, 0, 2, 23, 59))).toBe('crops/2024/01/02/abc-1.jpg');
    expect(() => cropRelativePath('../x', 0)).toThrow(/invalid detection id/);
  });
});

describe('writeCrop', () => {
  it('writes a decodable JPEG under crops/YYYY/MM/DD and returns the same bytes', async () => {
    const image = gradient(320, 240);
    const crop = await writeCrop(dir, 'det-1', Date.UTC(2025, 4, 6), image, { x: 100, y: 100, w: 80, h: 20 }, { margin: 0.25, quality: 80 });
    expect(crop.path).toBe('crops/2025/05/06/det-1.jpg');
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
