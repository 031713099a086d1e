/**
 * A folder that cameras upload still images to (FTP, SMB, scp): every new image becomes a
 * frame, oldest first, captured at its file time. An upload in progress is not read: a file is
 * complete once its size and time have not changed for `settleMs` (and a JPEG ends with its
 * end-of-image marker). inotify (fs.watch) wakes the loop early; a listing every `pollMs`
 * catches what inotify misses (network filesystems). A missing folder (unmounted share) is a
 * lost camera: the source retries with backoff until it is back.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CameraConfig } from '../config/schema.ts';
import { decodeImageFile } from './decode-image.ts';
import { LiveSource, type CapturedImage, type LiveSession, type LiveSourceDeps, type SessionContext } from './live-source.ts';

export type ImageFolderWatchCamera = Extract<CameraConfig, { type: 'image-folder-watch' }>;

const IMAGE = /\.(jpe?g|png|webp)$/i;

/** Pure: is this directory entry name an image a camera could have uploaded (not a hidden temp file)? */
export function isWatchedImageName(name: string): boolean {
  return IMAGE.test(name) && !name.startsWith('.');
}

export interface Settling {
  /** size:mtime of the file when last looked at. */
  signature: string;
  /** Clock time the signature was first seen. */
  since: number;
}

/**
 * Pure: whether a file whose size and time give `signature` is complete at `now`. It is once
 * the signature has not changed for `settleMs` and the file is not empty. Returns the
 * tracking entry to keep for the next look.
 */
export function settle(prev: Settling | undefined, signature: string, size: number, now: number, settleMs: number): { ready: boolean; track: Settling } {
  if (prev === undefined || prev.signature !== signature) return { ready: false, track: { signature, since: now } };
  return { ready: size > 0 && now - prev.since >= settleMs, track: prev };
}

/** Pure: a file ending in these two bytes is a whole JPEG (FF D9, end of image). */
export function endsLikeJpeg(lastTwo: Buffer): boolean {
  return lastTwo.length === 2 && lastTwo[0] === 0xff && lastTwo[1] === 0xd9;
}

async function lastTwoBytes(path: string, size: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, Math.max(0, size - 2));
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

interface Candidate {
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
  signature: string;
}

class FolderWatchSession implements LiveSession {
  readonly stallTimeoutMs = null; // no upload for hours (night, no traffic) is normal
  /** 'keep': files already read, name → signature (a rewritten file is read again). */
  private readonly seen = new Map<string, string>();
  private readonly settling = new Map<string, Settling>();

  constructor(private readonly cam: ImageFolderWatchCamera) {}

  async *open(signal: AbortSignal, ctx: SessionContext): AsyncGenerator<CapturedImage, void, undefined> {
    const dir = this.cam.path;
    const info = await stat(dir).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`image folder ${dir} is not there (${err.code ?? err.message})`);
    });
    if (!info.isDirectory()) throw new Error(`${dir} is not a folder`);
    ctx.connected();
    let tick = new AbortController();
    const onAbort = (): void => tick.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(dir, { persistent: false }, () => tick.abort());
      watcher.on('error', () => tick.abort()); // the folder went away: the next listing says so
    } catch {
      watcher = undefined; // no inotify here (some network filesystems): polling alone
    }
    try {
      while (!signal.aborted) {
        for (const file of await this.readyFiles(dir, ctx.clock.now())) {
          const image = await this.read(file, ctx);
          if (signal.aborted) return;
          if (image) yield image;
        }
        if (tick.signal.aborted) tick = new AbortController();
        if (signal.aborted) return;
        await ctx.sleep(this.cam.pollMs, tick.signal).catch(() => undefined);
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      watcher?.close();
    }
  }

  /** The complete, unread images of `dir`, oldest first. Throws when the folder is gone. */
  private async readyFiles(dir: string, now: number): Promise<Candidate[]> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      throw new Error(`cannot list image folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
    const names = new Set<string>();
    const ready: Candidate[] = [];
    for (const e of entries) {
      if (!(e.isFile() || e.isSymbolicLink()) || !isWatchedImageName(e.name)) continue;
      names.add(e.name);
      const path = join(dir, e.name);
      const st = await stat(path).catch(() => undefined);
      if (!st?.isFile()) continue;
      const signature = `${st.size}:${st.mtimeMs}`;
      if (this.seen.get(e.name) === signature) continue;
      const { ready: complete, track } = settle(this.settling.get(e.name), signature, st.size, now, this.cam.settleMs);
      this.settling.set(e.name, track);
      if (!complete) continue;
      // A JPEG still missing its end marker is an upload that paused: give it 10 settle periods.
      if (/\.jpe?g$/i.test(e.name) && now - track.since < 10 * this.cam.settleMs) {
        const tail = await lastTwoBytes(path, st.size).catch(() => Buffer.alloc(0));
        if (!endsLikeJpeg(tail)) continue;
      }
      ready.push({ name: e.name, path, size: st.size, mtimeMs: st.mtimeMs, signature });
    }
    for (const map of [this.seen, this.settling]) for (const k of [...map.keys()]) if (!names.has(k)) map.delete(k);
    return ready.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private async read(file: Candidate, ctx: SessionContext): Promise<CapturedImage | undefined> {
    let image: CapturedImage | undefined;
    try {
      image = { ...(await decodeImageFile(file.path)), capturedAt: Math.round(file.mtimeMs) };
    } catch (err) {
      ctx.countUnreadable((err as Error).message);
    }
    this.settling.delete(file.name);
    if (this.cam.afterRead === 'delete') await rm(file.path, { force: true });
    else this.seen.set(file.name, file.signature);
    return image;
  }
}

/** New images in a folder (camera FTP uploads) as a live camera. */
export class ImageFolderWatchSource extends LiveSource {
  constructor(cam: ImageFolderWatchCamera, deps: LiveSourceDeps) {
    super(cam.id, new FolderWatchSession(cam), cam.reconnect, deps);
  }
}
