/**
 * A folder of still images replayed as a camera: the .jpg/.jpeg/.png/.webp files in natural
 * name order (frame2 before frame10), decoded with sharp one at a time as the consumer asks,
 * captured at start + index/fps.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CameraConfig } from '../config/schema.ts';
import { AlprError } from '../errors.ts';
import type { RgbImage } from '../ocr/types.ts';
import { decodeImageFile } from './decode-image.ts';
import type { Frame, FrameSource } from './frame.ts';
import { replayFrames, timerSleep, type SourceDeps } from './replay.ts';

export type ImageFolderCamera = Extract<CameraConfig, { type: 'image-folder' }>;

const IMAGE_EXTENSION = /\.(jpe?g|png|webp)$/i;

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Pure: natural order of file names ("img2" < "img10"), ties broken by code units so it is total. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Pure: the image file names among `names`, in replay order. */
export function imageNamesInOrder(names: readonly string[]): string[] {
  return names.filter((n) => IMAGE_EXTENSION.test(n) && !n.startsWith('.')).sort(naturalCompare);
}

/** The image files of `dir` in replay order; SOURCE_FAILED if the folder is missing, unreadable or has none. */
export async function listImageFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new AlprError('SOURCE_FAILED', `cannot read image folder ${dir}: ${(err as Error).message}`, { cause: err });
  }
  const names = imageNamesInOrder(entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name));
  if (names.length === 0) {
    throw new AlprError('SOURCE_FAILED', `image folder ${dir} has no .jpg, .jpeg, .png or .webp files`);
  }
  return names.map((n) => join(dir, n));
}

export class ImageFolderSource implements FrameSource {
  readonly id: string;

  constructor(
    private readonly cam: ImageFolderCamera,
    private readonly deps: SourceDeps,
  ) {
    this.id = cam.id;
  }

  frames(signal?: AbortSignal): AsyncIterable<Frame> {
    return this.run(signal);
  }

  private async *run(signal?: AbortSignal): AsyncGenerator<Frame, void, undefined> {
    if (signal?.aborted) return;
    // Listed once: every loop pass replays the same files.
    const files = await listImageFiles(this.cam.path);
    yield* replayFrames(
      {
        cameraId: this.cam.id,
        fps: this.cam.fps,
        replay: this.cam.replay,
        loop: this.cam.loop,
        clock: this.deps.clock,
        sleep: this.deps.sleep ?? timerSleep,
        openPass: (passSignal) => decodeAll(files, passSignal),
        emptyPassError: () => new AlprError('SOURCE_FAILED', `image folder ${this.cam.path} yielded no images`),
      },
      signal,
    );
  }
}

async function* decodeAll(files: readonly string[], signal: AbortSignal): AsyncGenerator<RgbImage, void, undefined> {
  for (const file of files) {
    if (signal.aborted) return;
    const image = await decodeImageFile(file); // IMAGE_UNREADABLE naming the file
    if (signal.aborted) return;
    yield image;
  }
}
