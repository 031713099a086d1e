/**
 * A tethered DSLR or mirrorless camera through Debian's `gphoto2` command (libgphoto2: PTP
 * over USB for Canon, Nikon, Sony, Fujifilm...). Three ways to get pictures:
 * - capture: fire the shutter every intervalMs, download the picture (it is deleted from the
 *   card), decode it;
 * - liveview: `gphoto2 --capture-movie --stdout`, the camera's preview stream of JPEGs;
 * - new-files: the camera shoots on its own trigger (radar, loop detector, intervalometer);
 *   every intervalMs the card is listed and pictures not seen before are downloaded.
 * gphoto2 runs with LANG=C so its listing is parsed in one language. Downloads go to a private
 * temporary folder that is removed when the session ends.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { CameraConfig } from '../config/schema.ts';
import { describeExit, TailBuffer, type Exit } from './child-process.ts';
import { decodeImageBuffer } from './decode-buffer.ts';
import { LiveSource, PermanentSourceError, RateGate, type CapturedImage, type LiveSession, type LiveSourceDeps, type SessionContext } from './live-source.ts';
import { JpegStreamSplitter } from './stream-parsers.ts';

/** gphoto2 --stdout stages each image in a tmpfileXXXXXX in its working directory; a capture killed
 * mid-way leaves it behind, so that directory is the system's temp dir, never the app's. */
const GP_WORK_DIR = tmpdir();

export type Gphoto2Camera = Extract<CameraConfig, { type: 'gphoto2' }>;

export interface Gphoto2Deps extends LiveSourceDeps {
  /** gphoto2 executable; default "gphoto2" on PATH. */
  gphoto2Path?: string;
}

/** One picture on the camera's card, as `gphoto2 --list-files` shows it. */
export interface CardFile {
  /** Its number in this listing (informational: downloads go by folder and name). */
  number: number;
  folder: string;
  name: string;
  /** The rest of the line (size, type, time): changes when the file is rewritten. */
  signature: string;
}

/** Pure: the pictures in `gphoto2 --list-files` output (LANG=C). */
export function parseFileList(text: string): CardFile[] {
  const files: CardFile[] = [];
  let folder = '/';
  for (const line of text.split(/\r?\n/)) {
    const f = /^There (?:is|are) (?:no|\d+) files? in folder '(.*)'\.$/.exec(line.trim());
    if (f) {
      folder = f[1]!;
      continue;
    }
    const m = /^#(\d+)\s+(\S+)\s+(.*)$/.exec(line.trim());
    if (m) files.push({ number: Number(m[1]), folder, name: m[2]!, signature: m[3]!.replace(/\s+/g, ' ').trim() });
  }
  return files;
}

/** Pure: the camera selection arguments shared by every gphoto2 command. */
export function gphoto2BaseArgs(cam: Pick<Gphoto2Camera, 'model' | 'port'>): string[] {
  return [...(cam.model === undefined ? [] : ['--camera', cam.model]), ...(cam.port === undefined ? [] : ['--port', cam.port])];
}

/** Pure: the arguments of one command of a session in `cam.mode`. */
export function gphoto2Args(
  cam: Pick<Gphoto2Camera, 'model' | 'port'>,
  action:
    | { kind: 'capture'; dir: string }
    | { kind: 'liveview' }
    | { kind: 'list' }
    | { kind: 'get'; folder: string; name: string; dir: string; delete: boolean },
): string[] {
  const base = gphoto2BaseArgs(cam);
  switch (action.kind) {
    case 'capture':
      return [...base, '--capture-image-and-download', '--force-overwrite', '--filename', join(action.dir, 'capture.%C')];
    case 'liveview':
      return [...base, '--capture-movie', '--stdout'];
    case 'list':
      return [...base, '--list-files'];
    case 'get':
      // By folder and name, not by listing number: numbers shift as pictures come and go,
      // and --delete-file takes numbers only within --folder.
      return [
        ...base,
        '--folder', action.folder,
        '--get-file', action.name,
        ...(action.delete ? ['--delete-file', action.name] : []),
        '--force-overwrite', '--filename', join(action.dir, '%f.%C'),
      ];
  }
}

const DECODABLE = /\.(jpe?g|png|webp|tiff?)$/i;

interface Gp {
  command: string;
  what: string;
}

const gpEnv = (): NodeJS.ProcessEnv => ({ ...process.env, LANG: 'C', LC_ALL: 'C' });

/** Runs gphoto2 to completion (killed after `timeoutMs` or on abort); returns its stdout. */
async function runGphoto2(gp: Gp, args: string[], timeoutMs: number, signal: AbortSignal): Promise<string> {
  const child = spawn(gp.command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: gpEnv(), cwd: GP_WORK_DIR });
  const out: Buffer[] = [];
  const err = new TailBuffer();
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const exited = new Promise<Exit>((resolve) => child.once('close', (code, sig) => resolve({ code, signal: sig })));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => {
      child.on('error', () => undefined);
      resolve();
    });
    child.once('error', (e) => reject(new PermanentSourceError(`${gp.what}: cannot run ${gp.command}: ${e.message}`, { cause: e })));
  });
  let timedOut = false;
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, timeoutMs);
  signal.addEventListener('abort', kill, { once: true });
  const exit = await exited.finally(() => {
    clearTimeout(timer);
    signal.removeEventListener('abort', kill);
  });
  if (signal.aborted) return '';
  if (timedOut) throw new Error(`${gp.what}: gphoto2 ${args.find((a) => a.startsWith('--') && a !== '--camera' && a !== '--port') ?? ''} did not finish within ${timeoutMs} ms`);
  if (exit.code !== 0) throw new Error(`${gp.what}: gphoto2 ${describeExit(exit)}: ${err.lines() || 'no message'}`);
  return Buffer.concat(out).toString('utf8');
}

class Gphoto2Session implements LiveSession {
  readonly stallTimeoutMs: number | null;
  /** new-files: pictures already handed on (or present at the first listing), by folder/name → signature. */
  private seen: Map<string, string> | null = null;

  constructor(
    private readonly cam: Gphoto2Camera,
    private readonly gp: Gp,
  ) {
    // new-files waits for the camera's own trigger: a quiet hour is not a stall.
    this.stallTimeoutMs = cam.mode === 'new-files' ? null : cam.stallTimeoutMs + (cam.mode === 'capture' ? cam.intervalMs : 0);
  }

  async *open(signal: AbortSignal, ctx: SessionContext): AsyncGenerator<CapturedImage, void, undefined> {
    if (this.cam.mode === 'liveview') {
      yield* this.liveview(signal, ctx);
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'alpr-gphoto2-'));
    try {
      if (this.cam.mode === 'capture') yield* this.capture(dir, signal, ctx);
      else yield* this.newFiles(dir, signal, ctx);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async decode(path: string, ctx: SessionContext): Promise<CapturedImage | undefined> {
    try {
      return await decodeImageBuffer(await readFile(path));
    } catch (err) {
      ctx.countUnreadable(`${this.gp.what}: cannot decode ${path}: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** Sleeps until `started + intervalMs`; false when aborted. */
  private async pace(started: number, signal: AbortSignal, ctx: SessionContext): Promise<boolean> {
    const wait = this.cam.intervalMs - (ctx.clock.now() - started);
    if (wait <= 0) return !signal.aborted;
    try {
      await ctx.sleep(wait, signal);
    } catch (err) {
      if (signal.aborted) return false;
      throw err;
    }
    return !signal.aborted;
  }

  private async *capture(dir: string, signal: AbortSignal, ctx: SessionContext): AsyncGenerator<CapturedImage, void, undefined> {
    do {
      const started = ctx.clock.now();
      await runGphoto2(this.gp, gphoto2Args(this.cam, { kind: 'capture', dir }), this.cam.stallTimeoutMs, signal);
      if (signal.aborted) return;
      const names = (await readdir(dir)).filter((n) => DECODABLE.test(n)); // RAW+JPEG: the JPEG
      if (names.length === 0) throw new Error(`${this.gp.what}: gphoto2 captured no decodable picture`);
      for (const name of names) {
        const image = await this.decode(join(dir, name), ctx);
        await rm(join(dir, name), { force: true });
        if (image && !signal.aborted) yield { ...image, capturedAt: started };
      }
    } while (await this.pace(ctx.clock.now(), signal, ctx));
  }

  private async *newFiles(dir: string, signal: AbortSignal, ctx: SessionContext): AsyncGenerator<CapturedImage, void, undefined> {
    do {
      const started = ctx.clock.now();
      const files = parseFileList(await runGphoto2(this.gp, gphoto2Args(this.cam, { kind: 'list' }), this.cam.stallTimeoutMs, signal));
      if (signal.aborted) return;
      const key = (f: CardFile): string => `${f.folder}/${f.name}`;
      ctx.connected();
      if (this.seen === null) {
        // The pictures on the card when the camera was first reached are old news.
        this.seen = new Map(files.map((f) => [key(f), f.signature]));
        if (!(await this.pace(started, signal, ctx))) return;
        continue;
      }
      const present = new Set(files.map(key));
      for (const k of [...this.seen.keys()]) if (!present.has(k)) this.seen.delete(k);
      const fresh = files.filter((f) => DECODABLE.test(f.name) && this.seen?.get(key(f)) !== f.signature);
      for (const f of fresh) {
        const get = { kind: 'get' as const, folder: f.folder, name: f.name, dir, delete: this.cam.deleteAfterDownload };
        await runGphoto2(this.gp, gphoto2Args(this.cam, get), this.cam.stallTimeoutMs, signal);
        if (signal.aborted) return;
        this.seen.set(key(f), f.signature);
        const path = join(dir, f.name);
        const image = await this.decode(path, ctx);
        await rm(path, { force: true });
        if (image && !signal.aborted) yield { ...image, capturedAt: ctx.clock.now() };
      }
      if (signal.aborted) return;
      if (!(await this.pace(started, signal, ctx))) return;
    } while (!signal.aborted);
  }

  private async *liveview(signal: AbortSignal, ctx: SessionContext): AsyncGenerator<CapturedImage, void, undefined> {
    const args = gphoto2Args(this.cam, { kind: 'liveview' });
    const child = spawn(this.gp.command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: gpEnv(), cwd: GP_WORK_DIR });
    const err = new TailBuffer();
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const exited = new Promise<Exit>((resolve) => child.once('close', (code, sig) => resolve({ code, signal: sig })));
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => {
        child.on('error', () => undefined);
        resolve();
      });
      child.once('error', (e) => reject(new PermanentSourceError(`${this.gp.what}: cannot run ${this.gp.command}: ${e.message}`, { cause: e })));
    });
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    signal.addEventListener('abort', kill, { once: true });
    const splitter = new JpegStreamSplitter();
    const gate = new RateGate(this.cam.maxFps);
    try {
      for await (const chunk of child.stdout as Readable as AsyncIterable<Buffer>) {
        for (const jpeg of splitter.push(chunk)) {
          const at = ctx.clock.now();
          if (!gate.admit(at)) continue;
          const image = await decodeImageBuffer(jpeg).catch((e: unknown) => {
            ctx.countUnreadable(`${this.gp.what}: undecodable preview frame (${(e as Error).message})`);
            return undefined;
          });
          if (signal.aborted) return;
          if (image) yield { ...image, capturedAt: at };
        }
      }
      const exit = await exited;
      if (signal.aborted) return;
      throw new Error(`${this.gp.what}: gphoto2 --capture-movie ${describeExit(exit)}: ${err.lines() || 'no message'}`);
    } finally {
      signal.removeEventListener('abort', kill);
      kill();
      await exited;
    }
  }
}

/** A DSLR or mirrorless camera through gphoto2. */
export class Gphoto2Source extends LiveSource {
  constructor(cam: Gphoto2Camera, deps: Gphoto2Deps) {
    const what = `camera ${cam.id} (gphoto2${cam.model ? ` ${cam.model}` : ''}${cam.port ? ` on ${cam.port}` : ''})`;
    super(cam.id, new Gphoto2Session(cam, { command: deps.gphoto2Path ?? 'gphoto2', what }), cam.reconnect, deps);
  }
}
