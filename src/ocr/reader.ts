/**
 * The plate reader: verifies the model files against the manifest, then for each image runs
 * the PP-OCR text detector, reads the likely lines with the recogniser, normalises the text and
 * picks the plates (pure selection in select.ts).
 */
import { createTextDetector } from '../detect/text-detector.ts';
import type { TextLine } from '../detect/db-postprocess.ts';
import { AlprError } from '../errors.ts';
import { requireModel, verifyModels } from '../models/manifest.ts';
import { lineRead } from './clean.ts';
import { createTextRecogniser, type TextRecogniser } from './recogniser.ts';
import { DEFAULT_SELECT_OPTIONS, selectPlates, type SelectOptions } from './select.ts';
import type { PlateReader } from './types.ts';

export interface PlateReaderOptions {
  /** Folder holding manifest.json; defaults to the models/ folder shipped with alpr-edge. */
  modelsDir?: string;
  /** Long side of the detector input (rounded to a multiple of 32). */
  detMaxSide: number;
  /** CPU threads per ONNX session. */
  threads: number;
  /** DB unclip ratio (default 1.5). */
  unclipRatio?: number;
  /** Minimum padded recogniser width (default 320). */
  recMinWidth?: number;
  /** At most this many text lines per image are recognised (default 32). */
  maxLines?: number;
  select?: Partial<SelectOptions>;
  /** Run each model once at start-up so the first image is not slow (default true). */
  warmUp?: boolean;
}

/** Geometry alone rules out some lines before recognition: too small or standing upright. */
export function worthReading(line: TextLine): boolean {
  return line.rect.h >= 6 && line.rect.w >= 0.8 * line.rect.h;
}

export async function createPlateReader(opts: PlateReaderOptions): Promise<PlateReader> {
  const models = await verifyModels(opts.modelsDir);
  const det = requireModel(models, 'det', opts.modelsDir);
  const rec = requireModel(models, 'rec', opts.modelsDir);
  const keys = requireModel(models, 'rec-keys', opts.modelsDir);
  const detector = await createTextDetector(det.path, {
    maxSide: opts.detMaxSide,
    threads: opts.threads,
    db: opts.unclipRatio === undefined ? {} : { unclipRatio: opts.unclipRatio },
  });
  let recogniser: TextRecogniser;
  try {
    recogniser = await createTextRecogniser(rec.path, keys.path, {
      threads: opts.threads,
      ...(opts.recMinWidth === undefined ? {} : { minWidth: opts.recMinWidth }),
    });
    if (opts.warmUp !== false) {
      // The first run of a session is several times slower; pay it here, not on the first frame.
      await detector.detect({ width: 64, height: 64, data: Buffer.alloc(64 * 64 * 3, 128) });
      await recogniser.recognise({ width: 64, height: 16, data: Buffer.alloc(64 * 16 * 3, 128) }, [{ cx: 32, cy: 8, w: 64, h: 16, angle: 0 }]);
    }
  } catch (err) {
    await detector.close();
    throw err;
  }
  const select: SelectOptions = { ...DEFAULT_SELECT_OPTIONS, ...opts.select };
  const maxLines = opts.maxLines ?? 32;

  return {
    async read(image) {
      if (image.data.length !== image.width * image.height * 3) {
        throw new AlprError('IMAGE_UNREADABLE', `image buffer holds ${image.data.length} bytes, not ${image.width}x${image.height} RGB`);
      }
      const lines = (await detector.detect(image))
        .filter(worthReading)
        .sort((a, b) => b.rect.h * b.score - a.rect.h * a.score)
        .slice(0, maxLines);
      if (lines.length === 0) return [];
      const readings = await recogniser.recognise(image, lines.map((l) => l.rect));
      const reads = lines.map((l, i) => lineRead(l, readings[i]!));
      return selectPlates(reads, select);
    },
    async close() {
      await detector.close();
      await recogniser.close();
    },
  };
}
