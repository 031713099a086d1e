/**
 * Replay of recorded media (a video file, a folder of stills) as a camera: decode index →
 * media time → capture time, realtime pacing, maxFps decimation and looping. The decisions
 * are pure functions below; `replayFrames` is the loop around them. Both file sources use it,
 * so they share one set of semantics (and one contract test).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { RgbImage } from '../ocr/types.ts';
import type { Clock } from '../platform/clock.ts';
import type { Frame } from './frame.ts';

export type ReplayMode = 'realtime' | 'fast';

/**
 * Waits `ms` milliseconds. Must settle early (resolve or reject) when `signal` aborts.
 * Injected so tests can drive pacing with a ManualClock instead of real time.
 */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** Real-time sleep on Node's timers; rejects with an AbortError when `signal` aborts. */
export const timerSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal });

/** What every file source needs besides its config. */
export interface SourceDeps {
  clock: Clock;
  /** Defaults to `timerSleep`. */
  sleep?: Sleep;
}

/** Pure: media time (ms from the start of the first pass) of the frame with this decode index. */
export function mediaTimeMs(decodeIndex: number, fps: number): number {
  return (decodeIndex * 1000) / fps;
}

/**
 * Pure: how long to wait before yielding a frame due at `dueAtMs` when the clock reads
 * `nowMs`. Late frames are not waited for (0); 'fast' replay never waits.
 */
export function pacingDelayMs(mode: ReplayMode, dueAtMs: number, nowMs: number): number {
  if (mode === 'fast') return 0;
  return Math.max(0, dueAtMs - nowMs);
}

/**
 * Pure: the rate slot of a frame for a `maxFps` limit. Media time is cut into slots of
 * 1/maxFps seconds and the first frame of each slot is kept, so a 25 fps file limited to
 * 10 fps yields exactly 10 frames a second (not 8.3, as "at least 100 ms apart" would).
 */
export function rateSlot(mediaMs: number, maxFps: number): number {
  return Math.floor((mediaMs * maxFps) / 1000 + 1e-6);
}

/** Pure: keep this frame under `maxFps`, given the slot of the last kept frame? */
export function keepUnderMaxFps(mediaMs: number, maxFps: number | undefined, lastKeptSlot: number | undefined): boolean {
  if (maxFps === undefined) return true;
  return lastKeptSlot === undefined || rateSlot(mediaMs, maxFps) > lastKeptSlot;
}

export interface ReplaySpec {
  cameraId: string;
  /** Frame rate of the media; media time is decode index / fps. */
  fps: number;
  replay: ReplayMode;
  loop: boolean;
  maxFps?: number | undefined;
  clock: Clock;
  sleep: Sleep;
  /**
   * One pass over the media from its start, yielding decoded images in order. It ends at
   * the end of the media, throws an AlprError on failure and ends quietly once `signal`
   * aborts (releasing whatever it holds, e.g. killing ffmpeg).
   */
  openPass(signal: AbortSignal): AsyncIterable<RgbImage>;
  /** The error for a pass that yields no frame at all (so a loop can never spin on nothing). */
  emptyPassError(): Error;
}

/** Sleeps until the clock reaches `dueAtMs`; false if aborted meanwhile. */
async function waitUntilDue(spec: ReplaySpec, dueAtMs: number, signal: AbortSignal): Promise<boolean> {
  // A timer may fire a millisecond before the clock agrees, hence the re-check.
  for (let wait = pacingDelayMs(spec.replay, dueAtMs, spec.clock.now()); wait > 0; ) {
    try {
      await spec.sleep(wait, signal);
    } catch (err) {
      if (signal.aborted) return false;
      throw err;
    }
    if (signal.aborted) return false;
    const next = pacingDelayMs(spec.replay, dueAtMs, spec.clock.now());
    if (next >= wait) break; // a sleep that does not move the clock must not spin forever
    wait = next;
  }
  return !signal.aborted;
}

/**
 * Replays media as Frames. The replay starts (capture time of frame 0) when the first frame
 * has been decoded; frame i is captured at start + i/fps, across loop passes too, so index
 * and capture time only ever increase. With `maxFps`, dropped frames still consume their
 * index (index stays the decode index, matching ground-truth frame numbers). Ends quietly
 * when `signal` aborts or the consumer stops iterating.
 */
export async function* replayFrames(spec: ReplaySpec, signal?: AbortSignal): AsyncGenerator<Frame, void, undefined> {
  if (signal?.aborted) return;
  const inner = new AbortController();
  const onAbort = (): void => inner.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let decodeIndex = 0;
  let startMs: number | undefined;
  let lastKeptSlot: number | undefined;
  try {
    do {
      let passFrames = 0;
      for await (const image of spec.openPass(inner.signal)) {
        if (inner.signal.aborted) return;
        const index = decodeIndex++;
        passFrames++;
        const media = mediaTimeMs(index, spec.fps);
        if (!keepUnderMaxFps(media, spec.maxFps, lastKeptSlot)) continue;
        if (spec.maxFps !== undefined) lastKeptSlot = rateSlot(media, spec.maxFps);
        startMs ??= spec.clock.now() - media;
        const dueAt = startMs + media;
        if (!(await waitUntilDue(spec, dueAt, inner.signal))) return;
        yield {
          cameraId: spec.cameraId,
          index,
          capturedAt: Math.round(dueAt),
          width: image.width,
          height: image.height,
          data: image.data,
        };
      }
      if (inner.signal.aborted) return;
      if (passFrames === 0) throw spec.emptyPassError();
    } while (spec.loop);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    inner.abort();
  }
}
