import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { charPrior, inClassPrior, loadPlatePrior, PLATE_REGIONS, platePrior, textPrior } from '../../../src/ocr/char-prior.ts';
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
    expect(textPrior({ chars: p }, 'O0')).toBeCloseTo(p.get('O')! + p.get('0')!, 12);
    expect(textPrior({ chars: p }, '-')).toBe(0);
    expect(textPrior({ chars: p }, '')).toBe(0);
  });
});

describe('platePrior with layouts', () => {
  it('weighs characters within their class: even counts weigh nothing, 0 against the other digits', () => {
    const even = inClassPrior(evenCounts);
    for (const c of PLATE_ALPHABET) expect(even.get(c)).toBeCloseTo(0, 12);
    // 0 seen 10 times, no other digit: (10 + 1) / (10 + 10) of the digits, times 10.
    expect(inClassPrior({ '0': 10 }).get('0')).toBeCloseTo(Math.log((11 / 20) * 10), 12);
  });

  it('lets the layout the region issues decide a letter/digit doubt the characters cannot', () => {
    // O and 0 equally common: the character prior alone cannot choose between CHOP8Y and CH0P8Y.
    const chars = { ...evenCounts };
    expect(textPrior(platePrior(chars), 'CH0P8Y')).toBeCloseTo(textPrior(platePrior(chars), 'CHOP8Y'), 12);
    // Missouri's AB1C2D layout counted 20 times, the all-letter-but-one 2 times.
    const mo = platePrior(chars, { LLDLDL: 20, LLLLDL: 2 });
    expect(textPrior(mo, 'CH0P8Y')).toBeGreaterThan(textPrior(mo, 'CHOP8Y') + 1);
    // Another length no label had: only the characters count.
    expect(textPrior(mo, 'CH0P8Y1')).toBeCloseTo(0, 12);
  });
});

describe('loadPlatePrior', () => {
  it('reads one region of a valid file', () => {
    const path = priorsFile({ version: 1, regions: { us: { source: 'test', plates: 2, counts: { '0': 5, O: 1 } } } });
    const p = loadPlatePrior(path, 'us');
    expect(p.chars.get('0')! - p.chars.get('O')!).toBeCloseTo(Math.log(6 / 2), 12);
    expect(p.shapes).toBeUndefined();
    const withShapes = loadPlatePrior(priorsFile({ version: 1, regions: { us: { source: 't', plates: 2, counts: { A: 1 }, shapes: { LLDLDL: 2 } } } }), 'us');
    expect(textPrior(withShapes, 'AB1C2D')).toBeGreaterThan(textPrior(withShapes, 'ABIC2D'));
  });

  it('names what is wrong with a bad file or a missing region', () => {
    expect(() => loadPlatePrior(priorsFile('{"version": 1,'), 'us')).toThrow(/plate priors .*plate-priors\.json: .*JSON/);
    expect(() => loadPlatePrior(priorsFile({ version: 1, regions: { us: { source: 's', plates: 1, counts: { o: 3 } } } }), 'us')).toThrow(
      /regions\.us\.counts\.o: .*one plate character/,
    );
    expect(() => loadPlatePrior(priorsFile({ version: 1, regions: { us: { source: 's', plates: 1, counts: { A: -1 } } } }), 'us')).toThrow(/regions\.us\.counts\.A/);
    expect(() => loadPlatePrior(priorsFile({ version: 1, regions: { us: { source: 's', plates: 1, counts: {}, shapes: { LLX: 1 } } } }), 'us')).toThrow(
      /regions\.us\.shapes\.LLX/,
    );
    expect(() => loadPlatePrior(priorsFile({ version: 1, regions: { mars: { source: 's', plates: 1, counts: {} } } }), 'us')).toThrow('regions: Unrecognized key: "mars"');
    expect(() => loadPlatePrior(priorsFile({ version: 1, regions: { eu: { source: 's', plates: 1, counts: {} } } }), 'us')).toThrow(
      'have no region "us" (they have eu)',
    );
  });

  it('loads every region of the shipped priors; on US plates 0 outweighs O, on Brazilian ones the reverse', () => {
    const path = join(bundledModelsDir, 'plate-priors.json');
    const [us, eu, br] = PLATE_REGIONS.map((r) => loadPlatePrior(path, r));
    expect(us!.chars.get('0')! - us!.chars.get('O')!).toBeGreaterThan(2);
    expect(br!.chars.get('O')!).toBeGreaterThan(br!.chars.get('0')!);
    expect(eu!.chars.size).toBe(36);
    // Every region carries its layouts: US ABC123 outweighs AB0123, Brazilian ABC1234 is the rule there.
    for (const p of [us, eu, br]) expect(p!.shapes).toBeDefined();
    expect(textPrior(us!, 'RDN464')).toBeGreaterThan(textPrior(us!, 'R0N464'));
    expect(textPrior(br!, 'PJI5396')).toBeGreaterThan(textPrior(br!, 'PJ15396'));
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
