/**
 * `alpr-edge eval --dataset DIR [--split all|val|train] [--out FILE] [--limit N] [reader flags]`: reads every image of
 * an OpenALPR-benchmark or plate-crops folder once, progress on stderr, per-image predictions
 * as JSON lines in FILE, and as the last stdout line one JSON summary
 * `{"dataset","n","found","top1","topN","msPerImage":{"median","p90"}}`.
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { AlprError } from '../errors.ts';
import { loadDataset } from '../eval/dataset.ts';
import { evaluate } from '../eval/run.ts';
import { selectSplit } from '../eval/split.ts';
import { createPlateReader } from '../ocr/reader.ts';
import { parseOrUsage, READER_FLAGS, readerOptionsFrom } from './read.ts';

/** Detector size for crop datasets unless --det-max-side is given: a 320 px crop padded by half its height. */
export const CROPS_DET_MAX_SIDE = 480;

const USAGE =
  'usage: alpr-edge eval --dataset DIR [--split all|val|train] [--out FILE] [--limit N] [--det-max-side N] [--threads N] [--models-dir DIR] [--recognizer ppocr|plate|ensemble] [--plate-detector gate|off|only] [--region us|eu|br|none]';

export async function evalCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOrUsage(
    () =>
      parseArgs({
        args,
        options: { ...READER_FLAGS, dataset: { type: 'string' }, split: { type: 'string' }, out: { type: 'string' }, limit: { type: 'string' } },
        allowPositionals: true,
        strict: true,
      }),
    USAGE,
  );
  if (!values.dataset || positionals.length > 0) throw new AlprError('USAGE', USAGE);
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new AlprError('USAGE', `--limit must be a positive integer\n${USAGE}`);
  }
  const split = values.split ?? 'all';
  if (split !== 'all' && split !== 'val' && split !== 'train') throw new AlprError('USAGE', `--split must be all, val or train\n${USAGE}`);
  // `val` is the part the plate recogniser never trained on (same file-name hash as scripts/train/split.py).
  const dataset = selectSplit(loadDataset(values.dataset), split);
  if (dataset.unlabelled) {
    process.stderr.write(`skipped ${dataset.unlabelled.length} image(s) labelled with a placeholder, not a plate: ${dataset.unlabelled.join(' ')}\n`);
  }
  const readerOpts = readerOptionsFrom(values, USAGE);
  // Padded tight crops read best with the detector at about their own size (see docs/accuracy.md).
  if (dataset.kind === 'crops' && values['det-max-side'] === undefined) readerOpts.detMaxSide = CROPS_DET_MAX_SIDE;
  // A tight crop is not a scene: the plate detector, trained to find plates in scenes, misses a
  // plate that fills the image (0.2 top-1). With 'only' (the default) the crop itself is the
  // plate's box, read unpadded by the same recognisers; 'off' and 'gate' read it padded by
  // half its height, as a scene (docs/accuracy.md).
  const wholeCrop = dataset.kind === 'crops' && readerOpts.plateDetector === 'only';
  if (wholeCrop) readerOpts.wholeImageIsPlate = true;
  const reader = await createPlateReader(readerOpts);
  const out = values.out ? createWriteStream(values.out) : undefined;
  let unreadable = 0;
  try {
    const { summary } = await evaluate(reader, dataset, values.dataset, {
      ...(limit === undefined ? {} : { limit }),
      ...(wholeCrop ? { cropBorder: 0 } : {}),
      onImage(record, i, total) {
        if (record.error) {
          unreadable++;
          process.stderr.write(`alpr-edge: ${record.error}\n`);
        }
        const best = record.plates[0]?.text ?? '-';
        process.stderr.write(`[${i + 1}/${total}] ${record.image} truth=${record.truth} read=${best} ${record.top1 ? 'ok' : record.topN ? 'topN' : 'miss'} ${record.ms}ms\n`);
        out?.write(`${JSON.stringify(record)}\n`);
      },
    });
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await reader.close();
    if (out) await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
  return unreadable > 0 ? 1 : 0;
}
