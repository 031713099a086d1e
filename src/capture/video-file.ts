/**
 * A video file replayed as a camera. ffprobe reads the size and frame rate; ffmpeg decodes
 * to packed RGB on a pipe, and the chunks are copied into one preallocated buffer per frame.
 * The pipe is only read while the consumer asks for frames, so a busy consumer pauses
 * ffmpeg (its pipe fills and it blocks) instead of growing a queue.
 */
import { AlprError } from '../errors.ts';
import type { CameraConfig } from '../config/schema.ts';
import type { RgbImage } from '../ocr/types.ts';
import { describeExit, killAndWait, startProcess, type Started } from './child-process.ts';
import type { Frame, FrameSource } from './frame.ts';
import { replayFrames, timerSleep, type SourceDeps } from './replay.ts';

export type VideoFileCamera = Extract<CameraConfig, { type: 'video-file' }>;

export interface VideoFileDeps extends SourceDeps {
  /** ffmpeg executable; default "ffmpeg" on PATH. */
  ffmpegPath?: string;
  /** ffprobe executable; default "ffprobe" on PATH. */
  ffprobePath?: string;
  /** ffprobe is killed (VIDEO_UNREADABLE) after this long; default 20 s. */
  probeTimeoutMs?: number;
}

export interface VideoProbe {
  /** Size of the decoded frames (after the container's rotation is applied). */
  width: number;
  height: number;
  fps: number;
}

function parseRate(rate: unknown): number | undefined {
  if (typeof rate !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(?:\/(\d+))?$/.exec(rate.trim());
  if (!m) return undefined;
  const value = Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2]));
  return Number.isFinite(value) && value > 0 && value <= 1000 ? value : undefined;
}

function rotationOf(stream: Record<string, unknown>): number {
  const side = Array.isArray(stream.side_data_list) ? (stream.side_data_list as Record<string, unknown>[]) : [];
  for (const entry of side) {
    if (typeof entry.rotation === 'number') return entry.rotation;
  }
  const tags = stream.tags as Record<string, unknown> | undefined;
  const tag = Number(tags?.rotate);
  return Number.isFinite(tag) ? tag : 0;
}

/**
 * Pure: the decoded frame size and frame rate from `ffprobe -show_streams -of json` output
 * for the first video stream. Throws a plain Error with the reason when it is unusable.
 */
export function parseProbe(json: string): VideoProbe {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new Error('ffprobe printed no usable JSON');
  }
  const streams = (doc as { streams?: unknown }).streams;
  const stream = Array.isArray(streams)
    ? (streams as Record<string, unknown>[]).find((s) => s.codec_type === 'video')
    : undefined;
  if (!stream) throw new Error('no video stream');
  const { width, height } = stream;
  if (typeof width !== 'number' || typeof height !== 'number' || !(width > 0) || !(height > 0)) {
    throw new Error('video stream has no frame size');
  }
  const fps = parseRate(stream.avg_frame_rate) ?? parseRate(stream.r_frame_rate);
  if (fps === undefined) throw new Error('video stream has no frame rate');
  const quarterTurns = Math.round(rotationOf(stream) / 90);
  const swap = Math.abs(quarterTurns) % 2 === 1;
  return { width: swap ? height : width, height: swap ? width : height, fps };
}

/** Pure: the ffmpeg arguments that decode `path` to packed RGB frames of the probed size on stdout. */
export function ffmpegDecodeArgs(path: string, probe: VideoProbe): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-i', path,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-fps_mode', 'passthrough', // every decoded frame, once: index/fps is its media time
    '-vf', `scale=${probe.width}:${probe.height}`, // keep the size fixed even if the stream changes it
    '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
  ];
}

export class VideoFileSource implements FrameSource {
  readonly id: string;

  constructor(
    private readonly cam: VideoFileCamera,
    private readonly deps: VideoFileDeps,
  ) {
    this.id = cam.id;
  }

  frames(signal?: AbortSignal): AsyncIterable<Frame> {
    return this.run(signal);
  }

  private unreadable(reason: string, cause?: unknown): AlprError {
    return new AlprError('VIDEO_UNREADABLE', `cannot read video ${this.cam.path}: ${reason}`, { cause });
  }

  private async *run(signal?: AbortSignal): AsyncGenerator<Frame, void, undefined> {
    if (signal?.aborted) return;
    const probe = await this.probe(signal);
    if (probe === undefined) return; // aborted while probing
    yield* replayFrames(
      {
        cameraId: this.cam.id,
        fps: probe.fps,
        replay: this.cam.replay,
        loop: this.cam.loop,
        maxFps: this.cam.maxFps,
        clock: this.deps.clock,
        sleep: this.deps.sleep ?? timerSleep,
        openPass: (passSignal) => this.decodePass(probe, passSignal),
        emptyPassError: () => this.unreadable('ffmpeg decoded no frames'),
      },
      signal,
    );
  }

  /** Runs ffprobe; undefined when `signal` aborted it. */
  private async probe(signal?: AbortSignal): Promise<VideoProbe | undefined> {
    const command = this.deps.ffprobePath ?? 'ffprobe';
    const args = ['-v', 'error', '-select_streams', 'v:0', '-show_streams', '-of', 'json', this.cam.path];
    const started = await startProcess(command, args);
    const out: Buffer[] = [];
    started.child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      started.child.kill('SIGKILL');
    }, this.deps.probeTimeoutMs ?? 20_000);
    const onAbort = (): void => void killAndWait(started);
    signal?.addEventListener('abort', onAbort, { once: true });
    const exit = await started.exited.finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
    if (signal?.aborted) return undefined;
    if (timedOut) throw this.unreadable(`ffprobe did not answer within ${this.deps.probeTimeoutMs ?? 20_000} ms`);
    if (exit.code !== 0) {
      throw this.unreadable(`ffprobe ${describeExit(exit)}: ${started.stderr.lines() || 'no message'}`);
    }
    try {
      return parseProbe(Buffer.concat(out).toString('utf8'));
    } catch (err) {
      throw this.unreadable((err as Error).message, err);
    }
  }

  /** One decode of the whole file: ffmpeg → frame-sized buffers. */
  private async *decodePass(probe: VideoProbe, signal: AbortSignal): AsyncGenerator<RgbImage, void, undefined> {
    if (signal.aborted) return;
    const started = await startProcess(this.deps.ffmpegPath ?? 'ffmpeg', ffmpegDecodeArgs(this.cam.path, probe));
    const onAbort = (): void => void killAndWait(started);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      yield* this.readFrames(started, probe, signal);
    } finally {
      signal.removeEventListener('abort', onAbort);
      await killAndWait(started);
    }
  }

  private async *readFrames(started: Started, probe: VideoProbe, signal: AbortSignal): AsyncGenerator<RgbImage, void, undefined> {
    const { width, height } = probe;
    const frameBytes = width * height * 3;
    let frame = Buffer.allocUnsafe(frameBytes);
    let filled = 0;
    let frames = 0;
    // Async iteration reads the pipe only when asked: this is the backpressure.
    for await (const chunk of started.child.stdout as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - offset);
        chunk.copy(frame, filled, offset, offset + n);
        filled += n;
        offset += n;
        if (filled === frameBytes) {
          const full = frame;
          frame = Buffer.allocUnsafe(frameBytes);
          filled = 0;
          frames++;
          yield { width, height, data: full };
        }
      }
    }
    const exit = await started.exited;
    if (signal.aborted) return;
    if (exit.code !== 0) {
      throw this.unreadable(
        `ffmpeg ${describeExit(exit)} after ${frames} frame(s): ${started.stderr.lines() || 'no message'}`,
      );
    }
    if (filled !== 0) throw this.unreadable(`ffmpeg output ended inside frame ${frames} (${filled} of ${frameBytes} bytes)`);
  }
}
