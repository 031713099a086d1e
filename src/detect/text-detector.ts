/** The PP-OCR DB text detector: ONNX session + the pure pre/post-processing around it. */
import type { RgbImage } from '../ocr/types.ts';
import { DEFAULT_DB_OPTIONS, dbPostprocess, type DbOptions, type TextLine } from './db-postprocess.ts';
import { createOnnxSession } from './onnx-session.ts';
import { detInputSize, detTensor } from './preprocess.ts';

export interface TextDetectorOptions {
  /** Long side of the detector input, rounded to a multiple of 32. */
  maxSide: number;
  threads: number;
  db?: Partial<DbOptions>;
}

export interface TextDetector {
  detect(image: RgbImage): Promise<TextLine[]>;
  close(): Promise<void>;
}

export async function createTextDetector(modelPath: string, opts: TextDetectorOptions): Promise<TextDetector> {
  const session = await createOnnxSession(modelPath, opts.threads);
  const db: DbOptions = { ...DEFAULT_DB_OPTIONS, ...opts.db };
  return {
    async detect(image) {
      const size = detInputSize(image.width, image.height, opts.maxSide, image.sceneSize);
      const input = detTensor(image, size);
      const out = await session.run(input, [1, 3, size.height, size.width]);
      const mapH = out.dims[2] ?? size.height;
      const mapW = out.dims[3] ?? size.width;
      return dbPostprocess({ data: out.data, width: mapW, height: mapH }, image.width, image.height, db);
    },
    close: () => session.close(),
  };
}
