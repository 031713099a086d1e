/**
 * Live cameras decoded by ffmpeg: USB cameras through V4L2 and IP cameras over RTSP. ffmpeg
 * writes a run of PPM images to its stdout (each one carries its size, so no probe is needed
 * and a camera may change resolution); PpmStreamReader copies them into frame buffers.
 *
 * RTSP logins never reach ffmpeg's argv (which any local user can read in /proc/PID/cmdline):
 * ffmpeg is started with `-f concat -i pipe:3` and the camera URL, login included, is written
 * to that pipe as a one-entry ffconcat script, with the transport and socket timeout as
 * `option` lines. Nothing is written to disk, the environment stays clean, and ffmpeg's error
 * output is scrubbed of the login before it reaches an error message.
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { CameraConfig } from '../config/schema.ts';
import type { RgbImage } from '../ocr/types.ts';
import { describeExit, TailBuffer, type Exit } from './child-process.ts';
import { readLogin, redact } from './credentials.ts';
import { LiveSource, PermanentSourceError, type LiveSession, type LiveSourceDeps } from './live-source.ts';
import { PpmStreamReader } from './stream-parsers.ts';

export type V4l2Camera = Extract<CameraConfig, { type: 'v4l2' }>;
export type RtspCamera = Extract<CameraConfig, { type: 'rtsp' }>;

export interface FfmpegCameraDeps extends LiveSourceDeps {
  /** ffmpeg executable; default "ffmpeg" on PATH. */
  ffmpegPath?: string;
  /** Environment holding CREDENTIALS_DIRECTORY; default process.env. */
  env?: NodeJS.ProcessEnv;
}

const GLOBAL_ARGS = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error'];

/**
 * Pure: an ffmpeg `select` filter keeping the first frame of each 1/maxFps slot of stream time
 * (exactly maxFps a second; never duplicates frames the way the fps filter does after a gap).
 */
export function maxFpsFilter(maxFps: number): string {
  return `select='isnan(prev_selected_t)+gt(floor(t*${maxFps}),floor(prev_selected_t*${maxFps}))'`;
}

/** Pure: the output half of every live ffmpeg command: the first video stream as PPM images on stdout. */
export function liveOutputArgs(maxFps: number | undefined): string[] {
  return [
    '-map', '0:v:0', '-an', '-sn', '-dn',
    ...(maxFps === undefined ? [] : ['-vf', maxFpsFilter(maxFps)]),
    '-fps_mode', 'passthrough',
    '-c:v', 'ppm', '-f', 'image2pipe', 'pipe:1',
  ];
}

/** Pure: the ffmpeg arguments that capture `cam` through V4L2. */
export function v4l2Args(cam: V4l2Camera): string[] {
  return [
    ...GLOBAL_ARGS,
    '-f', 'v4l2',
    ...(cam.inputFormat === undefined ? [] : ['-input_format', cam.inputFormat]),
    '-video_size', `${cam.width}x${cam.height}`,
    '-framerate', String(cam.fps),
    '-thread_queue_size', '16',
    '-i', cam.device,
    ...liveOutputArgs(cam.maxFps),
  ];
}

/** Pure: the ffmpeg arguments for an RTSP camera; the URL itself goes through pipe:3 (rtspScript). */
export function rtspArgs(cam: RtspCamera): string[] {
  return [
    ...GLOBAL_ARGS,
    '-f', 'concat', '-safe', '0',
    // What the concat entry may open: the RTSP session and its TCP/UDP/RTP/TLS transports.
    '-protocol_whitelist', 'pipe,rtsp,rtsps,rtp,srtp,udp,tcp,tls',
    '-i', 'pipe:3',
    ...liveOutputArgs(cam.maxFps),
  ];
}

/** Pure: `s` quoted for an ffconcat script (single quotes; a quote is written '\''). */
export function ffconcatQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** Pure: the RTSP URL with the login put in (user and password percent-encoded). */
export function urlWithLogin(url: string, login: { username: string; password: string } | null): string {
  if (login === null) return url;
  const m = /^(rtsps?:\/\/)(.*)$/i.exec(url);
  if (!m) throw new Error(`not an RTSP URL: ${url}`);
  return `${m[1]}${encodeURIComponent(login.username)}:${encodeURIComponent(login.password)}@${m[2]}`;
}

/** Pure: the one-entry ffconcat script that opens the camera (sent to ffmpeg on pipe:3). */
export function rtspScript(cam: RtspCamera, login: { username: string; password: string } | null): string {
  return [
    'ffconcat version 1.0',
    `file ${ffconcatQuote(urlWithLogin(cam.url, login))}`,
    `option rtsp_transport ${cam.transport}`,
    `option timeout ${cam.stallTimeoutMs * 1000}`, // socket I/O timeout, in microseconds
    // The SDP's parameter sets give the size at once; the default 5 s of probing only delays the first frame.
    'option analyzeduration 1000000',
    '',
  ].join('\n');
}

export interface FfmpegRun {
  command: string;
  args: string[];
  /** Written to the child's fd 3, then closed. */
  script?: string | undefined;
  /** Text removed from every message (passwords). */
  secrets: string[];
  /** Names the camera in messages (never holds a login). */
  what: string;
}

/**
 * Runs ffmpeg and yields its PPM frames. Throws when ffmpeg ends (even cleanly: a live camera
 * does not end) with its scrubbed stderr; ends quietly, ffmpeg killed, once `signal` aborts.
 */
export async function* ffmpegFrames(run: FfmpegRun, signal: AbortSignal): AsyncGenerator<RgbImage, void, undefined> {
  if (signal.aborted) return;
  const useScript = run.script !== undefined;
  const child = spawn(run.command, run.args, { stdio: ['ignore', 'pipe', 'pipe', useScript ? 'pipe' : 'ignore'] });
  const stderr = new TailBuffer();
  const stdout = child.stdout as Readable;
  (child.stderr as Readable).on('data', (chunk: Buffer) => stderr.push(chunk));
  const exited = new Promise<Exit>((resolve) => child.once('close', (code, signalName) => resolve({ code, signal: signalName })));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => {
      child.on('error', () => undefined); // a failed kill later must not crash the daemon
      resolve();
    });
    child.once('error', (err) =>
      reject(new PermanentSourceError(`${run.what}: cannot run ${run.command}: ${err.message}`, { cause: err })),
    );
  });
  if (useScript) {
    const pipe = child.stdio[3] as Writable;
    pipe.on('error', () => undefined); // ffmpeg may exit before reading it; its exit says why
    pipe.end(run.script);
  }
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  signal.addEventListener('abort', kill, { once: true });
  const reader = new PpmStreamReader();
  let frames = 0;
  try {
    for await (const chunk of stdout as AsyncIterable<Buffer>) {
      for (const image of reader.push(chunk)) {
        frames++;
        yield image;
      }
    }
    const exit = await exited;
    if (signal.aborted) return;
    const why = redact(stderr.lines(), run.secrets) || 'no message';
    throw new Error(`${run.what}: ffmpeg ${describeExit(exit)} after ${frames} frame(s): ${why}`);
  } catch (err) {
    if (signal.aborted) return;
    if (err instanceof Error && !err.message.startsWith(run.what)) {
      throw new Error(`${run.what}: ${redact(err.message, run.secrets)}`, { cause: err });
    }
    throw err;
  } finally {
    signal.removeEventListener('abort', kill);
    kill();
    await exited;
  }
}

class V4l2Session implements LiveSession {
  readonly stallTimeoutMs: number;

  constructor(
    private readonly cam: V4l2Camera,
    private readonly ffmpegPath: string,
  ) {
    this.stallTimeoutMs = cam.stallTimeoutMs;
  }

  open(signal: AbortSignal): AsyncIterable<RgbImage> {
    const what = `camera ${this.cam.id} (${this.cam.device})`;
    return ffmpegFrames({ command: this.ffmpegPath, args: v4l2Args(this.cam), secrets: [], what }, signal);
  }
}

class RtspSession implements LiveSession {
  readonly stallTimeoutMs: number;

  constructor(
    private readonly cam: RtspCamera,
    private readonly ffmpegPath: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.stallTimeoutMs = cam.stallTimeoutMs;
  }

  async *open(signal: AbortSignal): AsyncGenerator<RgbImage, void, undefined> {
    const { cam } = this;
    const login = cam.auth ? await readLogin(cam.id, cam.auth, this.env) : null;
    const secrets = login ? [login.password, `${encodeURIComponent(login.username)}:${encodeURIComponent(login.password)}`] : [];
    yield* ffmpegFrames(
      { command: this.ffmpegPath, args: rtspArgs(cam), script: rtspScript(cam, login), secrets, what: `camera ${cam.id} (${cam.url})` },
      signal,
    );
  }
}

/** A USB camera through V4L2. */
export class V4l2Source extends LiveSource {
  constructor(cam: V4l2Camera, deps: FfmpegCameraDeps) {
    super(cam.id, new V4l2Session(cam, deps.ffmpegPath ?? 'ffmpeg'), cam.reconnect, deps);
  }
}

/** An IP camera over RTSP (TCP or UDP transport). */
export class RtspSource extends LiveSource {
  constructor(cam: RtspCamera, deps: FfmpegCameraDeps) {
    super(cam.id, new RtspSession(cam, deps.ffmpegPath ?? 'ffmpeg', deps.env ?? process.env), cam.reconnect, deps);
  }
}
