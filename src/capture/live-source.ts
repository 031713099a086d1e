/**
 * What every live camera shares: connect, stream, and when the camera goes away (unplugged,
 * rebooted, network down, stream stalled) wait with capped exponential backoff and connect
 * again, forever, until the consumer stops. Frames pass through a bounded FrameQueue that keeps
 * the newest: the camera is drained at its own rate, so a slow reader sees the latest frame
 * rather than a growing backlog. The decisions (retry delay, rate slot) are pure functions;
 * `LiveSource` is the loop around a per-camera `LiveSession`.
 */
import { AlprError } from '../errors.ts';
import type { RgbImage } from '../ocr/types.ts';
import type { Clock } from '../platform/clock.ts';
import { FrameQueue } from './frame-queue.ts';
import type { Frame, FrameSource } from './frame.ts';
import { timerSleep, type Sleep, type SourceDeps } from './replay.ts';

export type SourceState = 'connecting' | 'streaming' | 'waiting-retry' | 'stopped';

/** A snapshot of a live source for health checks and metrics. */
export interface SourceStatus {
  readonly cameraId: string;
  readonly state: SourceState;
  /** Clock time the current state began. */
  readonly since: number;
  /** Connection attempts made. */
  readonly connects: number;
  /** Sessions that failed or ended (each one followed by a retry). */
  readonly failures: number;
  /** Failures since the last frame; drives the backoff. */
  readonly consecutiveFailures: number;
  /** Frames received from the camera. */
  readonly frames: number;
  /** Frames discarded because the consumer was behind (the queue keeps the newest). */
  readonly dropped: number;
  /** Inputs the camera sent that could not be decoded (skipped, the stream goes on). */
  readonly unreadable: number;
  readonly lastFrameAt: number | null;
  /** Why the last session ended, credentials redacted. */
  readonly lastError: string | null;
  /** While waiting-retry: when the next attempt starts. */
  readonly retryAt: number | null;
}

/** A FrameSource for a live camera: `frames()` only ends when aborted (or on a permanent fault). */
export interface LiveFrameSource extends FrameSource {
  readonly status: SourceStatus;
}

/** True for live cameras (they have a status to report), false for file replays. */
export function isLiveFrameSource(source: FrameSource): source is LiveFrameSource {
  return 'status' in source && typeof (source as Partial<LiveFrameSource>).status === 'object';
}

export interface ReconnectPolicy {
  initialMs: number;
  maxMs: number;
}

export interface LiveSourceDeps extends SourceDeps {
  /** Called after every state change (metrics, logs). Must not throw. */
  onStatus?: (status: SourceStatus) => void;
  /** Source of jitter in [0, 1); default Math.random. */
  random?: () => number;
}

/** An image as a session delivers it; `capturedAt` defaults to the clock on arrival. */
export interface CapturedImage extends RgbImage {
  capturedAt?: number;
}

/** Lets a session count an undecodable input without failing the connection. */
export interface SessionContext {
  clock: Clock;
  sleep: Sleep;
  countUnreadable(reason: string): void;
  /**
   * The camera is reached but may stay quiet (a folder, a tethered camera waiting for its
   * trigger): report 'streaming' now rather than at the first frame.
   */
  connected(): void;
}

/** One camera's way of connecting. */
export interface LiveSession {
  /**
   * One connection: yields images until the camera goes away (ends or throws). Must end
   * quietly and release everything (kill processes, close sockets) once `signal` aborts.
   * Throw a PermanentSourceError for faults that retrying cannot fix.
   */
  open(signal: AbortSignal, ctx: SessionContext): AsyncIterable<CapturedImage>;
  /** No frame for this long (connecting included) means the camera is lost; null: never. */
  stallTimeoutMs: number | null;
}

/** A fault that no retry can fix (a missing program or credential): ends the source. */
export class PermanentSourceError extends AlprError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SOURCE_FAILED', message, options);
    this.name = 'PermanentSourceError';
  }
}

/**
 * Pure: the wait before the next attempt after `consecutiveFailures` failures in a row (1 =
 * the first): initialMs doubling each time, capped at maxMs, then spread by ±20% with `random`
 * (in [0, 1); 0.5 = no jitter) and capped again.
 */
export function retryDelayMs(consecutiveFailures: number, policy: ReconnectPolicy, random = 0.5): number {
  const n = Math.max(1, Math.floor(consecutiveFailures));
  const initial = Math.max(0, policy.initialMs);
  const max = Math.max(initial, policy.maxMs);
  const base = Math.min(max, initial * 2 ** Math.min(n - 1, 30));
  const jitter = 0.8 + 0.4 * Math.min(Math.max(random, 0), 1);
  return Math.round(Math.min(max, base * jitter));
}

/**
 * Pure: the 1/maxFps slot of a clock time. A frame is kept when its slot is later than the
 * last kept frame's, so a 25 fps camera limited to 10 fps gives 10 frames a second.
 */
export function liveRateSlot(nowMs: number, maxFps: number): number {
  return Math.floor((nowMs * maxFps) / 1000);
}

/** Keeps the first frame of each 1/maxFps slot of clock time (sessions that decode in Node). */
export class RateGate {
  private lastSlot: number | undefined;

  constructor(private readonly maxFps: number | undefined) {}

  /** Should a frame arriving at `nowMs` be kept? Records it when it is. */
  admit(nowMs: number): boolean {
    if (this.maxFps === undefined) return true;
    const slot = liveRateSlot(nowMs, this.maxFps);
    if (this.lastSlot !== undefined && slot <= this.lastSlot) return false;
    this.lastSlot = slot;
    return true;
  }
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class LiveSource implements LiveFrameSource {
  private state: SourceState = 'stopped';
  private since: number;
  private connects = 0;
  private failures = 0;
  private consecutiveFailures = 0;
  private frameCount = 0;
  private droppedBefore = 0;
  private unreadable = 0;
  private lastFrameAt: number | null = null;
  private lastError: string | null = null;
  private retryAt: number | null = null;
  private queue: FrameQueue<Frame> | null = null;
  private nextIndex = 0;

  constructor(
    readonly id: string,
    private readonly session: LiveSession,
    private readonly policy: ReconnectPolicy,
    private readonly deps: LiveSourceDeps,
    /** Frames held for a consumer that is behind; the oldest go first. */
    private readonly queueCapacity = 2,
  ) {
    this.since = deps.clock.now();
  }

  get status(): SourceStatus {
    return {
      cameraId: this.id,
      state: this.state,
      since: this.since,
      connects: this.connects,
      failures: this.failures,
      consecutiveFailures: this.consecutiveFailures,
      frames: this.frameCount,
      dropped: this.droppedBefore + (this.queue?.dropped ?? 0),
      unreadable: this.unreadable,
      lastFrameAt: this.lastFrameAt,
      lastError: this.lastError,
      retryAt: this.retryAt,
    };
  }

  frames(signal?: AbortSignal): AsyncIterable<Frame> {
    return this.run(signal);
  }

  private setState(state: SourceState, retryAt: number | null = null, now = this.deps.clock.now()): void {
    if (state === this.state && retryAt === this.retryAt) return;
    this.state = state;
    this.retryAt = retryAt;
    this.since = now;
    this.deps.onStatus?.(this.status);
  }

  private markStreaming(): void {
    if (this.state === 'streaming' || this.state === 'stopped') return;
    this.consecutiveFailures = 0;
    this.setState('streaming');
  }

  private async *run(signal?: AbortSignal): AsyncGenerator<Frame, void, undefined> {
    if (signal?.aborted) return;
    const inner = new AbortController();
    const onAbort = (): void => inner.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (this.queue) this.droppedBefore += this.queue.dropped;
    const queue = new FrameQueue<Frame>(this.queueCapacity, 'drop-oldest');
    this.queue = queue;
    const producer = this.produce(queue, inner.signal).finally(() => queue.close());
    try {
      for await (const frame of queue) {
        if (inner.signal.aborted) return;
        yield frame;
        if (inner.signal.aborted) return;
      }
      await producer; // a permanent fault surfaces here
    } finally {
      signal?.removeEventListener('abort', onAbort);
      inner.abort();
      await producer.catch(() => undefined); // helpers are gone before frames() returns
      this.setState('stopped');
    }
  }

  private async produce(queue: FrameQueue<Frame>, signal: AbortSignal): Promise<void> {
    const { clock } = this.deps;
    const sleep = this.deps.sleep ?? timerSleep;
    const ctx: SessionContext = {
      clock,
      sleep,
      countUnreadable: (reason) => {
        this.unreadable++;
        this.lastError = reason;
      },
      connected: () => this.markStreaming(),
    };
    while (!signal.aborted) {
      this.connects++;
      this.setState('connecting');
      const outcome = await this.oneSession(queue, signal, ctx);
      if (signal.aborted) return;
      this.failures++;
      this.consecutiveFailures++;
      this.lastError = outcome;
      const delay = retryDelayMs(this.consecutiveFailures, this.policy, (this.deps.random ?? Math.random)());
      const now = clock.now();
      this.setState('waiting-retry', now + delay, now);
      try {
        await sleep(delay, signal);
      } catch (err) {
        if (signal.aborted) return;
        throw err;
      }
    }
  }

  /** Runs one connection until it ends; returns why it ended. Permanent faults are thrown. */
  private async oneSession(queue: FrameQueue<Frame>, signal: AbortSignal, ctx: SessionContext): Promise<string> {
    const session = new AbortController();
    const onAbort = (): void => session.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const stallMs = this.session.stallTimeoutMs;
    let stalled = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      if (stallMs === null) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        session.abort();
      }, stallMs);
    };
    arm();
    try {
      for await (const image of this.session.open(session.signal, ctx)) {
        if (session.signal.aborted) break;
        arm();
        this.markStreaming();
        const capturedAt = image.capturedAt ?? ctx.clock.now();
        this.frameCount++;
        this.lastFrameAt = capturedAt;
        await queue.put({
          cameraId: this.id,
          index: this.nextIndex++,
          capturedAt,
          width: image.width,
          height: image.height,
          data: image.data,
        });
      }
      return stalled ? `no frame for ${stallMs} ms` : 'the camera ended the stream';
    } catch (err) {
      if (err instanceof PermanentSourceError) throw err;
      return stalled ? `no frame for ${stallMs} ms` : errorText(err);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      session.abort();
    }
  }
}
