import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/platform/paths.ts';

/** A tight plate crop like those of us-plate-crops, rendered from SVG. */
async function plateCrop(path: string, text: string): Promise<void> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="160">
    <rect width="320" height="160" fill="#f4f4f0"/>
    <text x="160" y="36" font-family="DejaVu Sans" font-size="22" text-anchor="middle" fill="#1a3a8a">CALIFORNIA</text>
    <text x="160" y="118" font-family="DejaVu Sans" font-weight="bold" font-size="64" text-anchor="middle" fill="#111">${text}</text>
  </svg>`;
  await sharp(Buffer.from(svg)).png().toFile(path);
}

describe('alpr-edge eval', () => {
  it('prints one JSON summary as the last stdout line and writes per-image predictions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-evalcli-'));
    await plateCrop(join(dir, 'ca1.png'), '7ABC123');
    writeFileSync(join(dir, 'groundtruth.csv'), 'ca1.png,ca,7ABC123\n');
    const out = join(dir, 'pred.jsonl');
    const r = spawnSync(process.execPath, [resolve(packageRoot, 'src/bin.js'), 'eval', '--dataset', dir, '--out', out, '--threads', '1'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    const last = r.stdout.trim().split('\n').pop()!;
    const summary = JSON.parse(last) as Record<string, unknown>;
    expect(Object.keys(summary)).toEqual(['dataset', 'n', 'found', 'top1', 'topN', 'msPerImage']);
    expect(summary).toMatchObject({ dataset: dir, n: 1, found: 1, top1: 1, topN: 1 });
    expect(r.stderr).toContain('[1/1] ca1.png');
    const rec = JSON.parse(readFileSync(out, 'utf8').trim()) as { image: string; plates: Array<{ text: string }> };
    expect(rec.image).toBe('ca1.png');
    expect(rec.plates[0]?.text).toBe('7ABC123');
    // The default reads the crop itself as the plate's box; 'off' finds the text in it, padded.
    expect(rec.plates[0]).toMatchObject({ box: { x: 0, y: 0, w: 320, h: 160 }, detectorScore: 1 });
    const off = spawnSync(process.execPath, [resolve(packageRoot, 'src/bin.js'), 'eval', '--dataset', dir, '--threads', '1', '--plate-detector', 'off'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(off.status).toBe(0);
    expect(JSON.parse(off.stdout.trim().split('\n').pop()!)).toMatchObject({ n: 1, top1: 1 });
  });
});
