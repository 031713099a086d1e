import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_OPTIONS, textWindows } from '../../../src/ocr/text-windows.ts';

const OPTS = { widthFactor: 2, heightFactor: 3, minSide: 96, quantum: 1 };

describe('text-detector windows around detected plates', () => {
  it('grows a plate box into a centred window of the configured factors', () => {
    expect(textWindows([{ x: 500, y: 400, w: 120, h: 60 }], 1280, 720, OPTS)).toEqual([{ x: 440, y: 340, w: 240, h: 180 }]);
    const [d] = textWindows([{ x: 500, y: 300, w: 100, h: 50 }], 1280, 720);
    expect(d!.w).toBeGreaterThanOrEqual(100 * DEFAULT_WINDOW_OPTIONS.widthFactor);
    expect(d!.h).toBeGreaterThanOrEqual(50 * DEFAULT_WINDOW_OPTIONS.heightFactor);
  });

  it('puts windows on the quantum grid (origin and sides), so the text detector reads them at the frame scale and phase', () => {
    const [w] = textWindows([{ x: 500, y: 400, w: 100, h: 45 }], 1280, 720, { ...OPTS, quantum: 32 });
    // 200 x 135 rounded up to 224 x 160; the centred origin (438, 342.5) moved down to the grid.
    expect(w).toEqual({ x: 416, y: 320, w: 224, h: 160 });
    // A 1920-wide frame read at 1280: the grid is 48 image pixels.
    const [v] = textWindows([{ x: 1000, y: 500, w: 100, h: 45 }], 1920, 1080, { ...OPTS, quantum: 48 });
    expect([v!.x % 48, v!.y % 48, v!.w % 48, v!.h % 48]).toEqual([0, 0, 0, 0]);
  });

  it('gives a small plate at least the minimum side and clips windows to the image', () => {
    expect(textWindows([{ x: 600, y: 300, w: 20, h: 10 }], 1280, 720, OPTS)).toEqual([{ x: 562, y: 257, w: 96, h: 96 }]);
    expect(textWindows([{ x: 1240, y: 690, w: 60, h: 40 }], 1280, 720, OPTS)).toEqual([{ x: 1210, y: 650, w: 70, h: 70 }]);
    expect(textWindows([{ x: 2000, y: 100, w: 60, h: 40 }], 1280, 720, OPTS)).toEqual([]);
  });

  it('merges windows that mostly cover each other, also through a chain', () => {
    const out = textWindows(
      [
        { x: 100, y: 100, w: 100, h: 40 },
        { x: 140, y: 100, w: 100, h: 40 }, // its window shares 80 % with the first's
        { x: 190, y: 104, w: 100, h: 40 }, // shares 66 % with the union of the first two
      ],
      1280,
      720,
      OPTS,
    );
    expect(out).toEqual([{ x: 50, y: 60, w: 290, h: 124 }]);
  });

  it('keeps windows that only overlap apart instead of reading their whole union', () => {
    const out = textWindows(
      [
        { x: 100, y: 100, w: 100, h: 40 },
        { x: 260, y: 130, w: 100, h: 40 }, // windows overlap by 40x90 px, a fifth of each
        { x: 900, y: 500, w: 100, h: 40 },
      ],
      1280,
      720,
      OPTS,
    );
    expect(out).toEqual([
      { x: 50, y: 60, w: 200, h: 120 },
      { x: 210, y: 90, w: 200, h: 120 },
      { x: 850, y: 460, w: 200, h: 120 },
    ]);
  });
});
