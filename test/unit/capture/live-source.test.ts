import { describe, expect, it } from 'vitest';
import {
  LiveSource,
  liveRateSlot,
  PermanentSourceError,
  RateGate,
  retryDelayMs,
  type CapturedImage,
  type LiveSession,
  type SessionContext,
  type SourceStatus,
} from '../../../src/capture/live-source.ts';
import type { Frame } from '../../../src/capture/frame.ts';
import type { Sleep } from '../../../src/capture/replay.ts';
import { isAlprError } from '../../../src/errors.ts';
import { ManualClock } from '../../../src/platform/clock.ts';

describe('retryDelayMs', () => {
  const policy = { initialMs: 1_000, maxMs: 30_000 };

  it('doubles from initialMs and stops at maxMs', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => retryDelayMs(n, policy))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('spreads delays by ±20% with the random value, never past the cap', () => {
    expect(retryDelayMs(1, policy, 0)).toBe(800);
    expect(retryDelayMs(1, policy, 0.999999)).toBe(1_200);
    expect(retryDelayMs(10, policy, 0.999999)).toBe(30_000);
    expect(retryDelayMs(10, policy, 0)).toBe(24_000);
  });

  it('treats nonsense as the first failure and a cap below initial as initial', () => {
    expect(retryDelayMs(0, policy)).toBe(1_000);
    expect(retryDelayMs(3, { initialMs: 500, maxMs: 100 })).toBe(500);
  });
});

describe('rate gate', () => {
  it('keeps the first frame of each 1/maxFps slot: exactly maxFps a second', () => {
    const gate = new RateGate(10);
    const kept = Array.from({ length: 25 }, (_, i) => i * 40).filter((t) => gate.admit(t)); // 25 fps for 1 s
    expect(kept).toHaveLength(10);
    expect(liveRateSlot(1_250, 2)).toBe(2);
    const open = new RateGate(undefined);
    expect([0, 0, 0].every((t) => open.admit(t))).toBe(true);
  });
});

const img = (v: number): CapturedImage => ({ width: 1, height: 1, data: Buffer.from([v, v, v]) });

/** A session scripted per connection: each entry is what that connection does. */
function scripted(script: Array<(signal: AbortSignal, ctx: SessionContext) => AsyncIterable<CapturedImage>>, stallTimeoutMs: number | null = null): LiveSession & { opened: number } {
  return {
    opened: 0,
    stallTimeoutMs,
    open(signal, ctx) {
      const step = script[Math.min(this.opened++, script.length - 1)]!;
      return step(signal, ctx);
    },
  };
}

async function* frames(...values: number[]): AsyncGenerator<CapturedImage> {
  for (const v of values) yield img(v);
}
async function* failing(message: string): AsyncGenerator<CapturedImage> {
  yield* [];
  throw new Error(message);
}
async function* waitForever(signal: AbortSignal): AsyncGenerator<CapturedImage> {
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  yield* [];
}
/** Yields, then stays connected (so the source does not run ahead of the test into a retry). */
async function* framesThenWait(signal: AbortSignal, ...values: number[]): AsyncGenerator<CapturedImage> {
  yield* frames(...values);
  yield* waitForever(signal);
}

function recordingSleep(clock: ManualClock, log: number[]): Sleep {
  return (ms) => {
    log.push(ms);
    clock.advance(ms);
    return Promise.resolve();
  };
}

async function take(source: LiveSource, n: number): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of source.frames()) {
    out.push(f);
    if (out.length >= n) break;
  }
  return out;
}

describe('LiveSource', () => {
  it('reconnects after each loss with doubling waits, reset by a frame, and numbers frames across connections', async () => {
    const clock = new ManualClock(1_000);
    const sleeps: number[] = [];
    const statuses: SourceStatus[] = [];
    const session = scripted([
      () => frames(1, 2),
      () => failing('connection refused'),
      () => failing('connection refused'),
      () => frames(3),
      () => failing('gone again'),
      (signal) => framesThenWait(signal, 4, 5),
    ]);
    const source = new LiveSource('cam', session, { initialMs: 100, maxMs: 300 }, {
      clock,
      sleep: recordingSleep(clock, sleeps),
      random: () => 0.5,
      onStatus: (s) => statuses.push(s),
    });
    const got = await take(source, 5);
    expect(got.map((f) => [f.index, f.data[0]])).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
    // Ended stream, refused, refused (doubling, capped); a frame resets the count; ended, lost.
    expect(sleeps).toEqual([100, 200, 300, 100, 200]);
    expect(source.status).toMatchObject({ state: 'stopped', connects: 6, failures: 5, frames: 5, lastError: 'gone again' });
    expect(statuses.filter((s) => s.state === 'waiting-retry').map((s) => s.retryAt! - s.since)).toEqual([100, 200, 300, 100, 200]);
    expect(session.opened).toBe(6);
  });

  it('a permanent fault ends frames() with that error and state stopped', async () => {
    const clock = new ManualClock(0);
    const source = new LiveSource(
      'cam',
      scripted([
        () => frames(1),
        // eslint-disable-next-line require-yield
        async function* () {
          throw new PermanentSourceError('cannot run ffmpeg: ENOENT');
        },
      ]),
      { initialMs: 10, maxMs: 10 },
      { clock, sleep: recordingSleep(clock, []) },
    );
    const err = await take(source, 10).catch((e: unknown) => e);
    expect(isAlprError(err, 'SOURCE_FAILED')).toBe(true);
    expect(source.status.state).toBe('stopped');
  });

  it('a camera that sends nothing for stallTimeoutMs is dropped and reconnected', async () => {
    const clock = new ManualClock(0);
    const source = new LiveSource('cam', scripted([(s) => waitForever(s), (s) => framesThenWait(s, 7)], 50), { initialMs: 10, maxMs: 10 }, {
      clock,
      sleep: recordingSleep(clock, []),
    });
    const [frame] = await take(source, 1);
    expect(frame!.data[0]).toBe(7);
    expect(source.status.failures).toBe(1);
    expect(source.status.lastError).toBe('no frame for 50 ms');
  });

  it('counts undecodable inputs without dropping the connection, and reports connected sessions as streaming', async () => {
    const clock = new ManualClock(0);
    const source = new LiveSource(
      'cam',
      scripted([
        async function* (signal, ctx) {
          ctx.connected();
          ctx.countUnreadable('bad JPEG');
          yield* framesThenWait(signal, 9);
        },
      ]),
      { initialMs: 10, maxMs: 10 },
      { clock, sleep: recordingSleep(clock, []) },
    );
    expect(await take(source, 1)).toHaveLength(1);
    expect(source.status).toMatchObject({ unreadable: 1, failures: 0, connects: 1 });
  });

  it('stamps frames with the session time when given, else the clock on arrival', async () => {
    const clock = new ManualClock(5_000);
    const source = new LiveSource(
      'cam',
      scripted([
        async function* (signal) {
          yield { ...img(1), capturedAt: 1_234 };
          yield* framesThenWait(signal, 2);
        },
      ]),
      { initialMs: 10, maxMs: 10 },
      { clock, sleep: recordingSleep(clock, []) },
    );
    expect((await take(source, 2)).map((f) => f.capturedAt)).toEqual([1_234, 5_000]);
  });
});
