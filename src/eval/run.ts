/**
 * The evaluation loop: decodes every sample once, reads it like `alpr-edge read`, scores it.
 * Tight crops get a grey border first, because the text detector needs some context.
 */
import { decodeImageFile } from '../capture/decode-image.ts';
import { padImage } from '../detect/preprocess.ts';
import { isAlprError } from '../errors.ts';
import type { PlateReader, PlateRead, RgbImage } from '../ocr/types.ts';
import type { Dataset, EvalSample } from './dataset.ts';
import { scoreImage, summarise, type EvalSummary, type ImageOutcome } from './metrics.ts';

export interface ImageRecord extends ImageOutcome {
  image: string;
  truth: string;
  plates: PlateRead[];
  ms: number;
  error?: string;
}

export interface EvalOptions {
  limit?: number;
  /** Border added around crops, as a fraction of the crop height. */
  cropBorder?: number;
  /** Clock for timing reads (ms). */
  now?: () => number;
  onImage?: (record: ImageRecord, index: number, total: number) => void;
}

/** A crop with a border, and the shift that maps boxes back onto the crop. */
export function padCrop(image: RgbImage, fraction: number): { image: RgbImage; border: number } {
  const border = Math.round(image.height * fraction);
  return { image: border > 0 ? padImage(image, border) : image, border };
}

function shiftPlates(plates: PlateRead[], by: number): PlateRead[] {
  if (by === 0) return plates;
  return plates.map((p) => ({ ...p, box: { ...p.box, x: p.box.x - by, y: p.box.y - by } }));
}

export async function evaluate(reader: PlateReader, dataset: Dataset, name: string, opts: EvalOptions = {}): Promise<{ summary: EvalSummary; records: ImageRecord[] }> {
  const now = opts.now ?? (() => performance.now());
  const samples: EvalSample[] = opts.limit === undefined ? dataset.samples : dataset.samples.slice(0, opts.limit);
  const records: ImageRecord[] = [];
  for (const [i, sample] of samples.entries()) {
    let record: ImageRecord;
    try {
      const decoded = await decodeImageFile(sample.image);
      const { image, border } = dataset.kind === 'crops' ? padCrop(decoded, opts.cropBorder ?? 0.5) : { image: decoded, border: 0 };
      const t0 = now();
      const plates = shiftPlates(await reader.read(image), border);
      const ms = now() - t0;
      record = { image: sample.name, truth: sample.truth, plates, ms: Math.round(ms * 10) / 10, ...scoreImage(dataset.kind, sample, plates) };
    } catch (err) {
      if (!isAlprError(err, 'IMAGE_UNREADABLE')) throw err;
      record = { image: sample.name, truth: sample.truth, plates: [], ms: 0, found: dataset.kind === 'crops', top1: false, topN: false, error: err.message };
    }
    records.push(record);
    opts.onImage?.(record, i, samples.length);
  }
  const timed = records.filter((r) => r.error === undefined).map((r) => r.ms);
  return { summary: summarise(name, records, timed), records };
}
