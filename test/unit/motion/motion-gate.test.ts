import { describe, expect, it } from 'vitest';
import { changedShare, decideMotion, initialMotionState, type GreyThumb, type MotionOptions, type MotionState } from '../../../src/motion/motion-gate.ts';
import { FrameMotionGate, greyThumb } from '../../../src/motion/frame-motion.ts';
import { roiFromConfig } from '../../../src/track/roi.ts';
import type { Frame } from '../../../src/capture/frame.ts';

const options: MotionOptions = { threshold: 0.01, pixelDelta: 20, maxSkipMs: 5000 };

function thumb(fill: number, width = 20, height = 10, patch?: { x: number; y: number; w: number; h: number; value: number }): GreyThumb {
  const data = new Uint8Array(width * height).fill(fill);
  if (patch) for (let y = patch.y; y < patch.y + patch.h; y++) for (let x = patch.x; x < patch.x + patch.w; x++) data[y * width + x] = patch.value;
  return { width, height, data };
}

describe('decideMotion', () => {
  it('reads the first frame, then only frames that changed or after maxSkipMs', () => {
    let state: MotionState = initialMotionState;
    const step = (t: GreyThumb, at: number) => {
      const d = decideMotion(state, t, at, options);
      state = d.state;
      return d.reason;
    };
    expect(step(thumb(100), 0)).toBe('first');
    expect(step(thumb(105), 100)).toBe('still'); // noise under pixelDelta
    expect(step(thumb(100, 20, 10, { x: 2, y: 2, w: 4, h: 3, value: 200 }), 200)).toBe('motion'); // 12 of 200 px = 6 %
    // The reference is now the frame with the patch: the same picture again is still.
    expect(step(thumb(100, 20, 10, { x: 2, y: 2, w: 4, h: 3, value: 200 }), 300)).toBe('still');
    // A vehicle that stopped in view is still read once per maxSkipMs.
    expect(step(thumb(100, 20, 10, { x: 2, y: 2, w: 4, h: 3, value: 200 }), 5200)).toBe('interval');
    expect(step(thumb(100, 20, 10, { x: 2, y: 2, w: 4, h: 3, value: 200 }), 5300)).toBe('still');
    // A clock that stepped back (replay loop) reads at once.
    expect(step(thumb(100, 20, 10, { x: 2, y: 2, w: 4, h: 3, value: 200 }), 10)).toBe('interval');
  });

  it('compares a slow mover with the last frame read, so small steps add up', () => {
    let state: MotionState = decideMotion(initialMotionState, thumb(0), 0, options).state;
    // One pixel more per frame: 0.5 % each step, under the 1 % threshold frame to frame.
    const reasons: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const d = decideMotion(state, thumb(0, 20, 10, { x: 0, y: 0, w: i, h: 1, value: 255 }), i * 100, options);
      state = d.state;
      reasons.push(d.reason);
    }
    expect(reasons).toEqual(['still', 'motion', 'still', 'motion']);
  });

  it('looks only inside the mask', () => {
    const mask = new Uint8Array(200);
    mask.fill(1, 100); // lower half
    const moved = thumb(0, 20, 10, { x: 0, y: 0, w: 20, h: 5, value: 255 }); // upper half changed
    expect(changedShare(thumb(0), moved, 20)).toBeCloseTo(0.5);
    expect(changedShare(thumb(0), moved, 20, mask)).toBe(0);
  });
});

/** A synthetic 320x180 RGB frame: grey road, optionally a bright "vehicle" block at x. */
function frame(index: number, vehicleX?: number): Frame {
  const width = 320;
  const height = 180;
  const data = Buffer.alloc(width * height * 3, 90);
  if (vehicleX !== undefined) {
    for (let y = 110; y < 160; y++) for (let x = vehicleX; x < vehicleX + 60 && x < width; x++) data.fill(230, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  // Deterministic sensor noise of ±6 grey levels: not motion.
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, (data[i] as number) + (((i * 7919 + index * 104729) % 13) - 6)));
  return { cameraId: 'cam', index, capturedAt: 1_000_000 + index * 100, width, height, data };
}

describe('FrameMotionGate over RGB frames (sharp thumbnails)', () => {
  it('makes a grey thumbnail of the asked width', async () => {
    const t = await greyThumb(frame(0, 0), 64);
    expect([t.width, t.height, t.data.length]).toEqual([64, 36, 64 * 36]);
    const row = 27 * 64; // y = 135 of 180: through the bright block, which is at the left
    expect(t.data[row]).toBeGreaterThan(200);
    expect(t.data[row + 63]).toBeLessThan(110);
  });

  it('skips an empty road with noise, reads a passing vehicle, and reads a parked one every maxSkipMs', async () => {
    const gate = new FrameMotionGate({ threshold: 0.005, pixelDelta: 20, maxSkipMs: 1000, thumbWidth: 80 });
    const xs: (number | undefined)[] = [undefined, undefined, undefined, 0, 40, 80, 120, 120, 120, 120, 120, 120, 120, 120, 120, 120];
    const reads: number[] = [];
    for (const [i, x] of xs.entries()) if (await gate.shouldRead(frame(i, x))) reads.push(i);
    // 0: the first frame; 1-2: noise only; 3-6: the vehicle moves; 7-15: parked (under maxSkipMs since frame 6).
    expect(reads).toEqual([0, 3, 4, 5, 6]);
    expect(await gate.shouldRead(frame(16, 120))).toBe(true); // 1000 ms after the read at frame 6
  });

  it('ignores motion outside the region of interest', async () => {
    const roi = roiFromConfig({ rects: [{ x: 0, y: 0, w: 1, h: 0.5 }] }); // upper half; the vehicle drives in the lower
    const gate = new FrameMotionGate({ threshold: 0.005, pixelDelta: 20, maxSkipMs: 60_000, thumbWidth: 80 }, roi);
    const reads: number[] = [];
    for (const [i, x] of [undefined, 0, 40, 80].entries()) if (await gate.shouldRead(frame(i, x))) reads.push(i);
    expect(reads).toEqual([0]);
  });
});
