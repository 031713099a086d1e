import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { defaultPlateGateOptions } from '../../../src/track/plate-gate.ts';
import { boxCentreInRoi, pointInPolygon, polygonArea, roiFromConfig, roiMask, roiReadWindow } from '../../../src/track/roi.ts';

describe('region of interest geometry', () => {
  const lowerHalf = roiFromConfig({ polygon: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]] });
  // An L: the left quarter, and the bottom strip.
  const lShape = roiFromConfig({ rects: [{ x: 0, y: 0, w: 0.25, h: 1 }, { x: 0, y: 0.8, w: 1, h: 0.2 }] });

  it('gives the window worth reading: the bounding box widened and clamped, none when it is most of the frame', () => {
    const lane = roiFromConfig({ polygon: [[0.3, 0.5], [0.6, 0.5], [0.7, 0.9], [0.2, 0.9]] });
    expect(roiReadWindow(lane, 1280, 720)).toEqual({ x: 179, y: 316, w: 794, h: 376 });
    expect(roiReadWindow(lane, 1280, 720, 0)).toEqual({ x: 256, y: 360, w: 640, h: 288 });
    expect(roiReadWindow(lShape, 1280, 720)).toBeNull(); // its box is the whole frame
    expect(roiReadWindow(lowerHalf, 1280, 720)).toEqual({ x: 0, y: 316, w: 1280, h: 404 });
    expect(roiReadWindow(lowerHalf, 1280, 720, 0.06, 0.5)).toBeNull();
  });

  it('finds points inside a concave polygon and not in its notch', () => {
    const l: [number, number][] = [[0, 0], [0.25, 0], [0.25, 0.8], [1, 0.8], [1, 1], [0, 1]];
    expect(pointInPolygon(0.1, 0.5, l)).toBe(true);
    expect(pointInPolygon(0.9, 0.9, l)).toBe(true);
    expect(pointInPolygon(0.5, 0.5, l)).toBe(false);
    expect(pointInPolygon(1.5, 0.9, l)).toBe(false);
  });

  it('keeps a read by the centre of its box, in pixels of the frame', () => {
    // 1280x720: a plate centred at y = 400 px (0.56) is in the lower half; one at y = 300 px is not.
    expect(boxCentreInRoi(lowerHalf, { x: 600, y: 380, w: 100, h: 40 }, 1280, 720)).toBe(true);
    expect(boxCentreInRoi(lowerHalf, { x: 600, y: 280, w: 100, h: 40 }, 1280, 720)).toBe(false);
    // A box straddling the edge counts by its centre only.
    expect(boxCentreInRoi(lowerHalf, { x: 600, y: 340, w: 100, h: 60 }, 1280, 720)).toBe(true);
  });

  it('takes the union of rectangles', () => {
    expect(boxCentreInRoi(lShape, { x: 10, y: 10, w: 20, h: 10 }, 100, 100)).toBe(true);
    expect(boxCentreInRoi(lShape, { x: 80, y: 85, w: 10, h: 10 }, 100, 100)).toBe(true);
    expect(boxCentreInRoi(lShape, { x: 50, y: 40, w: 10, h: 10 }, 100, 100)).toBe(false);
  });

  it('rasterises the region into a mask by pixel centres', () => {
    const mask = roiMask(lowerHalf, 4, 4);
    expect([...mask]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('measures polygon area, zero for collinear points', () => {
    expect(polygonArea([[0, 0], [1, 0], [1, 1], [0, 1]])).toBeCloseTo(1);
    expect(polygonArea([[0, 0], [0.5, 0.5], [1, 1]])).toBe(0);
  });
});

describe('cameras[].roi and cameras[].motion in the config', () => {
  const parse = (extra: Record<string, unknown>) =>
    configSchema.safeParse({ cameras: [{ type: 'video-file', id: 'gate', path: 'x.mp4', ...extra }] });
  const messages = (r: ReturnType<typeof parse>) => (r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));

  it('accepts a polygon or rectangles, and a motion block with defaults', () => {
    const r = parse({ roi: { polygon: [[0, 0.4], [1, 0.4], [1, 1], [0, 1]] }, motion: {} });
    expect(messages(r)).toEqual([]);
    if (!r.success) return;
    const cam = r.data.cameras[0];
    expect(cam && 'motion' in cam && cam.motion).toMatchObject({ enabled: true, threshold: 0.005, pixelDelta: 20, maxSkipMs: 5000 });
    expect(parse({ roi: { rects: [{ x: 0, y: 0.5, w: 1, h: 0.5 }] } }).success).toBe(true);
  });

  it('rejects too few points, points outside 0..1, degenerate polygons and bad rectangles, naming the field', () => {
    expect(messages(parse({ roi: { polygon: [[0, 0], [1, 1]] } })).join()).toMatch(/cameras\.0\.roi\.polygon: a polygon needs at least 3 points/);
    expect(messages(parse({ roi: { polygon: [[0, 0], [1.2, 0], [1, 1]] } })).join()).toMatch(/cameras\.0\.roi\.polygon\.1\.0/);
    expect(messages(parse({ roi: { polygon: [[0, 0], [0.5, 0.5], [1, 1]] } })).join()).toMatch(/degenerate/);
    expect(messages(parse({ roi: { rects: [{ x: 0.5, y: 0, w: 0.6, h: 1 }] } })).join()).toMatch(/inside the image/);
    expect(messages(parse({ roi: { rects: [{ x: 0, y: 0, w: 0, h: 1 }] } })).join()).toMatch(/cameras\.0\.roi\.rects\.0\.w/);
    expect(messages(parse({ roi: {} })).join()).toMatch(/exactly one of polygon or rects/);
    expect(messages(parse({ motion: { threshold: 2 } })).join()).toMatch(/cameras\.0\.motion\.threshold/);
  });

  it('has a plate gate on by default that can be turned off', () => {
    const r = configSchema.parse({ cameras: [{ type: 'video-file', id: 'gate', path: 'x.mp4' }] });
    // The config's defaults are the tracker's own.
    expect(r.track.plateGate).toEqual({ enabled: true, ...defaultPlateGateOptions });
    expect(configSchema.safeParse({ cameras: [{ type: 'video-file', id: 'g', path: 'x' }], track: { plateGate: { minChars: 9, maxChars: 8 } } }).success).toBe(false);
  });
});
