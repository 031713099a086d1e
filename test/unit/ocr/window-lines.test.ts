import { describe, expect, it } from 'vitest';
import type { TextLine } from '../../../src/detect/db-postprocess.ts';
import type { RgbImage } from '../../../src/ocr/types.ts';
import { linesInWindows } from '../../../src/ocr/window-lines.ts';

/** A 40x30 image whose pixel (x, y) has red = x, green = y, so a crop shows where it came from. */
function coordinateImage(width = 40, height = 30): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, 7], (y * width + x) * 3);
  return { width, height, data };
}

describe('text lines found in windows', () => {
  it('reads each window cut from the image at the whole frame scale and moves its lines into image coordinates', async () => {
    const seen: RgbImage[] = [];
    const detector = {
      async detect(window: RgbImage): Promise<TextLine[]> {
        seen.push(window);
        return [{ rect: { cx: 5, cy: 3, w: 8, h: 4, angle: 2 }, box: { x: 1, y: 1, w: 8, h: 4 }, score: 0.9 }];
      },
    };
    const lines = await linesInWindows(detector, coordinateImage(), [
      { x: 10, y: 5, w: 12, h: 8 },
      { x: 0, y: 20, w: 6, h: 10 },
    ]);
    expect(seen.map((w) => [w.width, w.height, w.data[0], w.data[1], w.sceneSize])).toEqual([
      [12, 8, 10, 5, { width: 40, height: 30 }],
      [6, 10, 0, 20, { width: 40, height: 30 }],
    ]);
    expect(lines).toEqual([
      { rect: { cx: 15, cy: 8, w: 8, h: 4, angle: 2 }, box: { x: 11, y: 6, w: 8, h: 4 }, score: 0.9 },
      { rect: { cx: 5, cy: 23, w: 8, h: 4, angle: 2 }, box: { x: 1, y: 21, w: 8, h: 4 }, score: 0.9 },
    ]);
  });

  it('keeps the frame size of an image that is itself a window of a frame', async () => {
    const scenes: unknown[] = [];
    const detector = { detect: async (w: RgbImage) => (scenes.push(w.sceneSize), []) };
    await linesInWindows(detector, { ...coordinateImage(), sceneSize: { width: 1280, height: 720 } }, [{ x: 0, y: 0, w: 10, h: 10 }]);
    expect(scenes).toEqual([{ width: 1280, height: 720 }]);
  });
});

describe('lines found in two overlapping windows', () => {
  it('are kept once, with the higher score', async () => {
    let call = 0;
    const detector = {
      async detect(): Promise<TextLine[]> {
        call++;
        // The same line seen from both windows (image x 20..36), plus one line only the second sees.
        return call === 1
          ? [{ rect: { cx: 18, cy: 5, w: 16, h: 6, angle: 0 }, box: { x: 10, y: 2, w: 16, h: 6 }, score: 0.7 }]
          : [
              { rect: { cx: 8, cy: 5, w: 16, h: 6, angle: 0 }, box: { x: 0, y: 2, w: 16, h: 6 }, score: 0.9 },
              { rect: { cx: 20, cy: 20, w: 10, h: 4, angle: 0 }, box: { x: 15, y: 18, w: 10, h: 4 }, score: 0.5 },
            ];
      },
    };
    const lines = await linesInWindows(detector, coordinateImage(), [
      { x: 10, y: 0, w: 20, h: 30 },
      { x: 20, y: 0, w: 20, h: 30 },
    ]);
    expect(lines.map((l) => [l.box.x, l.score])).toEqual([
      [20, 0.9],
      [35, 0.5],
    ]);
  });
});

describe('a line cut by the edge of an overlapping window', () => {
  it('gives way to the whole line found in the other window, whichever comes first', async () => {
    const whole: TextLine = { rect: { cx: 20, cy: 10, w: 30, h: 8, angle: 0 }, box: { x: 5, y: 6, w: 30, h: 8 }, score: 0.8 };
    const cut: TextLine = { rect: { cx: 30, cy: 10, w: 10, h: 8, angle: 0 }, box: { x: 25, y: 6, w: 10, h: 8 }, score: 0.95 };
    for (const order of [
      [whole, cut],
      [cut, whole],
    ]) {
      let call = 0;
      const detector = { detect: async () => [order[call++]!] };
      // Both windows start at 0, so the lines keep their coordinates.
      const lines = await linesInWindows(detector, coordinateImage(), [
        { x: 0, y: 0, w: 40, h: 30 },
        { x: 0, y: 0, w: 40, h: 30 },
      ]);
      expect(lines).toEqual([whole]);
    }
  });

  it('does not merge two lines of the same window (a plate split by an emblem stays two fragments)', async () => {
    const left: TextLine = { rect: { cx: 10, cy: 10, w: 10, h: 8, angle: 0 }, box: { x: 5, y: 6, w: 10, h: 8 }, score: 0.9 };
    const inner: TextLine = { rect: { cx: 10, cy: 10, w: 6, h: 6, angle: 0 }, box: { x: 7, y: 7, w: 6, h: 6 }, score: 0.9 };
    const lines = await linesInWindows({ detect: async () => [left, inner] }, coordinateImage(), [{ x: 0, y: 0, w: 40, h: 30 }]);
    expect(lines).toEqual([left, inner]);
  });
});
