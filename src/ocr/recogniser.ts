/** The PP-OCR text-line recogniser: ONNX session, batching by width, greedy CTC decoding. */
import { readFileSync } from 'node:fs';
import type { RotatedRect } from '../detect/geometry.ts';
import { createOnnxSession } from '../detect/onnx-session.ts';
import { AlprError } from '../errors.ts';
import { plateClassMap, projectToPlateClasses } from './plate-classes.ts';
import { ctcGreedyDecode, parseKeys, type CtcReading } from './ctc.ts';
import { batchWidth, REC_HEIGHT, recWidth, writeRecLine } from './rec-preprocess.ts';
import type { RgbImage } from './types.ts';

export interface RecogniserOptions {
  threads: number;
  /** Lines are right-padded to at least this width (PP-OCR's 320 reads best). */
  minWidth?: number;
  /** Lines per ONNX call. */
  batchSize?: number;
}

export interface TextRecogniser {
  /** Reads each rectangle of `image`; results are in input order. */
  recognise(image: RgbImage, rects: readonly RotatedRect[]): Promise<CtcReading[]>;
  close(): Promise<void>;
}

export async function createTextRecogniser(modelPath: string, keysPath: string, opts: RecogniserOptions): Promise<TextRecogniser> {
  const charset = parseKeys(readFileSync(keysPath, 'utf8'));
  const plateMap = plateClassMap(charset);
  const session = await createOnnxSession(modelPath, opts.threads);
  const minWidth = opts.minWidth ?? 320;
  const batchSize = opts.batchSize ?? 8;
  return {
    async recognise(image, rects) {
      const widths = rects.map(recWidth);
      const order = rects.map((_, i) => i).sort((a, b) => widths[a]! - widths[b]!);
      const results: CtcReading[] = new Array<CtcReading>(rects.length);
      for (let start = 0; start < order.length; start += batchSize) {
        const idx = order.slice(start, start + batchSize);
        const bw = batchWidth(
          idx.map((i) => widths[i]!),
          minWidth,
        );
        const input = new Float32Array(idx.length * 3 * REC_HEIGHT * bw);
        idx.forEach((i, n) => writeRecLine(image, rects[i]!, widths[i]!, input, n, bw));
        const out = await session.run(input, [idx.length, 3, REC_HEIGHT, bw]);
        const [, steps = 0, classes = 0] = out.dims;
        if (classes !== charset.length) {
          throw new AlprError('MANIFEST_INVALID', `recogniser has ${classes} classes but the keys file gives ${charset.length}`);
        }
        idx.forEach((i, n) => {
          const offset = n * steps * classes;
          results[i] = { ...ctcGreedyDecode(out.data, steps, classes, charset, offset), plateProbs: projectToPlateClasses(out.data, steps, plateMap, offset) };
        });
      }
      return results;
    },
    close: () => session.close(),
  };
}
