import { describe, expect, it } from 'vitest';
import {
  keepUnderMaxFps,
  mediaTimeMs,
  pacingDelayMs,
  rateSlot,
  replayFrames,
  type ReplaySpec,
} from '../../../src/capture/replay.ts';
import type { Frame } from '../../../src/capture/frame.ts';
import type { RgbImage } from '../../../src/ocr/types.ts';
import { ManualClock } from '../../../src/platform/clock.ts';

describe('replay decisions', () => {
  it('maps decode index to media time', () => {
    expect(mediaTimeMs(0, 10)).toBe(0);
    expect(mediaTimeMs(25, 10)).toBe(2500);
    expect(mediaTimeMs(3, 30000 / 1001)).toBeCloseTo(100.1, 6);
  });

  it('realtime waits until the due time, never for a late frame; fast never waits', () => {
    expect(pacingDelayMs('realtime', 1_100, 1_000)).toBe(100);
    expect(pacingDelayMs('realtime', 1_000, 1_000)).toBe(0);
    expect(pacingDelayMs('realtime', 1_000, 1_250)).toBe(0);
    expect(pacingDelayMs('fast', 5_000, 1_000)).toBe(0);
  });

  it('maxFps keeps the first frame of each 1/maxFps slot', () => {
    const kept = (fps: number, maxFps: number | undefined, frames: number): number[] => {
      const out: number[] = [];
      let last: number | undefined;
      for (let i = 0; i < frames; i++) {
        const t = mediaTimeMs(i, fps);
        if (!keepUnderMaxFps(t, maxFps, last)) continue;
        out.push(i);
        if (maxFps !== undefined) last = rateSlot(t, maxFps);
      }
      return out;
    };
    expect(kept(10, 4, 10)).toEqual([0, 3, 5, 8]);
    expect(kept(25, 10, 50)).toHaveLength(20); // exactly 10 per second, not 8.3
    expect(kept(30, 10, 30)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]); // 3 * 33.33 ms is not < 100 ms
    expect(kept(10, 30, 5)).toEqual([0, 1, 2, 3, 4]); // a limit above the rate drops nothing
    expect(kept(10, undefined, 3)).toEqual([0, 1, 2]);
  });
});

function spec(passes: RgbImage[][], overrides: Partial<ReplaySpec> = {}): ReplaySpec & { opened: number } {
  const s = {
    opened: 0,
    cameraId: 'c',
    fps: 10,
    replay: 'fast' as const,
    loop: false,
    clock: new ManualClock(1000),
    sleep: () => Promise.reject(new Error('no sleep expected')),
    emptyPassError: () => new Error('empty pass'),
    openPass(): AsyncIterable<RgbImage> {
      const images = passes[Math.min(this.opened++, passes.length - 1)] ?? [];
      return (async function* () {
        yield* images;
      })();
    },
    ...overrides,
  };
  return s;
}

const img = (v: number): RgbImage => ({ width: 1, height: 1, data: Buffer.from([v, v, v]) });

async function all(it: AsyncIterable<Frame>, max = 100): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of it) {
    out.push(f);
    if (out.length >= max) break;
  }
  return out;
}

describe('replayFrames', () => {
  it('captures frame i at start + i/fps, the start being the clock when the first frame is ready', async () => {
    const frames = await all(replayFrames(spec([[img(1), img(2), img(3)]])));
    expect(frames.map((f) => [f.index, f.capturedAt, f.data[0]])).toEqual([
      [0, 1000, 1],
      [1, 1100, 2],
      [2, 1200, 3],
    ]);
  });

  it('keeps counting across loop passes, reopening the media each time', async () => {
    const s = spec([[img(1), img(2)]], { loop: true });
    const frames = await all(replayFrames(s), 5);
    expect(frames.map((f) => f.index)).toEqual([0, 1, 2, 3, 4]);
    expect(frames.map((f) => f.capturedAt)).toEqual([1000, 1100, 1200, 1300, 1400]);
    expect(s.opened).toBe(3);
  });

  it('fails instead of spinning when a pass yields nothing', async () => {
    await expect(all(replayFrames(spec([[img(1)], []], { loop: true })))).rejects.toThrow('empty pass');
  });

  it('drops frames above maxFps but keeps their decode index', async () => {
    const frames = await all(replayFrames(spec([[0, 1, 2, 3, 4, 5].map(img)], { maxFps: 4 })));
    expect(frames.map((f) => f.index)).toEqual([0, 3, 5]);
    expect(frames.map((f) => f.capturedAt)).toEqual([1000, 1300, 1500]);
  });

  it('a sleep that fails for another reason than abort is an error', async () => {
    const s = spec([[img(1), img(2)]], { replay: 'realtime', sleep: () => Promise.reject(new Error('timer broke')) });
    await expect(all(replayFrames(s))).rejects.toThrow('timer broke');
  });
});
