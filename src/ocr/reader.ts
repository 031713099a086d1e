/**
 * The plate reader: verifies the model files against the manifest, then for each image runs
 * the PP-OCR text detector, reads the likely lines with the recogniser, normalises the text and
 * picks the plates (pure selection in select.ts). With `recognizer: 'plate'` the selected plates
 * are then read again by the project's own plate recogniser from the original frame (crop with
 * a margin, deskewed by the line's angle); the generic reading stays a candidate.
 */
import { createTextDetector } from '../detect/text-detector.ts';
import type { TextLine } from '../detect/db-postprocess.ts';
import type { RotatedRect } from '../detect/geometry.ts';
import { createPlateDetector, DEFAULT_PLATE_DETECTOR, type PlateDetector } from '../detect/plate-detector.ts';
import type { DetectedPlate } from '../detect/plate-heatmap.ts';
import { AlprError } from '../errors.ts';
import { requireModel, verifyModels } from '../models/manifest.ts';
import { DEFAULT_REGION, loadPlatePrior, type RegionChoice } from './char-prior.ts';
import { lineRead } from './clean.ts';
import type { CtcReading } from './ctc.ts';
import { createDetectorOnlyReader } from './detector-only-reader.ts';
import { DEFAULT_JOINT_OPTIONS, jointReading, type JointOptions } from './joint-reading.ts';
import { createPlateRecogniser, type PlateRecogniser } from './plate-recogniser.ts';
import { concatPlateProbs, type PlateProbs } from './plate-classes.ts';
import { DEFAULT_REREAD_OPTIONS, plateCropFor, plateLineParts, withPlateReading } from './plate-reread.ts';
import { createTextRecogniser, type TextRecogniser } from './recogniser.ts';
import { DEFAULT_SELECT_OPTIONS, selectPlates, type SelectOptions } from './select.ts';
import { joinStacked } from './stacked.ts';
import { textWindows } from './text-windows.ts';
import { linesInWindows } from './window-lines.ts';
import type { Box, PlateRead, PlateReader, RgbImage } from './types.ts';

/**
 * 'ppocr': the generic recogniser's reading; 'plate': the plate recogniser re-reads each selected
 * plate and its reading wins; 'ensemble': both read, and the text both outputs make most likely
 * together wins (joint-reading.ts; for a plate merged from several lines, the reading with the
 * higher mean confidence), the others becoming candidates.
 */
export type RecognizerChoice = 'plate' | 'ppocr' | 'ensemble';
export const RECOGNIZER_CHOICES: readonly RecognizerChoice[] = ['ppocr', 'plate', 'ensemble'];

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
  /** Which recogniser gives the plate text (default: the config schema's); PP-OCR rec always reads the lines for selection. */
  recognizer?: RecognizerChoice;
  /**
   * Whose plates these are: the joint reading ('ensemble') and the detector-only reading weigh
   * candidate texts by that region's layout and character prior (models/plate-priors.json); 'none' weighs
   * every text alike.
   * Default: the config schema's ('us').
   */
  region?: RegionChoice;
  /** At most this many selected plates per image are read again by the plate recogniser (default 4). */
  maxPlateReads?: number;
  /**
   * 'gate': the plate detector (models/plate-det.onnx) runs first and the text detector reads
   * only windows around the plates it finds: none found, no plates; windows covering half the
   * frame or more, or no plate read in them, the whole frame. 'off': the text detector reads
   * the whole frame. 'only': no text detector; crops of each box the plate detector finds are
   * read by the plate recogniser and, with `recognizer` 'ensemble', PP-OCR's recogniser
   * (detector-only-reader.ts); 'plate' or 'ppocr' uses that one alone.
   */
  plateDetector?: PlateDetectorChoice;
  /**
   * With plateDetector 'only': the image is one tight plate crop, read as the detector's box
   * without running the detector (how `alpr-edge eval` reads a crops dataset; a camera frame
   * never is one).
   */
  wholeImageIsPlate?: boolean;
}

export type PlateDetectorChoice = 'gate' | 'off' | 'only';
export const PLATE_DETECTOR_CHOICES: readonly PlateDetectorChoice[] = ['gate', 'off', 'only'];

export const DEFAULT_RECOGNIZER: RecognizerChoice = 'ensemble';
/**
 * Only (the config schema's default too), since 2026-11-29: more US scenes and scene videos read
 * right than with the text detector ('off'), at about an eighth of the CPU and 60 % of the
 * memory; Brazilian scenes read 1 fewer of 29 (docs/accuracy.md).
 */
export const DEFAULT_PLATE_DETECTOR_CHOICE: PlateDetectorChoice = 'only';

/** Geometry alone rules out some lines before recognition: too small or standing upright. */
export function worthReading(line: TextLine): boolean {
  return line.rect.h >= 6 && line.rect.w >= 0.8 * line.rect.h;
}

export async function createPlateReader(opts: PlateReaderOptions): Promise<PlateReader> {
  const models = await verifyModels(opts.modelsDir);
  const region = opts.region ?? DEFAULT_REGION;
  const gate = opts.plateDetector ?? DEFAULT_PLATE_DETECTOR_CHOICE;
  const choice = opts.recognizer ?? DEFAULT_RECOGNIZER;
  // Read before any session opens, so a bad priors file leaves nothing to close.
  const weighed = region !== 'none' && (gate === 'only' || choice === 'ensemble');
  const prior = weighed ? loadPlatePrior(requireModel(models, 'plate-priors', opts.modelsDir).path, region) : undefined;
  if (gate === 'only') {
    const inner = await createDetectorOnlyReader(models, {
      threads: opts.threads,
      warmUpFrame: warmUpFrame(),
      recognizer: choice,
      ...(opts.wholeImageIsPlate ? { wholeImageIsPlate: true } : {}),
      ...(opts.modelsDir === undefined ? {} : { modelsDir: opts.modelsDir }),
      ...(opts.warmUp === undefined ? {} : { warmUp: opts.warmUp }),
      ...(prior ? { prior } : {}),
    });
    return {
      read: async (image) => inner.read(checkedImage(image)),
      close: () => inner.close(),
    };
  }
  const det = requireModel(models, 'det', opts.modelsDir);
  const rec = requireModel(models, 'rec', opts.modelsDir);
  const keys = requireModel(models, 'rec-keys', opts.modelsDir);
  const detector = await createTextDetector(det.path, {
    maxSide: opts.detMaxSide,
    threads: opts.threads,
    db: opts.unclipRatio === undefined ? {} : { unclipRatio: opts.unclipRatio },
  });
  let recogniser: TextRecogniser | undefined;
  let plateRec: PlateRecogniser | undefined;
  let plateDet: PlateDetector | undefined;
  const joint: JointOptions = prior ? { ...DEFAULT_JOINT_OPTIONS, prior } : DEFAULT_JOINT_OPTIONS;
  try {
    if (gate === 'gate') {
      const model = requireModel(models, 'plate-det', opts.modelsDir);
      // The gate only needs where plates are, not close plates read whole: the main scale only.
      plateDet = await createPlateDetector(model.path, { ...DEFAULT_PLATE_DETECTOR, coarseLongSide: 0, threads: opts.threads });
      if (opts.warmUp !== false) await plateDet.detect(warmUpFrame());
    }
    recogniser = await createTextRecogniser(rec.path, keys.path, {
      threads: opts.threads,
      ...(opts.recMinWidth === undefined ? {} : { minWidth: opts.recMinWidth }),
    });
    if (opts.warmUp !== false) {
      // The first run of a session is several times slower; pay it here, not on the first frame.
      await detector.detect(warmUpFrame());
      await recogniser.recognise({ width: 64, height: 16, data: Buffer.alloc(64 * 16 * 3, 128) }, [{ cx: 32, cy: 8, w: 64, h: 16, angle: 0 }]);
    }
    if (choice !== 'ppocr') {
      const plate = requireModel(models, 'plate-rec', opts.modelsDir);
      const plateKeys = requireModel(models, 'plate-rec-keys', opts.modelsDir);
      plateRec = await createPlateRecogniser(plate.path, plateKeys.path, { threads: opts.threads });
      if (opts.warmUp !== false) {
        await plateRec.recognise({ width: 64, height: 16, data: Buffer.alloc(64 * 16 * 3, 128) }, [{ cx: 32, cy: 8, w: 64, h: 16, angle: 0 }]);
      }
    }
  } catch (err) {
    await detector.close();
    await recogniser?.close();
    await plateRec?.close();
    await plateDet?.close();
    throw err;
  }
  const textRec = recogniser;
  const maxPlateReads = opts.maxPlateReads ?? 4;
  const select: SelectOptions = { ...DEFAULT_SELECT_OPTIONS, ...opts.select };
  const maxLines = opts.maxLines ?? 32;

  return {
    async read(image) {
      checkedImage(image);
      if (plateDet) {
        // A frame where the plate detector finds no plate costs only its run: most frames of a
        // roadside camera hold none, and reading them whole "just in case" would cost the full
        // text detector on every empty frame (a plate missed in one frame of a pass is usually
        // found in the next).
        const found = await plateDet.detect(image);
        if (found.length === 0) return [];
        const scene = image.sceneSize ?? image;
        // 32 text-detector input pixels, in image pixels: windows on the whole frame's grid.
        const quantum = (32 * Math.max(scene.width, scene.height)) / opts.detMaxSide;
        const windows = textWindows(
          found.map((f) => f.box),
          image.width,
          image.height,
          { quantum },
        );
        if (windowArea(windows) >= WHOLE_FRAME_SHARE * image.width * image.height) {
          // Close-up plates: their windows cover most of the frame, so reading the frame itself
          // costs no more and keeps one input shape (a new shape per frame made single reads
          // take up to a second under load).
          return (await finish(image, await readLines(image, await detector.detect(image)))).map((p) => withDetectorScore(p, found));
        }
        const gated = await readLines(image, await linesInWindows(detector, image, windows));
        if (gated.plates.length > 0) return (await finish(image, gated)).map((p) => withDetectorScore(p, found));
        // Something plate-like but no plate read in its windows: the text detector can lose a
        // small plate's line in a window (its outline depends on the whole input), so read the
        // whole frame.
      }
      return finish(image, await readLines(image, await detector.detect(image)));
    },
    async close() {
      await detector.close();
      await textRec.close();
      await plateRec?.close();
      await plateDet?.close();
    },
  };

  async function readLines(image: RgbImage, found: TextLine[]): Promise<ReadLines> {
    const lines = found
      .filter(worthReading)
      .sort((a, b) => b.rect.h * b.score - a.rect.h * a.score)
      .slice(0, maxLines);
    if (lines.length === 0) return { lines, readings: [], plates: [] };
    const readings = await textRec.recognise(image, lines.map((l) => l.rect));
    const reads = lines.map((l, i) => lineRead(l, readings[i]!));
    return { lines, readings, plates: selectPlates(joinStacked(reads), select) };
  }

  async function finish(image: RgbImage, { lines, readings, plates }: ReadLines): Promise<PlateRead[]> {
    if (!plateRec || plates.length === 0) return plates;
    const reread: { index: number; rect: RotatedRect }[] = [];
    plates.slice(0, maxPlateReads).forEach((p, index) => {
      const rect = plateCropFor(p.box, lines);
      if (rect) reread.push({ index, rect });
    });
    const plateReadings = await plateRec.recognise(
      image,
      reread.map((r) => r.rect),
    );
    const out: PlateRead[] = [...plates];
    reread.forEach((r, k) => {
      const plate = plates[r.index]!;
      const reading = plateReadings[k]!;
      // The generic output of the plate's line, or of its fragments read left to right as one;
      // a stacked pair has no such order and keeps the mean-confidence choice.
      const parts = plateLineParts(plate.box, lines)?.map((i) => readings[i]?.plateProbs);
      if (choice === 'ensemble' && parts?.every((p): p is PlateProbs => p !== undefined) && reading.plateProbs) {
        out[r.index] = jointReading(plate, concatPlateProbs(parts), { ...reading, plateProbs: reading.plateProbs }, joint);
        return;
      }
      out[r.index] = withPlateReading(plate, reading, { ...DEFAULT_REREAD_OPTIONS, choose: choice === 'ensemble' ? 'confident' : 'plate' });
    });
    return out;
  }
}

interface ReadLines {
  lines: TextLine[];
  /** The generic recogniser's reading of each line. */
  readings: CtcReading[];
  plates: PlateRead[];
}

/**
 * A small grey 16:9 frame. The detectors scale every image to their long side, so the warm-up
 * image's shape sets the size of the first (and largest kept) activation buffers: a square one
 * made the text detector's input 1280x1280 and left ~240 MB more resident than a 1280x720
 * camera frame needs.
 */
function warmUpFrame(): RgbImage {
  return { width: 128, height: 72, data: Buffer.alloc(128 * 72 * 3, 128) };
}

/** The image, once its buffer is known to hold width x height RGB pixels. */
function checkedImage(image: RgbImage): RgbImage {
  if (image.data.length !== image.width * image.height * 3) {
    throw new AlprError('IMAGE_UNREADABLE', `image buffer holds ${image.data.length} bytes, not ${image.width}x${image.height} RGB`);
  }
  return image;
}

/** Windows covering at least this share of the image: the whole image is read instead. */
const WHOLE_FRAME_SHARE = 0.5;

function windowArea(windows: readonly Box[]): number {
  return windows.reduce((sum, w) => sum + w.w * w.h, 0);
}

/** The best score of the detected plates around a read plate's centre (their boxes grown by half). */
function withDetectorScore(plate: PlateRead, found: readonly DetectedPlate[]): PlateRead {
  const cx = plate.box.x + plate.box.w / 2;
  const cy = plate.box.y + plate.box.h / 2;
  let score: number | undefined;
  for (const { box, score: s } of found) {
    const near = Math.abs(cx - (box.x + box.w / 2)) <= box.w && Math.abs(cy - (box.y + box.h / 2)) <= box.h;
    if (near && (score === undefined || s > score)) score = s;
  }
  return score === undefined ? plate : { ...plate, detectorScore: Math.round(score * 1000) / 1000 };
}
