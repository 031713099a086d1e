/** Builds the FrameSource for a camera config entry. */
import type { CameraConfig } from '../config/schema.ts';
import type { FrameSource } from './frame.ts';
import { ImageFolderSource } from './image-folder.ts';
import type { SourceDeps } from './replay.ts';
import { VideoFileSource } from './video-file.ts';

export function createFrameSource(cam: CameraConfig, deps: SourceDeps): FrameSource {
  switch (cam.type) {
    case 'video-file':
      return new VideoFileSource(cam, deps);
    case 'image-folder':
      return new ImageFolderSource(cam, deps);
    default: {
      const unknown: never = cam;
      throw new Error(`unknown camera type ${(unknown as { type: string }).type}`);
    }
  }
}
