/**
 * The project's plate recogniser (models/plate-rec.onnx, trained by scripts/train/): a small CNN
 * with CTC over A-Z0-9 reading a 32x128 grey crop of the plate region. Greedy CTC decoding gives
 * per-character confidences and the runner-up character at each step.
 */
import { readFileSync } from 'node:fs';
import type { RotatedRect } from '../detect/geometry.ts';
import { createOnnxSession } from '../detect/onnx-session.ts';
import { AlprError } from '../errors.ts';
import { plateClassMap, projectToPlateClasses } from './plate-classes.ts';
import { ctcGreedyDecode, type CtcReading } from './ctc.ts';
import { PLATE_IN_H, PLATE_IN_W, writePlateInput } from './plate-preprocess.ts';
import type { RgbImage } from './types.ts';

export interface PlateRecogniser {
  /** Reads each rectangle (already the plate region, see plateCropRect); results in input order. */
  recognise(image: RgbImage, rects: readonly RotatedRect[]): Promise<CtcReading[]>;
  close(): Promise<void>;
}

/**
 * Classes of the plate recogniser: 0 is the CTC blank, then one per line of the keys file.
 * Every key must be a single A-Z or 0-9 character, listed once.
 */
export function parsePlateKeys(text: string, file = 'plate keys'): string[] {
  const keys = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (keys.length > 0 && keys[keys.length - 1] === '') keys.pop();
  const bad = keys.find((k) => !/^[A-Z0-9]$/.test(k));
  if (keys.length === 0 || bad !== undefined) {
    throw new AlprError('MANIFEST_INVALID', `${file}: every line must be one character A-Z or 0-9 (found ${bad === undefined ? 'no lines' : JSON.stringify(bad)})`);
  }
  if (new Set(keys).size !== keys.length) throw new AlprError('MANIFEST_INVALID', `${file}: a character is listed twice`);
  return ['', ...keys];
}

export async function createPlateRecogniser(modelPath: string, keysPath: string, opts: { threads: number; batchSize?: number }): Promise<PlateRecogniser> {
  const charset = parsePlateKeys(readFileSync(keysPath, 'utf8'), keysPath);
  const plateMap = plateClassMap(charset);
  const session = await createOnnxSession(modelPath, opts.threads);
  const batchSize = opts.batchSize ?? 8;
  const plane = PLATE_IN_H * PLATE_IN_W;
  return {
    async recognise(image, rects) {
      const results: CtcReading[] = [];
      for (let start = 0; start < rects.length; start += batchSize) {
        const batch = rects.slice(start, start + batchSize);
        const input = new Float32Array(batch.length * plane);
        batch.forEach((r, n) => writePlateInput(image, r, input, n));
        const out = await session.run(input, [batch.length, 1, PLATE_IN_H, PLATE_IN_W]);
        const [, steps = 0, classes = 0] = out.dims;
        if (classes !== charset.length) {
          throw new AlprError('MANIFEST_INVALID', `plate recogniser has ${classes} classes but its keys file gives ${charset.length}`);
        }
        batch.forEach((_, n) => {
          const offset = n * steps * classes;
          results.push({ ...ctcGreedyDecode(out.data, steps, classes, charset, offset), plateProbs: projectToPlateClasses(out.data, steps, plateMap, offset) });
        });
      }
      return results;
    },
    close: () => session.close(),
  };
}
