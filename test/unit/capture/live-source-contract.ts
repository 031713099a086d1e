/**
 * The contract every live camera source honours, as one suite run against each (USB via the
 * V4L2 stand-in, RTSP over TCP and UDP, HTTP MJPEG and snapshots, gphoto2, watched folder).
 * The camera is real (a process speaking the protocol, files on disk) and is taken away mid-
 * stream: the source must report it, back off, and deliver frames again once it is back.
 * Backoff is short (initialMs 100, maxMs 400) and jitter fixed, so delays are exact.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { Frame } from '../../../src/capture/frame.ts';
import type { LiveFrameSource, LiveSourceDeps, SourceState, SourceStatus } from '../../../src/capture/live-source.ts';
import { systemClock } from '../../../src/platform/clock.ts';

export interface LiveContractSubject {
  name: string;
  /** Starts the camera. */
  setup(): Promise<void>;
  teardown(): Promise<void>;
  expected(): { width: number; height: number };
  /** A source for the camera with `reconnect: {initialMs: 100, maxMs: 400}`. */
  make(deps: LiveSourceDeps): LiveFrameSource;
  /** The camera disappears mid-stream (process killed, device unplugged, share unmounted). */
  interrupt(): Promise<void>;
  /** The camera comes back. */
  restore(): Promise<void>;
  /** Helper processes the source has running now; [] for in-process sources. */
  liveProcesses(): number[];
  /** How long the slow consumer spends on a frame: several camera frame intervals (default 700 ms). */
  slowConsumerMs?: number;
}

const PATIENCE = { timeout: 30_000, interval: 50 };
const digest = (b: Buffer): string => createHash('sha1').update(b).digest('hex');

/** Pulls frames in the background; the test looks at what arrived. */
class Consumer {
  readonly frames: Frame[] = [];
  readonly states: SourceStatus[] = [];
  readonly abort = new AbortController();
  done: Promise<unknown> = Promise.resolve();
  /** Milliseconds the consumer spends on each frame (a slow reader). */
  busyMs = 0;

  start(source: LiveFrameSource): this {
    onTestFinished(async () => {
      await this.stop(); // a failed assertion must not leave the camera running for the next test
    });
    this.done = (async () => {
      for await (const f of source.frames(this.abort.signal)) {
        this.frames.push(f);
        if (this.busyMs > 0) await new Promise((r) => setTimeout(r, this.busyMs));
      }
    })().then(
      () => null,
      (err: unknown) => err,
    );
    return this;
  }

  async stop(): Promise<unknown> {
    this.abort.abort();
    return this.done;
  }
}

export function describeLiveSourceContract(subject: LiveContractSubject): void {
  describe(`live FrameSource contract: ${subject.name}`, () => {
    beforeAll(() => subject.setup());
    afterAll(() => subject.teardown());

    const deps = (c?: Consumer): LiveSourceDeps => ({
      clock: systemClock,
      random: () => 0.5, // no jitter: delays are exactly 100, 200, 400, 400...
      onStatus: (s) => c?.states.push(s),
    });

    it('streams frames of the camera size in fresh buffers, with increasing index, and reports its state', async () => {
      const { width, height } = subject.expected();
      const c = new Consumer();
      const source = subject.make(deps(c));
      expect(source.status.state).toBe('stopped');
      c.start(source);
      await vi.waitFor(() => expect(c.frames.length).toBeGreaterThanOrEqual(3), PATIENCE);
      expect(source.status).toMatchObject({ cameraId: source.id, state: 'streaming', failures: 0 });
      expect(source.status.frames).toBeGreaterThanOrEqual(3);
      expect(source.status.lastFrameAt).not.toBeNull();
      const seen = c.frames.slice(0, 3).map((f) => ({ f, hash: digest(f.data) }));
      seen.forEach(({ f, hash }, i) => {
        expect(f.cameraId).toBe(source.id);
        expect([f.width, f.height, f.data.length]).toEqual([width, height, width * height * 3]);
        expect(digest(f.data)).toBe(hash);
        if (i > 0) {
          expect(f.index).toBeGreaterThan(seen[i - 1]!.f.index);
          expect(f.capturedAt).toBeGreaterThanOrEqual(seen[i - 1]!.f.capturedAt);
        }
      });
      expect(new Set(seen.map((s) => s.hash)).size).toBeGreaterThan(1);
      expect(c.states.map((s) => s.state).slice(0, 2)).toEqual(['connecting', 'streaming']);
      expect(await c.stop()).toBeNull();
      expect(source.status.state).toBe('stopped');
      expect(subject.liveProcesses()).toEqual([]);
    });

    it('when the camera disappears mid-stream it backs off (capped, doubling) and recovers when it returns', async () => {
      const c = new Consumer();
      const source = subject.make(deps(c));
      c.start(source);
      await vi.waitFor(() => expect(c.frames.length).toBeGreaterThanOrEqual(2), PATIENCE);
      await subject.interrupt();
      // Down: at least three failed attempts in a row, each followed by a longer wait.
      await vi.waitFor(() => expect(source.status.consecutiveFailures).toBeGreaterThanOrEqual(3), PATIENCE);
      const lastBefore = c.frames.at(-1)!.index;
      const waits = c.states.filter((s) => s.state === 'waiting-retry').map((s) => s.retryAt! - s.since);
      expect(waits.slice(0, 3)).toEqual([100, 200, 400]);
      expect(source.status.lastError).toBeTruthy();
      await subject.restore();
      await vi.waitFor(() => expect(c.frames.at(-1)!.index).toBeGreaterThan(lastBefore + 1), PATIENCE);
      expect(source.status.state).toBe('streaming');
      expect(source.status.consecutiveFailures).toBe(0);
      expect(source.status.failures).toBeGreaterThanOrEqual(3);
      const states = c.states.map((s) => s.state);
      const order: SourceState[] = ['streaming', 'waiting-retry', 'connecting', 'streaming'];
      let at = 0;
      for (const s of states) if (s === order[at]) at++;
      expect(at, states.join(' → ')).toBe(order.length);
      expect(await c.stop()).toBeNull();
      expect(subject.liveProcesses()).toEqual([]);
    });

    it('a consumer slower than the camera gets recent frames; the backlog is dropped, not queued', async () => {
      const c = new Consumer();
      c.busyMs = subject.slowConsumerMs ?? 700;
      const source = subject.make(deps(c));
      c.start(source);
      const largestGap = (): number => Math.max(0, ...c.frames.slice(1).map((f, i) => f.index - c.frames[i]!.index));
      await vi.waitFor(() => expect(source.status.dropped).toBeGreaterThan(0), PATIENCE);
      await vi.waitFor(() => expect(largestGap()).toBeGreaterThan(1), PATIENCE); // the reader skipped stale frames
      expect(c.frames.every((f, i) => i === 0 || f.index > c.frames[i - 1]!.index)).toBe(true);
      expect(await c.stop()).toBeNull();
      expect(subject.liveProcesses()).toEqual([]);
    });

    it('abort ends the iteration at once and releases the camera, even while a frame is awaited', async () => {
      const source = subject.make(deps());
      const ac = new AbortController();
      onTestFinished(() => ac.abort());
      const iter = source.frames(ac.signal)[Symbol.asyncIterator]();
      expect((await iter.next()).done).toBe(false);
      await iter.next();
      const pending = iter.next();
      ac.abort();
      expect((await pending).done).toBe(true);
      expect(source.status.state).toBe('stopped');
      expect(subject.liveProcesses()).toEqual([]);
    });

    it('an already aborted signal yields nothing and starts nothing', async () => {
      const source = subject.make(deps());
      const got: Frame[] = [];
      for await (const f of source.frames(AbortSignal.abort())) got.push(f);
      expect(got).toEqual([]);
      expect(source.status.connects).toBe(0);
    });
  });
}
