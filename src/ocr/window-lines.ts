/** Runs the text detector on windows of an image and returns its lines in the image's coordinates. */
import type { TextLine } from '../detect/db-postprocess.ts';
import { intersectionArea, iou } from '../detect/geometry.ts';
import type { TextDetector } from '../detect/text-detector.ts';
import { cropRgb } from './crop-rgb.ts';
import type { Box, RgbImage } from './types.ts';

/**
 * The text lines of each window, in the image's coordinates. Each window is read at the scale
 * the whole frame would be read at (sceneSize), so a plate looks the same to the detector. Where
 * windows overlap, a line can be found twice: whole in one window and, where the other window's
 * edge cuts it, as a fragment (`C123` of `7ABC123`). Of two lines from different windows that
 * overlap by IoU >= 0.5 the higher-scoring one is kept; of two where one lies mostly (60 %)
 * inside the other, the larger one.
 */
export async function linesInWindows(detector: Pick<TextDetector, 'detect'>, image: RgbImage, windows: readonly Box[]): Promise<TextLine[]> {
  const scene = image.sceneSize ?? { width: image.width, height: image.height };
  const kept: { line: TextLine; window: number }[] = [];
  for (const [window, w] of windows.entries()) {
    for (const found of await detector.detect({ ...cropRgb(image, w), sceneSize: scene })) {
      const line = {
        ...found,
        rect: { ...found.rect, cx: found.rect.cx + w.x, cy: found.rect.cy + w.y },
        box: { ...found.box, x: found.box.x + w.x, y: found.box.y + w.y },
      };
      const twin = kept.findIndex((k) => k.window !== window && sameLine(k.line, line));
      if (twin < 0) kept.push({ line, window });
      else if (better(line, kept[twin]!.line)) kept[twin] = { line, window };
    }
  }
  return kept.map((k) => k.line);
}

function sameLine(a: TextLine, b: TextLine): boolean {
  return iou(a.box, b.box) >= 0.5 || intersectionArea(a.box, b.box) >= 0.6 * Math.min(a.box.w * a.box.h, b.box.w * b.box.h);
}

/** A whole line beats a fragment of it; between two near-equal outlines the detector's score decides. */
function better(a: TextLine, b: TextLine): boolean {
  if (iou(a.box, b.box) >= 0.5) return a.score > b.score;
  return a.box.w * a.box.h > b.box.w * b.box.h;
}
