/**
 * `alpr-edge read [--det-max-side N] [--threads N] [--models-dir DIR] [--recognizer R] [--plate-detector gate|off|only] [--region us|eu|br|none] IMAGE...`: one JSON line
 * per image on stdout, `{"image","plates":[{text,confidence,box,candidates}],"ms"}`. An
 * unreadable image is reported on stderr; the others are still read and the exit status is 1.
 */
import { parseArgs } from 'node:util';
import { decodeImageFile } from '../capture/decode-image.ts';
import { configSchema } from '../config/schema.ts';
import { AlprError, isAlprError } from '../errors.ts';
import { PLATE_DETECTOR_CHOICES, RECOGNIZER_CHOICES, createPlateReader, type PlateReaderOptions } from '../ocr/reader.ts';
import { REGION_CHOICES } from '../ocr/char-prior.ts';

export const READER_FLAGS = {
  'det-max-side': { type: 'string' },
  threads: { type: 'string' },
  'models-dir': { type: 'string' },
  recognizer: { type: 'string' },
  'plate-detector': { type: 'string' },
  region: { type: 'string' },
} as const;

function intFlag(value: string | undefined, name: string, min: number, max: number, fallback: number, usage: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new AlprError('USAGE', `--${name} must be an integer from ${min} to ${max}\n${usage}`);
  return n;
}

function choiceFlag<T extends string>(value: string | undefined, name: string, choices: readonly T[], fallback: T, usage: string): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) throw new AlprError('USAGE', `--${name} must be one of ${choices.join(', ')}\n${usage}`);
  return value as T;
}

/** Reader options from the shared flags; defaults are the config schema's reader defaults. */
export function readerOptionsFrom(
  values: { 'det-max-side'?: string; threads?: string; 'models-dir'?: string; recognizer?: string; 'plate-detector'?: string; region?: string },
  usage: string,
): PlateReaderOptions {
  const defaults = configSchema.shape.reader.parse(undefined);
  const opts: PlateReaderOptions = {
    detMaxSide: intFlag(values['det-max-side'], 'det-max-side', 320, 2048, defaults.detMaxSide, usage),
    threads: intFlag(values.threads, 'threads', 1, 16, defaults.threads, usage),
    recognizer: choiceFlag(values.recognizer, 'recognizer', RECOGNIZER_CHOICES, defaults.recognizer, usage),
    plateDetector: choiceFlag(values['plate-detector'], 'plate-detector', PLATE_DETECTOR_CHOICES, defaults.plateDetector, usage),
    region: choiceFlag(values.region, 'region', REGION_CHOICES, defaults.region, usage),
  };
  if (values['models-dir']) opts.modelsDir = values['models-dir'];
  return opts;
}

export function parseOrUsage<T>(parse: () => T, usage: string): T {
  try {
    return parse();
  } catch (err) {
    throw new AlprError('USAGE', `${(err as Error).message}\n${usage}`);
  }
}

const USAGE = 'usage: alpr-edge read [--det-max-side N] [--threads N] [--models-dir DIR] [--recognizer ppocr|plate|ensemble] [--plate-detector gate|off|only] [--region us|eu|br|none] IMAGE...';

export async function readCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOrUsage(() => parseArgs({ args, options: READER_FLAGS, allowPositionals: true, strict: true }), USAGE);
  if (positionals.length === 0) throw new AlprError('USAGE', USAGE);
  const reader = await createPlateReader(readerOptionsFrom(values, USAGE));
  let failed = 0;
  try {
    for (const image of positionals) {
      try {
        const rgb = await decodeImageFile(image);
        const t0 = performance.now();
        const plates = await reader.read(rgb);
        const ms = Math.round((performance.now() - t0) * 10) / 10;
        process.stdout.write(`${JSON.stringify({ image, plates, ms })}\n`);
      } catch (err) {
        if (!isAlprError(err, 'IMAGE_UNREADABLE')) throw err;
        failed++;
        process.stderr.write(`alpr-edge: ${err.message}\n`);
      }
    }
  } finally {
    await reader.close();
  }
  return failed > 0 ? 1 : 0;
}
