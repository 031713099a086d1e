import { describe, expect, it } from 'vitest';
import { minFramesFor } from '../../../src/app/app.ts';

describe('minFramesFor', () => {
  it('keeps one-frame passes for stills cameras only', () => {
    expect(minFramesFor({ type: 'image-folder', id: 'a', path: 'x', replay: 'fast', fps: 2, loop: false }, 2)).toBe(1);
    expect(minFramesFor({ type: 'video-file', id: 'a', path: 'x', replay: 'fast', loop: false }, 2)).toBe(2);
  });
});
