/** Builds the FrameSource for a camera config entry. */
import type { CameraConfig } from '../config/schema.ts';
import { RtspSource, V4l2Source } from './ffmpeg-camera.ts';
import type { QueuePolicy } from './frame-queue.ts';
import type { FrameSource } from './frame.ts';
import { Gphoto2Source } from './gphoto2.ts';
import { HttpSnapshotSource, MjpegSource } from './http-camera.ts';
import { ImageFolderWatchSource } from './image-folder-watch.ts';
import { ImageFolderSource } from './image-folder.ts';
import type { LiveSourceDeps } from './live-source.ts';
import { VideoFileSource } from './video-file.ts';

/** What any source may need besides its config; live cameras also report status changes. */
export interface CreateSourceDeps extends LiveSourceDeps {
  /** ffmpeg executable for video files, V4L2 and RTSP; default "ffmpeg" on PATH. */
  ffmpegPath?: string;
  /** gphoto2 executable; default "gphoto2" on PATH. */
  gphoto2Path?: string;
  /** Environment holding CREDENTIALS_DIRECTORY; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export function createFrameSource(cam: CameraConfig, deps: CreateSourceDeps): FrameSource {
  switch (cam.type) {
    case 'video-file':
      return new VideoFileSource(cam, deps);
    case 'image-folder':
      return new ImageFolderSource(cam, deps);
    case 'v4l2':
      return new V4l2Source(cam, deps);
    case 'rtsp':
      return new RtspSource(cam, deps);
    case 'mjpeg':
      return new MjpegSource(cam, deps);
    case 'http-snapshot':
      return new HttpSnapshotSource(cam, deps);
    case 'gphoto2':
      return new Gphoto2Source(cam, deps);
    case 'image-folder-watch':
      return new ImageFolderWatchSource(cam, deps);
    default: {
      const unknown: never = cam;
      throw new Error(`unknown camera type ${(unknown as { type: string }).type}`);
    }
  }
}

/** Pure: does this camera run until stopped (a live camera) rather than end (a replay)? */
export function isLiveCamera(cam: CameraConfig): boolean {
  return cam.type !== 'video-file' && cam.type !== 'image-folder';
}

/**
 * Pure: the queue policy between this camera and the reader. Replays that run as fast as
 * possible must read every frame ('block'); paced replays and live cameras keep the newest.
 */
export function queuePolicyFor(cam: CameraConfig): QueuePolicy {
  return !isLiveCamera(cam) && 'replay' in cam && cam.replay === 'fast' ? 'block' : 'drop-oldest';
}
