/**
 * The contract every file-replay FrameSource honours, as one suite run against each source
 * (frame-source.contract.test.ts). Time is a ManualClock and sleeping is injected, so pacing
 * is checked exactly and no assertion depends on how fast the machine is.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAlprError, type AlprErrorCode } from '../../../src/errors.ts';
import type { Frame, FrameSource } from '../../../src/capture/frame.ts';
import type { ReplayMode, Sleep, SourceDeps } from '../../../src/capture/replay.ts';
import { ManualClock } from '../../../src/platform/clock.ts';

export interface BrokenInput {
  what: string;
  source: FrameSource;
  code: AlprErrorCode;
  /** Text the error message must contain (the file or folder path). */
  mentions: string;
}

export interface ContractSubject {
  name: string;
  /** Creates the tiny input (in a temp dir); called once before the suite. */
  setup(): Promise<void>;
  /** Properties of the input made by setup(). */
  expected(): { width: number; height: number; frameCount: number; fps: number };
  make(opts: { replay: ReplayMode; loop: boolean; deps: SourceDeps }): FrameSource;
  broken(): BrokenInput[];
  /** Helper processes the source has running now (ffmpeg pids); always [] for in-process sources. */
  liveProcesses(): number[];
}

const START = 1_700_000_000_000;

const digest = (b: Buffer): string => createHash('sha1').update(b).digest('hex');

/** A sleep that advances the ManualClock by exactly the requested time, and records it. */
function clockSleep(clock: ManualClock, log: number[]): Sleep {
  return (ms) => {
    log.push(ms);
    clock.advance(ms);
    return Promise.resolve();
  };
}

/** A sleep that only ends when aborted, as a real timer would if the due time were far away. */
const sleepUntilAborted: Sleep = (_ms, signal) =>
  new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true });
  });

const noSleep: Sleep = () => Promise.reject(new Error('fast replay must not sleep'));

async function collect(iterable: AsyncIterable<Frame>, max = Infinity): Promise<Frame[]> {
  const out: Frame[] = [];
  if (max <= 0) return out;
  for await (const f of iterable) {
    out.push(f);
    if (out.length >= max) break;
  }
  return out;
}

export function describeFrameSourceContract(subject: ContractSubject): void {
  describe(`FrameSource contract: ${subject.name}`, () => {
    beforeAll(() => subject.setup());

    it('yields every frame once with its size, in a fresh buffer, with increasing index and capture time', async () => {
      const { width, height, frameCount, fps } = subject.expected();
      const clock = new ManualClock(START);
      const source = subject.make({ replay: 'fast', loop: false, deps: { clock, sleep: noSleep } });
      const seen: { frame: Frame; hash: string }[] = [];
      for await (const frame of source.frames()) seen.push({ frame, hash: digest(frame.data) });

      expect(seen).toHaveLength(frameCount);
      seen.forEach(({ frame, hash }, i) => {
        expect(frame.cameraId).toBe(source.id);
        expect(frame.index).toBe(i);
        expect(frame.capturedAt).toBe(START + Math.round((i * 1000) / fps));
        expect([frame.width, frame.height]).toEqual([width, height]);
        expect(frame.data.length).toBe(width * height * 3);
        // Later frames must not have been written into an earlier frame's buffer.
        expect(digest(frame.data)).toBe(hash);
      });
      expect(new Set(seen.map((s) => s.hash)).size).toBeGreaterThan(1);
      expect(subject.liveProcesses()).toEqual([]);
    });

    it('realtime replay yields each frame at its due time and never waits for a late one', async () => {
      const { frameCount, fps } = subject.expected();
      const interval = 1000 / fps;
      const clock = new ManualClock(START);
      const sleeps: number[] = [];
      const source = subject.make({ replay: 'realtime', loop: false, deps: { clock, sleep: clockSleep(clock, sleeps) } });
      const yieldedAt: number[] = [];
      const frames: Frame[] = [];
      for await (const frame of source.frames()) {
        yieldedAt.push(clock.now());
        frames.push(frame);
        // The consumer is busy for 2.5 frame intervals after frame 1: frames 2 and 3 come late.
        if (frame.index === 1) clock.advance(2.5 * interval);
      }
      expect(frames).toHaveLength(frameCount);
      frames.forEach((frame, i) => {
        expect(frame.capturedAt).toBe(START + Math.round(i * interval));
        expect(yieldedAt[i]).toBeGreaterThanOrEqual(frame.capturedAt - 0.5); // never before it is due
      });
      // On time: frame 0 at once, frame 1 after one interval, frames 2 and 3 late (no sleep),
      // frame 4 waits for its due time, then one interval each.
      expect(yieldedAt[0]).toBe(START);
      expect(yieldedAt[2]).toBeCloseTo(START + 3.5 * interval, 6);
      expect(yieldedAt[3]).toBeCloseTo(START + 3.5 * interval, 6);
      for (let i = 4; i < frameCount; i++) expect(yieldedAt[i]).toBeCloseTo(START + i * interval, 6);
      expect(sleeps).toHaveLength(frameCount - 3);
    });

    it('loops with index and capture time still increasing', async () => {
      const { frameCount, fps } = subject.expected();
      const clock = new ManualClock(START);
      const source = subject.make({ replay: 'fast', loop: true, deps: { clock, sleep: noSleep } });
      const frames = await collect(source.frames(), 2 * frameCount + 2);
      expect(frames).toHaveLength(2 * frameCount + 2);
      frames.forEach((frame, i) => {
        expect(frame.index).toBe(i);
        expect(frame.capturedAt).toBe(START + Math.round((i * 1000) / fps));
      });
      expect(digest(frames[frameCount]!.data)).toBe(digest(frames[0]!.data));
      expect(digest(frames[2 * frameCount + 1]!.data)).toBe(digest(frames[1]!.data));
      expect(subject.liveProcesses()).toEqual([]);
    });

    it('abort while waiting for a due time ends the iteration and releases the decoder', async () => {
      const clock = new ManualClock(START);
      const source = subject.make({ replay: 'realtime', loop: true, deps: { clock, sleep: sleepUntilAborted } });
      const ac = new AbortController();
      const it = source.frames(ac.signal)[Symbol.asyncIterator]();
      expect((await it.next()).done).toBe(false); // frame 0 is due at once
      const pending = it.next(); // waits for frame 1's due time, which never comes
      ac.abort();
      expect((await pending).done).toBe(true);
      expect(subject.liveProcesses()).toEqual([]);
    });

    it('abort while the consumer holds a frame ends the iteration at the next pull', async () => {
      const clock = new ManualClock(START);
      const source = subject.make({ replay: 'fast', loop: true, deps: { clock, sleep: noSleep } });
      const ac = new AbortController();
      const it = source.frames(ac.signal)[Symbol.asyncIterator]();
      expect((await it.next()).done).toBe(false);
      ac.abort();
      expect((await it.next()).done).toBe(true);
      expect(subject.liveProcesses()).toEqual([]);
    });

    it('stopping iteration early (break) releases the decoder', async () => {
      const clock = new ManualClock(START);
      const source = subject.make({ replay: 'fast', loop: false, deps: { clock, sleep: noSleep } });
      expect(await collect(source.frames(), 2)).toHaveLength(2);
      expect(subject.liveProcesses()).toEqual([]);
    });

    it('an already aborted signal yields nothing', async () => {
      const clock = new ManualClock(START);
      const source = subject.make({ replay: 'fast', loop: false, deps: { clock, sleep: noSleep } });
      expect(await collect(source.frames(AbortSignal.abort()))).toEqual([]);
    });

    it('missing or corrupt input fails with a coded error that names it', async () => {
      const cases = subject.broken();
      expect(cases.length).toBeGreaterThan(0);
      for (const c of cases) {
        const err: unknown = await collect(c.source.frames()).then(
          () => new Error(`${c.what}: no error`),
          (e: unknown) => e,
        );
        expect(isAlprError(err, c.code), `${c.what}: ${String(err)}`).toBe(true);
        expect((err as Error).message, c.what).toContain(c.mentions);
      }
      expect(subject.liveProcesses()).toEqual([]);
    });
  });
}
