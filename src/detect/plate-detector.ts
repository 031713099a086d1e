/**
 * The project's plate detector (models/plate-det.onnx): a grey frame at a long side of 512 in,
 * plate boxes with a plate-likeness score out. It is small enough to run on every frame and
 * tells the reader where to run the much larger text detector (docs/accuracy.md).
 */
import type { RgbImage } from '../ocr/types.ts';
import { createOnnxSession } from './onnx-session.ts';
import { decodePlateMaps, type DetectedPlate } from './plate-heatmap.ts';
import { mergePlateScales } from './plate-scales.ts';
import { detInputSize, greyTensor } from './preprocess.ts';

export interface PlateDetectorOptions {
  /** Long side of the detector input (the frame's, when the image is a window of a frame). */
  longSide: number;
  threads: number;
  threshold: number;
  maxPlates: number;
  /**
   * Also run at this long side and add the close plates the main scale missed (plate-scales.ts);
   * 0 or absent: the main scale only.
   */
  coarseLongSide?: number;
}

export const DEFAULT_PLATE_DETECTOR = { longSide: 512, threshold: 0.3, maxPlates: 4, coarseLongSide: 256 } as const;

export interface PlateDetector {
  detect(image: RgbImage): Promise<DetectedPlate[]>;
  close(): Promise<void>;
}

export async function createPlateDetector(modelPath: string, opts: PlateDetectorOptions): Promise<PlateDetector> {
  const session = await createOnnxSession(modelPath, opts.threads);
  return {
    async detect(image) {
      const at = async (longSide: number) => {
        const size = detInputSize(image.width, image.height, longSide, image.sceneSize);
        const out = await session.run(greyTensor(image, size), [1, 1, size.height, size.width]);
        const rows = out.dims[2] ?? 0;
        const cols = out.dims[3] ?? 0;
        const scaleX = image.width / size.width;
        return { scaleX, plates: decodePlateMaps({ data: out.data, rows, cols }, { threshold: opts.threshold, maxPlates: opts.maxPlates, scaleX, scaleY: image.height / size.height }) };
      };
      const main = await at(opts.longSide);
      if (!opts.coarseLongSide) return main.plates;
      return mergePlateScales(main.plates, (await at(opts.coarseLongSide)).plates, main.scaleX, opts.maxPlates);
    },
    close: () => session.close(),
  };
}
