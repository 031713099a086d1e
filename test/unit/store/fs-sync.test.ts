import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAlprError } from '../../../src/errors.ts';
import { FilesystemSync } from '../../../src/store/fs-sync.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-fs-sync-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('FilesystemSync', () => {
  it('answers every flush in order, also many at once', async () => {
    const s = await FilesystemSync.start(dir);
    expect(s).not.toBeNull();
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => (s as FilesystemSync).sync().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
    s?.close();
  });

  it('is null where the folder cannot be flushed (sync -f fails), so the caller flushes per file', async () => {
    expect(await FilesystemSync.start(join(dir, 'missing'))).toBeNull();
  });

  it('fails waiting and later flushes with STORE_FAILED once the helper is gone', async () => {
    const s = (await FilesystemSync.start(dir)) as FilesystemSync;
    const child = (s as unknown as { child: ChildProcess }).child;
    const exited = once(child, 'exit');
    const waiting = s.sync();
    child.kill();
    // The flush in flight may have been answered before the kill; a later one cannot be.
    await waiting.catch(() => undefined);
    await exited;
    const later = await s.sync().catch((e: unknown) => e);
    expect(isAlprError(later, 'STORE_FAILED')).toBe(true);
    expect((later as Error).message).toMatch(/flush helper .* (exited|stdin failed)/);
  });
});
