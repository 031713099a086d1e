import { appendFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { endsLikeJpeg, ImageFolderWatchSource, isWatchedImageName, settle } from '../../../src/capture/image-folder-watch.ts';
import type { Frame } from '../../../src/capture/frame.ts';
import { systemClock } from '../../../src/platform/clock.ts';
import { tempDir, writeGarbage } from './capture-test-inputs.ts';
import { makeJpegs } from './fake-cameras.ts';

describe('upload completeness (pure)', () => {
  it('a file is complete once its size and time stay the same for settleMs, and it is not empty', () => {
    let s = settle(undefined, '10:1', 10, 1_000, 500);
    expect(s.ready).toBe(false);
    s = settle(s.track, '10:1', 10, 1_400, 500);
    expect(s.ready).toBe(false);
    s = settle(s.track, '20:2', 20, 1_600, 500); // still growing: the clock starts again
    expect(s).toEqual({ ready: false, track: { signature: '20:2', since: 1_600 } });
    expect(settle(s.track, '20:2', 20, 2_100, 500).ready).toBe(true);
    expect(settle({ signature: '0:1', since: 0 }, '0:1', 0, 9_999, 500).ready).toBe(false);
  });

  it('knows a whole JPEG by its end marker and skips hidden temp files', () => {
    expect(endsLikeJpeg(Buffer.from([0xff, 0xd9]))).toBe(true);
    expect(endsLikeJpeg(Buffer.from([0x00, 0xd9]))).toBe(false);
    expect(endsLikeJpeg(Buffer.from([0xd9]))).toBe(false);
    expect(['cam1.JPG', 'a.png', 'b.webp'].every(isWatchedImageName)).toBe(true);
    expect(['.in.cam1.jpg.', '.pureftpd-upload.5f.jpg', 'cam1.jpg.part', 'notes.txt'].some(isWatchedImageName)).toBe(false);
  });
});

describe('ImageFolderWatchSource', () => {
  const reconnect = { initialMs: 100, maxMs: 400 };

  function watch(dir: string, afterRead: 'delete' | 'keep'): { frames: Frame[]; source: ImageFolderWatchSource } {
    const source = new ImageFolderWatchSource({ type: 'image-folder-watch', id: 'ftp', path: dir, settleMs: 300, pollMs: 50, afterRead, reconnect }, { clock: systemClock });
    const frames: Frame[] = [];
    const ac = new AbortController();
    const done = (async () => {
      for await (const f of source.frames(ac.signal)) frames.push(f);
    })();
    onTestFinished(async () => {
      ac.abort();
      await done;
    });
    return { frames, source };
  }

  it('does not read an upload in progress: only once the whole file is there', async () => {
    const dir = tempDir('watch-slow');
    const { frames, source } = watch(dir, 'delete');
    await vi.waitFor(() => expect(source.status.state).toBe('streaming'));
    const [jpeg] = await makeJpegs(1);
    const path = join(dir, 'slow.jpg');
    // An FTP upload arriving in pieces, 150 ms apart (each pause shorter than settleMs).
    for (let at = 0; at < jpeg!.length; at += 400) {
      appendFileSync(path, jpeg!.subarray(at, at + 400));
      await delay(150);
      expect(frames).toHaveLength(0);
    }
    await vi.waitFor(() => expect(frames).toHaveLength(1));
    expect([frames[0]!.width, frames[0]!.height]).toEqual([160, 120]);
    expect(source.status.unreadable).toBe(0);
    await vi.waitFor(() => expect(existsSync(path)).toBe(false)); // 'delete': read once, then gone
  });

  it('keeps files when asked, reads a rewritten file again, and counts an unreadable one without stopping', async () => {
    const dir = tempDir('watch-keep');
    const { frames, source } = watch(dir, 'keep');
    const [a, b] = await makeJpegs(2);
    writeFileSync(join(dir, 'snapshot.jpg'), a!);
    await vi.waitFor(() => expect(frames).toHaveLength(1));
    await delay(500);
    expect(frames).toHaveLength(1); // not read twice
    writeGarbage(join(dir, 'broken.png'));
    writeFileSync(join(dir, 'snapshot.jpg'), b!); // the camera overwrites its one snapshot file
    await vi.waitFor(() => expect(frames).toHaveLength(2));
    await vi.waitFor(() => expect(source.status.unreadable).toBe(1));
    expect(readdirSync(dir).sort()).toEqual(['broken.png', 'snapshot.jpg']);
    expect(source.status.state).toBe('streaming');
  });

  it('reads images already waiting at start, oldest first', async () => {
    const dir = tempDir('watch-backlog');
    mkdirSync(join(dir, 'sub'));
    const jpegs = await makeJpegs(3);
    const { utimesSync } = await import('node:fs');
    ['c.jpg', 'a.jpg', 'b.jpg'].forEach((n, i) => {
      writeFileSync(join(dir, n), jpegs[i]!);
      utimesSync(join(dir, n), 1_000 + i, 1_000 + i);
    });
    const { frames } = watch(dir, 'delete');
    await vi.waitFor(() => expect(frames).toHaveLength(3));
    expect(frames.map((f) => f.capturedAt)).toEqual([1_000_000, 1_001_000, 1_002_000]);
    expect(frames.map((f) => f.index)).toEqual([0, 1, 2]);
  });
});
