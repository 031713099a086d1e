import { describe, expect, it } from 'vitest';
import { convexHull, iou, minAreaRect, rectBounds, rectCorners, scaleRect, unionBox, type Point } from '../../../src/detect/geometry.ts';

describe('geometry', () => {
  it('finds the convex hull', () => {
    const hull = convexHull([[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 0]]);
    expect(hull).toHaveLength(4);
  });

  it('fits the minimum-area rectangle of a rotated rectangle', () => {
    const angle = (20 * Math.PI) / 180;
    const corners = rectCorners({ cx: 50, cy: 40, w: 60, h: 20, angle });
    const r = minAreaRect([...corners] as Point[]);
    expect(r.cx).toBeCloseTo(50, 6);
    expect(r.cy).toBeCloseTo(40, 6);
    expect(r.w).toBeCloseTo(60, 6);
    expect(r.h).toBeCloseTo(20, 6);
    expect(r.angle).toBeCloseTo(angle, 6);
  });

  it('keeps the long side along a near-horizontal angle', () => {
    const r = minAreaRect([[0, 0], [10, 0], [10, 40], [0, 40]]);
    expect(Math.abs(r.angle)).toBeLessThanOrEqual(Math.PI / 4);
    expect(r.w * r.h).toBeCloseTo(400, 6);
  });

  it('scales and bounds rectangles', () => {
    const r = scaleRect({ cx: 10, cy: 10, w: 8, h: 4, angle: 0 }, 2, 2);
    expect(r).toMatchObject({ cx: 20, cy: 20, w: 16, h: 8 });
    expect(rectBounds(r, 100, 100)).toEqual({ x: 12, y: 16, w: 16, h: 8 });
    expect(rectBounds(r, 25, 100)).toEqual({ x: 12, y: 16, w: 13, h: 8 });
  });

  it('computes IoU', () => {
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 5, y: 0, w: 10, h: 10 })).toBeCloseTo(50 / 150, 6);
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 20, y: 0, w: 10, h: 10 })).toBe(0);
  });

  it('unites two boxes, overlapping or apart', () => {
    expect(unionBox({ x: 150, y: 135, w: 311, h: 80 }, { x: 181, y: 129, w: 333, h: 86 })).toEqual({ x: 150, y: 129, w: 364, h: 86 });
    expect(unionBox({ x: 0, y: 0, w: 10, h: 10 }, { x: 20, y: -5, w: 5, h: 5 })).toEqual({ x: 0, y: -5, w: 25, h: 15 });
    expect(unionBox({ x: 2, y: 2, w: 4, h: 4 }, { x: 0, y: 0, w: 10, h: 10 })).toEqual({ x: 0, y: 0, w: 10, h: 10 });
  });
});
