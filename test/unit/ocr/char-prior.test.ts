import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { charPrior, loadCharPrior, PLATE_REGIONS, textPrior } from '../../../src/ocr/char-prior.ts';
import { PLATE_ALPHABET } from '../../../src/ocr/plate-classes.ts';
import { createPlateReader } from '../../../src/ocr/reader.ts';
import { bundledModelsDir } from '../../../src/platform/paths.ts';

function priorsFile(body: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'alpr-priors-')), 'plate-priors.json');
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
}

const evenCounts = Object.fromEntries([...PLATE_ALPHABET].map((c) => [c, 10]));

describe('charPrior', () => {
  it('is log(p * 36) with add-one smoothing, so equally common characters weigh nothing', () => {
    const even = charPrior(evenCounts);
    for (const c of PLATE_ALPHABET) expect(even.get(c)).toBeCloseTo(0, 12);
    // 0 seen 34 times, O never, nothing else: total 34 + 36 = 70 after smoothing.
    const skewed = charPrior({ '0': 34 });
    expect(skewed.get('0')).toBeCloseTo(Math.log((35 / 70) * 36), 12);
    expect(skewed.get('O')).toBeCloseTo(Math.log((1 / 70) * 36), 12);
    expect(skewed.get('0')! - skewed.get('O')!).toBeCloseTo(Math.log(35), 12);
  });

  it('sums over a text, characters outside the alphabet adding nothing', () => {
    const p = charPrior({ '0': 34 });
    expect(textPrior(p, 'O0')).toBeCloseTo(p.get('O')! + p.get('0')!, 12);
    expect(textPrior(p, '-')).toBe(0);
    expect(textPrior(p, '')).toBe(0);
  });
});

describe('loadCharPrior', () => {
  it('reads one region of a valid file', () => {
    const path = priorsFile({ version: 1, regions: { us: { source: 'test', plates: 2, counts: { '0': 5, O: 1 } } } });
    const p = loadCharPrior(path, 'us');
    expect(p.get('0')! - p.get('O')!).toBeCloseTo(Math.log(6 / 2), 12);
  });

  it('names what is wrong with a bad file or a missing region', () => {
    expect(() => loadCharPrior(priorsFile('{"version": 1,'), 'us')).toThrow(/plate priors .*plate-priors\.json: .*JSON/);
    expect(() => loadCharPrior(priorsFile({ version: 1, regions: { us: { source: 's', plates: 1, counts: { o: 3 } } } }), 'us')).toThrow(
      /regions\.us\.counts\.o: .*one plate character/,
    );
    expect(() => loadCharPrior(priorsFile({ version: 1, regions: { us: { source: 's', plates: 1, counts: { A: -1 } } } }), 'us')).toThrow(/regions\.us\.counts\.A/);
    expect(() => loadCharPrior(priorsFile({ version: 1, regions: { mars: { source: 's', plates: 1, counts: {} } } }), 'us')).toThrow('regions: Unrecognized key: "mars"');
    expect(() => loadCharPrior(priorsFile({ version: 1, regions: { eu: { source: 's', plates: 1, counts: {} } } }), 'us')).toThrow(
      'have no region "us" (they have eu)',
    );
  });

  it('loads every region of the shipped priors; on US plates 0 outweighs O, on Brazilian ones the reverse', () => {
    const path = join(bundledModelsDir, 'plate-priors.json');
    const [us, eu, br] = PLATE_REGIONS.map((r) => loadCharPrior(path, r));
    expect(us!.get('0')! - us!.get('O')!).toBeGreaterThan(2);
    expect(br!.get('O')!).toBeGreaterThan(br!.get('0')!);
    expect(eu!.size).toBe(36);
  });
});

describe('the reader and the priors file', () => {
  it('refuses to start on a priors file that fails validation, naming it, and starts with region none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-models-'));
    cpSync(bundledModelsDir, dir, { recursive: true });
    // A priors file the manifest vouches for (right sha256) but whose content is of another version.
    const bad = '{"version": 2, "regions": {}}\n';
    writeFileSync(join(dir, 'plate-priors.json'), bad);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { models: { name: string; sha256: string; bytes?: number }[] };
    const entry = manifest.models.find((m) => m.name === 'plate-priors')!;
    entry.sha256 = createHash('sha256').update(bad).digest('hex');
    entry.bytes = bad.length;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    await expect(createPlateReader({ modelsDir: dir, detMaxSide: 320, threads: 1, warmUp: false })).rejects.toThrow(/plate priors .*plate-priors\.json: version/);
    await expect(createPlateReader({ modelsDir: dir, detMaxSide: 320, threads: 1, warmUp: false, plateDetector: 'only' })).rejects.toThrow(/plate priors/);
    const reader = await createPlateReader({ modelsDir: dir, detMaxSide: 320, threads: 1, warmUp: false, region: 'none' });
    await reader.close();
  });
});
