import { describe, expect, it } from 'vitest';
import { createFrameSource } from '../../../src/capture/create-source.ts';
import { ImageFolderSource } from '../../../src/capture/image-folder.ts';
import { VideoFileSource } from '../../../src/capture/video-file.ts';
import { cameraSchema } from '../../../src/config/schema.ts';
import { ManualClock } from '../../../src/platform/clock.ts';

describe('createFrameSource', () => {
  const deps = { clock: new ManualClock(0) };

  it('builds the source for each camera type from a parsed config entry', () => {
    const video = createFrameSource(cameraSchema.parse({ type: 'video-file', id: 'gate', path: '/v.mp4' }), deps);
    expect(video).toBeInstanceOf(VideoFileSource);
    expect(video.id).toBe('gate');
    const folder = createFrameSource(cameraSchema.parse({ type: 'image-folder', id: 'stills', path: '/imgs' }), deps);
    expect(folder).toBeInstanceOf(ImageFolderSource);
    expect(folder.id).toBe('stills');
  });
});
