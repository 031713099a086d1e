/**
 * The reader for reader.plateDetector 'only': the plate detector finds the plates and the plate
 * recogniser reads each box (detector-reading.ts). PP-OCR is never loaded, so the process holds
 * two small sessions instead of four (docs/accuracy.md, docs/benchmarks.md). The image buffer is
 * checked by reader.ts, which builds this reader.
 */
import { createPlateDetector, DEFAULT_PLATE_DETECTOR } from '../detect/plate-detector.ts';
import { requireModel, type VerifiedModel } from '../models/manifest.ts';
import type { PlatePrior } from './char-prior.ts';
import { DEFAULT_DETECTOR_READING, DETECTOR_CROPS, detectorCropRect, detectorPlate } from './detector-reading.ts';
import type { PlateProbs } from './plate-classes.ts';
import { createPlateRecogniser } from './plate-recogniser.ts';
import type { PlateRead, PlateReader, RgbImage } from './types.ts';

export async function createDetectorOnlyReader(
  models: Map<string, VerifiedModel>,
  opts: { modelsDir?: string; threads: number; warmUp?: boolean; prior?: PlatePrior; warmUpFrame: RgbImage },
): Promise<PlateReader> {
  const plateDet = await createPlateDetector(requireModel(models, 'plate-det', opts.modelsDir).path, { ...DEFAULT_PLATE_DETECTOR, threads: opts.threads });
  let plateRec;
  try {
    plateRec = await createPlateRecogniser(requireModel(models, 'plate-rec', opts.modelsDir).path, requireModel(models, 'plate-rec-keys', opts.modelsDir).path, {
      threads: opts.threads,
    });
    if (opts.warmUp !== false) {
      await plateDet.detect(opts.warmUpFrame);
      await plateRec.recognise({ width: 64, height: 16, data: Buffer.alloc(64 * 16 * 3, 128) }, [{ cx: 32, cy: 8, w: 64, h: 16, angle: 0 }]);
    }
  } catch (err) {
    await plateDet.close();
    throw err;
  }
  const rec = plateRec;
  const readingOpts = { ...DEFAULT_DETECTOR_READING, ...(opts.prior ? { prior: opts.prior } : {}) };
  return {
    async read(image) {
      const found = await plateDet.detect(image);
      if (found.length === 0) return [];
      // Every crop of every detection in one batch.
      const readings = await rec.recognise(
        image,
        found.flatMap((f) => DETECTOR_CROPS.map((c) => detectorCropRect(f.box, c))),
      );
      const plates: PlateRead[] = [];
      found.forEach((f, i) => {
        const views = readings.slice(i * DETECTOR_CROPS.length, (i + 1) * DETECTOR_CROPS.length);
        if (!views.every((r): r is typeof r & { plateProbs: PlateProbs } => r.plateProbs !== undefined)) return;
        const plate = detectorPlate(f, views, readingOpts);
        if (plate) plates.push(plate);
      });
      return plates;
    },
    async close() {
      await plateDet.close();
      await rec.close();
    },
  };
}
