import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isAlprError } from '../../../src/errors.ts';
import { createWorkerPlateReader } from '../../../src/ocr/worker-reader.ts';
import type { RgbImage } from '../../../src/ocr/types.ts';

async function plateScene(text: string): Promise<RgbImage> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360">
    <rect width="640" height="360" fill="#6b6e72"/>
    <rect x="220" y="170" width="200" height="64" rx="6" fill="#ffffff" stroke="#222" stroke-width="3"/>
    <text x="320" y="221" font-family="DejaVu Sans" font-weight="bold" font-size="44" text-anchor="middle" fill="#000">${text}</text>
  </svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

describe('plate reader in a worker thread', () => {
  it('reads as the in-thread reader does, several frames in flight, and closes', async () => {
    const reader = await createWorkerPlateReader({ detMaxSide: 640, threads: 1 });
    try {
      const [a, b] = await Promise.all([reader.read(await plateScene('7ABC123')), reader.read(await plateScene('8XYZ456'))]);
      expect(a[0]?.text).toBe('7ABC123');
      expect(b[0]?.text).toBe('8XYZ456');
      // A malformed image fails that read with the reader's own error code; the worker lives on.
      const bad = await reader.read({ width: 10, height: 10, data: Buffer.alloc(7) }).catch((e: unknown) => e);
      expect(isAlprError(bad, 'IMAGE_UNREADABLE')).toBe(true);
      expect((await reader.read(await plateScene('6TRK902')))[0]?.text).toBe('6TRK902');
    } finally {
      await reader.close();
    }
  });

  it('reports a bad model manifest with its code, from inside the worker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-wr-'));
    writeFileSync(join(dir, 'manifest.json'), '{"version": 1, "models": "none"}');
    const err = await createWorkerPlateReader({ detMaxSide: 640, threads: 1, modelsDir: dir }).catch((e: unknown) => e);
    expect(isAlprError(err, 'MANIFEST_INVALID')).toBe(true);
    expect((err as Error).message).toContain(join(dir, 'manifest.json'));
  });
});
