/**
 * The reader for reader.plateDetector 'only': the plate detector finds the plates and each box
 * is read from crops of it (detector-reading.ts) by every plate recogniser the manifest lists
 * (role 'plate-recogniser': an ensemble of independently trained models) and, with recognizer
 * 'ensemble', by PP-OCR's recogniser too. PP-OCR's text detector, the costly part of a frame,
 * is never loaded (docs/accuracy.md, docs/benchmarks.md). The image buffer is checked by
 * reader.ts, which builds this reader.
 */
import { createPlateDetector, DEFAULT_PLATE_DETECTOR, type PlateDetector } from '../detect/plate-detector.ts';
import type { DetectedPlate } from '../detect/plate-heatmap.ts';
import { modelsWithRole, requireModel, type VerifiedModel } from '../models/manifest.ts';
import type { PlatePrior } from './char-prior.ts';
import type { CtcReading } from './ctc.ts';
import { DEFAULT_DETECTOR_READING, DETECTOR_CROPS, detectorCropRect, detectorPlate, PPOCR_CROP, type WeightedReading } from './detector-reading.ts';
import { betterRead, orderPlates } from './plate-order.ts';
import { createPlateRecogniser, type PlateRecogniser } from './plate-recogniser.ts';
import { createTextRecogniser, type TextRecogniser } from './recogniser.ts';
import type { PlateRead, PlateReader, RgbImage } from './types.ts';
import type { RecognizerChoice } from './reader.ts';

function hasProbs(r: CtcReading): r is WeightedReading {
  return r.plateProbs !== undefined;
}

/**
 * Whether a plate recogniser read the same text in every crop of a box. PP-OCR's recogniser,
 * most of the CPU a box costs, and the ensemble's other members are then not asked: on the US,
 * EU and BR scenes their opinions changed none of those readings, and the bench frame fell from
 * 71 to 42 ms of CPU (docs/accuracy.md, docs/benchmarks.md).
 */
export function unanimous(views: readonly CtcReading[]): boolean {
  const texts = views.map((v) => v.chars.map((c) => c.char).join(''));
  return texts.length > 0 && texts.every((t) => t === texts[0]);
}

/**
 * The plate recognisers' views of one box, weighted as the models' mean: K models' crops weigh
 * 1/K each, so together they count as one model's DETECTOR_CROPS against PP-OCR's one view
 * (summing them at full weight outvoted PP-OCR and read worse: docs/accuracy.md).
 */
export function modelsMean<T extends CtcReading>(views: readonly T[]): (T & { weight: number })[] {
  const weight = DETECTOR_CROPS.length / Math.max(DETECTOR_CROPS.length, views.length);
  return views.map((v) => ({ ...v, weight }));
}

/** For tight plate crops (PlateReaderOptions.wholeImageIsPlate): the image is the one box. */
const wholeImageDetector: PlateDetector = {
  detect: async (image) => [{ box: { x: 0, y: 0, w: image.width, h: image.height }, score: 1 }],
  close: async () => {},
};

export async function createDetectorOnlyReader(
  models: Map<string, VerifiedModel>,
  opts: { modelsDir?: string; threads: number; warmUp?: boolean; prior?: PlatePrior; warmUpFrame: RgbImage; recognizer: RecognizerChoice; wholeImageIsPlate?: boolean },
): Promise<PlateReader> {
  const model = (name: string) => requireModel(models, name, opts.modelsDir).path;
  const plateDet: PlateDetector = opts.wholeImageIsPlate ? wholeImageDetector : await createPlateDetector(model('plate-det'), { ...DEFAULT_PLATE_DETECTOR, threads: opts.threads });
  const plateRecs: PlateRecogniser[] = [];
  let ppocr: TextRecogniser | undefined;
  try {
    if (opts.recognizer !== 'ppocr') {
      // plate-rec comes first whatever the manifest's order: its crops decide whether the other
      // members are asked. A manifest without it is broken, not a smaller ensemble.
      const main = requireModel(models, 'plate-rec', opts.modelsDir);
      for (const m of [main, ...modelsWithRole(models, 'plate-recogniser').filter((r) => r !== main)]) {
        plateRecs.push(await createPlateRecogniser(m.path, model(m.entry.labels ?? 'plate-rec-keys'), { threads: opts.threads }));
      }
    }
    // The crop at its own width: padding a short plate crop to PP-OCR's usual 320 px read
    // worse (docs/accuracy.md). One thread whatever reader.threads says: one short line
    // parallelises badly (48x144 px: 11 ms CPU for 11 ms wall on one thread, 20 ms CPU for 13 ms
    // wall on two; docs/benchmarks.md).
    if (opts.recognizer !== 'plate') ppocr = await createTextRecogniser(model('rec'), model('rec-keys'), { threads: 1, minWidth: 0 });
    if (opts.warmUp !== false) {
      const grey = { width: 64, height: 16, data: Buffer.alloc(64 * 16 * 3, 128) };
      const rect = [{ cx: 32, cy: 8, w: 64, h: 16, angle: 0 }];
      await plateDet.detect(opts.warmUpFrame);
      for (const r of plateRecs) await r.recognise(grey, rect);
      await ppocr?.recognise(grey, rect);
    }
  } catch (err) {
    await Promise.all([plateDet.close(), ...plateRecs.map((r) => r.close()), ppocr?.close()]);
    throw err;
  }
  const readingOpts = { ...DEFAULT_DETECTOR_READING, ...(opts.prior ? { prior: opts.prior } : {}) };

  /**
   * What each box reads as, in one batch per recogniser: the plate (undefined where no text of
   * plausible length was read) and whether the first plate recogniser's crops all agreed.
   */
  async function readBoxes(image: RgbImage, boxes: readonly DetectedPlate[]): Promise<{ plate?: PlateRead; agreed: boolean }[]> {
    if (boxes.length === 0) return [];
    const per = DETECTOR_CROPS.length;
    const cropsOf = (i: number) => DETECTOR_CROPS.map((c) => detectorCropRect(boxes[i]!.box, c));
    const [first, ...others] = plateRecs;
    // The first plate recogniser reads every box; the other members and PP-OCR only the boxes
    // whose three crops it read differently. Where one model reads a plate the same in every
    // crop, more opinions changed no top-1 reading on the US, EU, BR and crops sets, and asking
    // them on every box cost the bench frame 92 instead of 50 ms of CPU (docs/accuracy.md).
    const firstViews = first ? await first.recognise(image, boxes.flatMap((_, i) => cropsOf(i))) : [];
    const viewsOf = boxes.map((_, i) => firstViews.slice(i * per, (i + 1) * per));
    const agreed = boxes.map((_, i) => first !== undefined && unanimous(viewsOf[i]!));
    const asked = boxes.map((_, i) => i).filter((i) => !agreed[i]);
    const askedRects = asked.flatMap(cropsOf);
    // One model after the other: each session already has reader.threads threads.
    const memberViews: CtcReading[][] = [];
    for (const r of asked.length > 0 ? others : []) memberViews.push(await r.recognise(image, askedRects));
    const answers = ppocr && asked.length > 0 ? await ppocr.recognise(image, asked.map((i) => detectorCropRect(boxes[i]!.box, PPOCR_CROP))) : [];
    const generic = new Map(asked.map((i, k) => [i, answers[k]]));
    const members = new Map(asked.map((i, k) => [i, memberViews.flatMap((o) => o.slice(k * per, (k + 1) * per))]));
    const ownViews = boxes.map((_, i) => modelsMean([...viewsOf[i]!, ...(members.get(i) ?? [])]));
    return boxes.map((f, i) => {
      const second = generic.get(i);
      const views = [...ownViews[i]!, ...(second ? [second] : [])];
      const plate = views.every(hasProbs) ? detectorPlate(f, views, readingOpts) : undefined;
      return { ...(plate ? { plate } : {}), agreed: agreed[i]! };
    });
  }

  return {
    async read(image) {
      const found = await plateDet.detect(image);
      if (found.length === 0) return [];
      const reads = await readBoxes(image, found);
      // A plate the main scale saw beyond its trained range also has a box from both scales
      // (plate-scales.ts). Where the first plate recogniser's crops of the main box agree, that read
      // stands; otherwise the second box is read too and the better read kept. Reading every
      // second box cost the bench's close-up fixture frames ~7 ms of CPU each and changed no
      // reading on the scene sets (docs/accuracy.md).
      const doubtful = found.flatMap((f, i) => (f.alternative && !reads[i]!.agreed ? [i] : []));
      const second = await readBoxes(image, doubtful.map((i) => found[i]!.alternative!));
      const alternativeRead = new Map(doubtful.map((i, k) => [i, second[k]!.plate]));
      const plates = found.flatMap((_, i) => {
        const best = betterRead([reads[i]!.plate, alternativeRead.get(i)]);
        return best ? [best] : [];
      });
      return orderPlates(plates, image.width, image.height);
    },
    async close() {
      await Promise.all([plateDet.close(), ...plateRecs.map((r) => r.close()), ppocr?.close()]);
    },
  };
}
