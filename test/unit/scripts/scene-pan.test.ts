import { describe, expect, it } from 'vitest';
import {
  baseScale,
  boxInOutput,
  drawParams,
  fullyInside,
  fullyVisibleRange,
  MAX_PLATE_H,
  MIN_PLATE_H,
  mulberry32,
  OUT_H,
  OUT_W,
  perFrameExpr,
  planScene,
  sceneSeed,
  startCentreY,
  truthCsv,
  zoomForWidth,
  zoompanWindowSize,
  type PanParams,
  type RenderParams,
} from '../../../scripts/fixtures/scene-pan.ts';

const render: RenderParams = { blurX: 1, blurY: 0.5, noise: 0, noiseSeed: 1, crf: 20 };

function pan(over: Partial<PanParams> = {}): PanParams {
  const frames = over.frames ?? 26;
  return {
    frames,
    direction: 1,
    enterVisible: 0.5,
    exitVisible: 0.3,
    zoomEnd: 1.05,
    yOffset: 0,
    yDrift: 0,
    shake: new Array<number>(frames).fill(0),
    ...over,
  };
}

/** Scenes shaped like the development set: 1280x720, large, small, portrait and wide stills. */
const SCENES = [
  { image: { width: 1280, height: 720 }, plate: { x: 428, y: 207, w: 58, h: 29 } },
  { image: { width: 1280, height: 720 }, plate: { x: 1058, y: 159, w: 64, h: 32 } },
  { image: { width: 1920, height: 1080 }, plate: { x: 80, y: 811, w: 179, h: 89 } },
  { image: { width: 918, height: 1632 }, plate: { x: 642, y: 461, w: 187, h: 93 } },
  { image: { width: 900, height: 600 }, plate: { x: 255, y: 216, w: 295, h: 147 } },
  { image: { width: 1024, height: 640 }, plate: { x: 443, y: 321, w: 50, h: 25 } },
  { image: { width: 720, height: 480 }, plate: { x: 80, y: 189, w: 78, h: 39 } },
];

describe('seeds', () => {
  it('draws the same parameters for the same scene name, different ones for another', () => {
    expect(drawParams(sceneSeed('car1'))).toEqual(drawParams(sceneSeed('car1')));
    expect(drawParams(sceneSeed('car1'))).not.toEqual(drawParams(sceneSeed('car2')));
    const rnd = mulberry32(7);
    const xs = Array.from({ length: 100 }, rnd);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });

  it('keeps drawn parameters within their ranges', () => {
    for (let i = 0; i < 200; i++) {
      const { pan: p, render: r } = drawParams(sceneSeed(`scene-${i}`));
      expect(p.frames).toBeGreaterThanOrEqual(24);
      expect(p.frames).toBeLessThanOrEqual(28);
      expect(p.shake).toHaveLength(p.frames);
      expect(p.zoomEnd).toBeGreaterThanOrEqual(1.02);
      expect(p.zoomEnd).toBeLessThanOrEqual(1.1);
      expect(r.crf).toBeGreaterThanOrEqual(24);
      expect(r.crf).toBeLessThanOrEqual(30);
    }
  });
});

describe('zoompan arithmetic', () => {
  it('gets back the integer window width from the zoom it is given', () => {
    for (const canvasW of [1280, 2048, 3328, 4000, 5120]) {
      for (let w = 1100; w <= 1280; w++) {
        const zoom = zoomForWidth(canvasW, w);
        expect(zoompanWindowSize(canvasW, (canvasW / 16) * 9, zoom).w).toBe(w);
        expect(Number(String(zoom))).toBe(zoom); // ffmpeg parses back the same double
      }
    }
  });

  it('maps a canvas box through a window onto the output', () => {
    const win = { x: 100, y: 50, w: 640, h: 360, zoom: 2 };
    expect(boxInOutput({ x: 100, y: 50, w: 10, h: 5 }, win)).toEqual({ x: 0, y: 0, w: 20, h: 10 });
    expect(boxInOutput({ x: 740, y: 410, w: 10, h: 5 }, win)).toEqual({ x: 1280, y: 720, w: 20, h: 10 });
  });

  it('writes a per-frame lookup expression', () => {
    expect(perFrameExpr([3, 1.5, 7])).toBe('if(eq(on,0),3,if(eq(on,1),1.5,7))');
    expect(perFrameExpr([4])).toBe('4');
  });
});

describe('fullyVisibleRange', () => {
  const at = (x: number): { x: number; y: number; w: number; h: number } => ({ x, y: 300, w: 100, h: 50 });

  it('counts a box touching the frame edge as inside, one a pixel over as outside', () => {
    expect(fullyInside(at(0))).toBe(true);
    expect(fullyInside(at(OUT_W - 100))).toBe(true);
    expect(fullyInside(at(-0.5))).toBe(false);
    expect(fullyInside(at(OUT_W - 99.5))).toBe(false);
    expect(fullyInside({ x: 10, y: OUT_H - 49, w: 100, h: 50 })).toBe(false);
  });

  it('returns the first and last fully visible frame', () => {
    expect(fullyVisibleRange([at(-50), at(0), at(600), at(1180), at(1200)])).toEqual({ first: 1, last: 3 });
    expect(fullyVisibleRange([at(-50), at(1250)])).toBeUndefined();
  });

  it('refuses a plate that leaves and comes back (that would be two passes)', () => {
    expect(() => fullyVisibleRange([at(10), at(-10), at(10)])).toThrow(/comes back/);
  });
});

describe('planScene', () => {
  it('is deterministic', () => {
    const s = SCENES[0]!;
    expect(planScene(s.image, s.plate, pan(), render)).toEqual(planScene(s.image, s.plate, pan(), render));
  });

  it('pans the plate across: entering on frame 0, whole for most frames, leaving on the last', () => {
    for (const s of SCENES) {
      for (const direction of [1, -1] as const) {
        const plan = planScene(s.image, s.plate, pan({ direction }), render);
        const boxes = plan.plateBoxes;
        const first = boxes[0]!;
        const last = boxes.at(-1)!;
        // Cut by the side it enters from, and by the other side at the end.
        if (direction === 1) {
          expect(first.x).toBeLessThan(0);
          expect(last.x + last.w).toBeGreaterThan(OUT_W);
        } else {
          expect(first.x + first.w).toBeGreaterThan(OUT_W);
          expect(last.x).toBeLessThan(0);
        }
        // Half of it visible on frame 0, 30 % on the last frame.
        const visible = (b: { x: number; w: number }): number => (Math.min(b.x + b.w, OUT_W) - Math.max(b.x, 0)) / b.w;
        expect(visible(first)).toBeCloseTo(0.5, 1);
        expect(visible(last)).toBeCloseTo(0.3, 1);
        expect(plan.visible).toBeDefined();
        const v = plan.visible!;
        expect(v.first).toBeGreaterThanOrEqual(1);
        expect(v.last).toBeLessThanOrEqual(plan.frames - 2);
        expect(v.last - v.first + 1).toBeGreaterThanOrEqual(20);
        // The boundary frames: inside, and the frame before / after is not.
        expect(fullyInside(boxes[v.first]!)).toBe(true);
        expect(fullyInside(boxes[v.first - 1]!)).toBe(false);
        expect(fullyInside(boxes[v.last]!)).toBe(true);
        expect(fullyInside(boxes[v.last + 1]!)).toBe(false);
      }
    }
  });

  it('keeps plates 25-70 px tall, zooming in slightly over the pass', () => {
    for (const s of SCENES) {
      const plan = planScene(s.image, s.plate, pan({ zoomEnd: 1.1 }), render);
      for (const b of plan.plateBoxes) {
        expect(b.h).toBeGreaterThanOrEqual(MIN_PLATE_H - 0.01);
        expect(b.h).toBeLessThanOrEqual(MAX_PLATE_H);
      }
      const h0 = plan.plateBoxes[0]!.h;
      expect(plan.plateBoxes.at(-1)!.h / h0).toBeCloseTo(1.1, 2);
      // Plates already 25-70 px tall stay at their native scale on frame 0.
      if (s.plate.h * 1.1 <= MAX_PLATE_H - 1) expect(plan.scaledW).toBe(s.image.width);
    }
    expect(baseScale(147, 1.05)).toBeCloseTo(69 / (147 * 1.05));
    expect(baseScale(20, 1.05)).toBe(MIN_PLATE_H / 20);
  });

  it('keeps every window inside a 16:9 canvas holding the still', () => {
    for (let i = 0; i < 50; i++) {
      const s = SCENES[i % SCENES.length]!;
      const drawn = drawParams(sceneSeed(`case-${i}`));
      const plan = planScene(s.image, s.plate, drawn.pan, drawn.render);
      expect(plan.canvasW * 9).toBe(plan.canvasH * 16);
      expect(plan.offsetX).toBeGreaterThanOrEqual(0);
      expect(plan.offsetY).toBeGreaterThanOrEqual(0);
      expect(plan.offsetX + plan.scaledW).toBeLessThanOrEqual(plan.canvasW);
      expect(plan.offsetY + plan.scaledH).toBeLessThanOrEqual(plan.canvasH);
      for (const w of plan.windows) {
        expect(Number.isInteger(w.x) && Number.isInteger(w.y)).toBe(true);
        expect(w.x).toBeGreaterThanOrEqual(0);
        expect(w.y).toBeGreaterThanOrEqual(0);
        expect(w.x + w.w).toBeLessThanOrEqual(plan.canvasW);
        expect(w.y + w.h).toBeLessThanOrEqual(plan.canvasH);
        expect(zoompanWindowSize(plan.canvasW, plan.canvasH, w.zoom)).toEqual({ w: w.w, h: w.h });
      }
      expect(plan.visible!.last - plan.visible!.first + 1).toBeGreaterThanOrEqual(plan.frames - 6);
    }
  });

  it('places the plate vertically so the window stays on the still', () => {
    expect(startCentreY(720, 300)).toBe(300);
    expect(startCentreY(1080, 900)).toBe(900 - 360); // cut at the bottom of a tall still
    expect(startCentreY(1080, 1000)).toBe(0.75 * OUT_H); // but the plate stays in the middle half
    expect(startCentreY(480, 200)).toBe(200 + 120); // a short still is centred
  });
});

describe('truthCsv', () => {
  it('writes one pass, or only the header when the plate is never whole in frame', () => {
    expect(truthCsv('SL7C6S', { first: 1, last: 22 })).toBe('plate,first_frame,last_frame\nSL7C6S,1,22\n');
    expect(truthCsv('SL7C6S', undefined)).toBe('plate,first_frame,last_frame\n');
  });
});
