import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createPlateDetector, DEFAULT_PLATE_DETECTOR } from '../../../src/detect/plate-detector.ts';
import { loadManifest, manifestPathOf, requireModel, verifyModels } from '../../../src/models/manifest.ts';
import { bundledModelsDir } from '../../../src/platform/paths.ts';
import { cropRgb } from '../../../src/ocr/crop-rgb.ts';
import { createPlateReader } from '../../../src/ocr/reader.ts';
import type { PlateReader, RgbImage } from '../../../src/ocr/types.ts';

/**
 * A grey scene (640x360 unless given) with a dark bumper and a 200x64 white plate reading `text`
 * at its centre, and a timestamp in the corner.
 */
async function scene(text: string, width = 640, height = 360): Promise<RgbImage> {
  const [cx, cy] = [width / 2, height / 2];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="${width}" height="${height}" fill="#6b6e72"/>
    <rect x="${cx - 170}" y="${cy - 70}" width="340" height="140" fill="#3a3c40"/>
    <rect x="${cx - 100}" y="${cy - 10}" width="200" height="64" rx="6" fill="#ffffff" stroke="#222" stroke-width="3"/>
    <text x="${cx}" y="${cy + 41}" font-family="DejaVu Sans" font-weight="bold" font-size="44" text-anchor="middle" fill="#000">${text}</text>
    <text x="8" y="20" font-family="DejaVu Sans Mono" font-size="14" fill="#fff">2024-05-01 12:30:45</text>
  </svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/** A 640x360 close-up: a plate `plateWidth` px wide filling much of the frame. */
async function closeUp(text: string, plateWidth: number): Promise<RgbImage> {
  const [width, height] = [640, 360];
  const ph = plateWidth * 0.32;
  const size = ph * 0.69;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="${width}" height="${height}" fill="#6b6e72"/>
    <rect x="${width / 2 - plateWidth / 2 - 20}" y="${height / 2 - ph / 2 - 20}" width="${plateWidth + 40}" height="${ph + 40}" fill="#3a3c40"/>
    <rect x="${width / 2 - plateWidth / 2}" y="${height / 2 - ph / 2}" width="${plateWidth}" height="${ph}" rx="6" fill="#ffffff" stroke="#222" stroke-width="3"/>
    <text x="${width / 2}" y="${height / 2 + size * 0.36}" font-family="DejaVu Sans" font-weight="bold" font-size="${size}" text-anchor="middle" fill="#000">${text}</text>
  </svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

describe('plate reader (PP-OCRv4)', () => {
  let reader: PlateReader;
  beforeAll(async () => {
    reader = await createPlateReader({ detMaxSide: 640, threads: 1, plateDetector: 'off' });
  });
  afterAll(async () => {
    await reader.close();
  });

  it('reads a rendered plate and places its box on the plate', async () => {
    const plates = await reader.read(await scene('7ABC123'));
    expect(plates[0]?.text).toBe('7ABC123');
    expect(plates[0]!.detectorScore).toBeUndefined();
    expect(plates[0]!.confidence).toBeGreaterThan(0.8);
    const b = plates[0]!.box;
    expect(b.x).toBeGreaterThanOrEqual(200);
    expect(b.x + b.w).toBeLessThanOrEqual(440);
    expect(b.y + b.h / 2).toBeGreaterThan(180);
    expect(b.y + b.h / 2).toBeLessThan(225);
  });

  it('returns no plates for an empty scene', async () => {
    const data = Buffer.alloc(320 * 240 * 3, 120);
    expect(await reader.read({ width: 320, height: 240, data })).toEqual([]);
  });
});

describe('plate reader with the plate recogniser (recognizer: plate)', () => {
  let reader: PlateReader;
  beforeAll(async () => {
    reader = await createPlateReader({ detMaxSide: 640, threads: 1, recognizer: 'plate' });
  });
  afterAll(async () => {
    await reader.close();
  });

  it('re-reads the selected plate: text with per-character confidences, the PP-OCR reading kept', async () => {
    const plates = await reader.read(await scene('7ABC123'));
    const p = plates[0]!;
    expect(p.text).toMatch(/^[A-Z0-9]{4,9}$/);
    expect(p.chars?.map((c) => c.char).join('')).toBe(p.text);
    for (const c of p.chars!) {
      expect(c.confidence).toBeGreaterThan(0);
      expect(c.confidence).toBeLessThanOrEqual(1);
    }
    // Whichever recogniser is right, the generic reading stays on offer for hot-list matching.
    expect([p.text, ...p.candidates.map((c) => c.text)]).toContain('7ABC123');
    expect(p.box.x).toBeGreaterThanOrEqual(200);
  });
});

describe('plate reader gated by the plate detector (plateDetector: gate)', () => {
  let reader: PlateReader;
  beforeAll(async () => {
    reader = await createPlateReader({ detMaxSide: 640, threads: 1, plateDetector: 'gate' });
  });
  afterAll(async () => {
    await reader.close();
  });

  it('the plate detector puts its best box on the plate, not on the timestamp', async () => {
    const model = requireModel(await verifyModels(), 'plate-det');
    const det = await createPlateDetector(model.path, { longSide: 512, threads: 1, threshold: 0.2, maxPlates: 4 });
    try {
      const found = await det.detect(await scene('7ABC123'));
      expect(found.length).toBeGreaterThan(0);
      const { box, score } = found[0]!;
      expect(score).toBeGreaterThan(0.5);
      // The plate is drawn at 220..420 x 170..234.
      expect(box.x + box.w / 2).toBeGreaterThan(280);
      expect(box.x + box.w / 2).toBeLessThan(360);
      expect(box.y + box.h / 2).toBeGreaterThan(180);
      expect(box.y + box.h / 2).toBeLessThan(225);
    } finally {
      await det.close();
    }
  });

  it('reads a plate from the window the detector gives, with the detector score', async () => {
    const plates = await reader.read(await scene('7ABC123', 1280, 720));
    expect(plates[0]?.text).toBe('7ABC123');
    // Only a plate found by the plate detector carries its score (at least the threshold, 0.3).
    expect(plates[0]!.detectorScore).toBeGreaterThanOrEqual(DEFAULT_PLATE_DETECTOR.threshold);
    expect(plates[0]!.box.x).toBeGreaterThanOrEqual(530);
    expect(plates[0]!.box.x + plates[0]!.box.w).toBeLessThanOrEqual(750);
  });

  it('reads a close-up plate, whose window would cover most of the frame, from the whole frame', async () => {
    // The 200x64 plate of a 640x360 scene: a 4x5 window would be nearly all of it.
    const plates = await reader.read(await scene('7ABC123'));
    expect(plates[0]?.text).toBe('7ABC123');
    expect(plates[0]!.detectorScore).toBeGreaterThan(0.5);
  });

  it('returns no plates for an empty scene, where the detector finds nothing', async () => {
    expect(await reader.read({ width: 320, height: 240, data: Buffer.alloc(320 * 240 * 3, 120) })).toEqual([]);
  });
});

describe('plate reader from the plate detector alone (plateDetector: only)', () => {
  let reader: PlateReader;
  beforeAll(async () => {
    reader = await createPlateReader({ detMaxSide: 640, threads: 1, plateDetector: 'only' });
  });
  afterAll(async () => {
    await reader.close();
  });

  it("reads the plate from the detector's box with the plate recogniser, never the timestamp", async () => {
    const plates = await reader.read(await scene('7ABC123', 1280, 720));
    expect(plates[0]?.text).toBe('7ABC123');
    expect(plates[0]!.chars?.map((c) => c.char).join('')).toBe('7ABC123');
    expect(plates[0]!.detectorScore).toBeGreaterThanOrEqual(DEFAULT_PLATE_DETECTOR.threshold);
    expect(plates[0]!.plateScore).toBe(plates[0]!.detectorScore);
    // The plate is drawn at 540..740 x 350..414.
    expect(plates[0]!.box.x + plates[0]!.box.w / 2).toBeGreaterThan(600);
    expect(plates[0]!.box.x + plates[0]!.box.w / 2).toBeLessThan(680);
    expect(plates.map((p) => p.text)).not.toContain('20240501123045');
  });

  it('reads a close-up plate whole, though the main detector scale boxes only part of it', async () => {
    // Each plate is wider than the detector's trained range at 512 px (plate-scales.ts); at 450
    // px the main scale's box alone read `7AB1`, at 300 px the coarse scale's alone `ABC123`.
    for (const plateWidth of [300, 450]) {
      const plates = await reader.read(await closeUp('7ABC123', plateWidth));
      expect(plates.map((p) => p.text)).toEqual(['7ABC123']);
      const b = plates[0]!.box;
      expect(b.x).toBeLessThanOrEqual(320 - plateWidth / 2 + 10);
      expect(b.x + b.w).toBeGreaterThanOrEqual(320 + plateWidth / 2 - 10);
    }
  });

  it('returns no plates for an empty scene and rejects a buffer of the wrong size', async () => {
    expect(await reader.read({ width: 320, height: 240, data: Buffer.alloc(320 * 240 * 3, 120) })).toEqual([]);
    await expect(reader.read({ width: 320, height: 240, data: Buffer.alloc(10) })).rejects.toThrow('image buffer holds 10 bytes, not 320x240 RGB');
  });

  it('reads a tight plate crop as the one box when told the whole image is the plate (how eval reads crops)', async () => {
    const crop = cropRgb(await scene('7ABC123'), { x: 216, y: 166, w: 208, h: 72 });
    const whole = await createPlateReader({ detMaxSide: 640, threads: 1, plateDetector: 'only', wholeImageIsPlate: true });
    try {
      const plates = await whole.read(crop);
      expect(plates.map((p) => p.text)).toEqual(['7ABC123']);
      expect(plates[0]!.box).toEqual({ x: 0, y: 0, w: 208, h: 72 });
    } finally {
      await whole.close();
    }
  });

  it('reads with the one plate recogniser a manifest without the other members lists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-one-rec-'));
    const manifest = loadManifest(manifestPathOf());
    const kept = manifest.models.filter((m) => !/^plate-rec-\d$/.test(m.name));
    expect(kept.length).toBeLessThan(manifest.models.length);
    for (const m of kept) if (!('npm' in m.file)) copyFileSync(join(bundledModelsDir, m.file.path), join(dir, m.file.path));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, models: kept }));
    const single = await createPlateReader({ detMaxSide: 640, threads: 1, plateDetector: 'only', modelsDir: dir });
    try {
      const plates = await single.read(await scene('7ABC123', 1280, 720));
      expect(plates[0]?.text).toBe('7ABC123');
    } finally {
      await single.close();
    }
  });

  it("reads the box's tight crop with PP-OCR's recogniser alone when asked (recognizer 'ppocr')", async () => {
    const ppocrOnly = await createPlateReader({ detMaxSide: 640, threads: 1, plateDetector: 'only', recognizer: 'ppocr' });
    try {
      const plates = await ppocrOnly.read(await scene('7ABC123', 1280, 720));
      expect(plates[0]?.text).toBe('7ABC123');
      expect(plates[0]!.detectorScore).toBeGreaterThanOrEqual(DEFAULT_PLATE_DETECTOR.threshold);
    } finally {
      await ppocrOnly.close();
    }
  });
});
