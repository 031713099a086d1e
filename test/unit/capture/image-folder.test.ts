import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageNamesInOrder, ImageFolderSource, listImageFiles, naturalCompare } from '../../../src/capture/image-folder.ts';
import { isAlprError } from '../../../src/errors.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { tempDir, writeGarbage, writePng } from './capture-test-inputs.ts';

describe('image order', () => {
  it('sorts names naturally, case-insensitively, keeping only images', () => {
    expect(
      imageNamesInOrder(['img10.png', 'img2.png', 'IMG1.jpg', 'notes.txt', 'b.JPEG', '.hidden.png', 'a.webp', 'img2.jpg', 'movie.mp4']),
    ).toEqual(['a.webp', 'b.JPEG', 'IMG1.jpg', 'img2.jpg', 'img2.png', 'img10.png']);
  });

  it('is a total order (ties broken deterministically)', () => {
    expect(naturalCompare('A.png', 'a.png')).not.toBe(0);
    expect(Math.sign(naturalCompare('A.png', 'a.png'))).toBe(-Math.sign(naturalCompare('a.png', 'A.png')));
  });
});

describe('ImageFolderSource', () => {
  let dir = '';
  const clock = new ManualClock(5_000);

  beforeAll(async () => {
    dir = tempDir('images');
    mkdirSync(join(dir, 'mixed'));
    await writePng(join(dir, 'mixed', 'shot-1.png'), 32, 24, 10);
    await writePng(join(dir, 'mixed', 'shot-2.png'), 16, 8, 60);
    writeGarbage(join(dir, 'mixed', 'shot-3.png'));
    await writePng(join(dir, 'mixed', 'shot-4.png'), 16, 8, 90);
    mkdirSync(join(dir, 'only-text'));
    writeFileSync(join(dir, 'only-text', 'readme.txt'), 'x');
    mkdirSync(join(dir, 'only-text', 'sub.png')); // a folder named like an image is not an image
  });

  it('lists image paths in replay order', async () => {
    expect(await listImageFiles(join(dir, 'mixed'))).toEqual(['shot-1.png', 'shot-2.png', 'shot-3.png', 'shot-4.png'].map((n) => join(dir, 'mixed', n)));
  });

  it('yields frames of differing sizes, then stops at an unreadable image with an error naming it', async () => {
    const source = new ImageFolderSource(
      { type: 'image-folder', id: 'stills', path: join(dir, 'mixed'), replay: 'fast', fps: 2, loop: false },
      { clock },
    );
    const got: [number, number, number, number][] = [];
    const err = await (async () => {
      for await (const f of source.frames()) got.push([f.index, f.capturedAt, f.width, f.height]);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(got).toEqual([
      [0, 5_000, 32, 24],
      [1, 5_500, 16, 8],
    ]);
    expect(isAlprError(err, 'IMAGE_UNREADABLE')).toBe(true);
    expect((err as Error).message).toContain(join(dir, 'mixed', 'shot-3.png'));
  });

  it('a folder without images is SOURCE_FAILED', async () => {
    await expect(listImageFiles(join(dir, 'only-text'))).rejects.toMatchObject({ code: 'SOURCE_FAILED' });
  });
});
