import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAlprError } from '../../../src/errors.ts';
import { CropWriter } from '../../../src/store/crop-writer.ts';
import { cropHourDir, cropRelativePath, writeCrop } from '../../../src/store/crops.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-crop-writer-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const T = Date.UTC(2025, 2, 1, 13, 5);
const bytes = (i: number): Buffer => Buffer.from(`jpeg ${i} `.repeat(50));

describe('CropWriter (group commit)', () => {
  it('stores many concurrent crops in few commits, each complete under its final name, no temporary file left', async () => {
    const w = new CropWriter(dir);
    const paths = Array.from({ length: 40 }, (_, i) => cropRelativePath(`d${i}`, T + (i % 2) * 3_600_000));
    await Promise.all(paths.map((p, i) => w.write(p, bytes(i))));
    // The first write commits alone; the others gather while it flushes.
    expect(w.commits).toBeGreaterThan(0);
    expect(w.commits).toBeLessThan(paths.length);
    paths.forEach((p, i) => expect(readFileSync(join(dir, p))).toEqual(bytes(i)));
    for (const h of [cropHourDir(T), cropHourDir(T + 3_600_000)]) {
      expect(readdirSync(join(dir, h)).every((n) => n.endsWith('.jpg'))).toBe(true);
    }
  });

  it('resolves a lone write without waiting for others, and writes after a commit in the next one', async () => {
    const w = new CropWriter(dir, { maxBatch: 2 });
    await w.write(cropRelativePath('a', T), bytes(1));
    expect(existsSync(join(dir, cropRelativePath('a', T)))).toBe(true);
    await Promise.all([1, 2, 3, 4, 5].map((i) => w.write(cropRelativePath(`b${i}`, T), bytes(i))));
    await w.flushed();
    expect(readdirSync(join(dir, cropHourDir(T))).sort()).toEqual(['a.jpg', 'b1.jpg', 'b2.jpg', 'b3.jpg', 'b4.jpg', 'b5.jpg']);
  });

  it('replaces a crop a row already names (written aside, renamed over it at the commit)', async () => {
    const w = new CropWriter(dir);
    const p = cropRelativePath('rev', T);
    await w.write(p, bytes(1));
    await Promise.all([w.write(p, bytes(2)), w.write(cropRelativePath('other', T), bytes(3))]);
    expect(readFileSync(join(dir, p))).toEqual(bytes(2));
    expect(readdirSync(join(dir, cropHourDir(T))).sort()).toEqual(['other.jpg', 'rev.jpg']);
  });

  it('makes an hour folder again when retention dropped it since the last write', async () => {
    const w = new CropWriter(dir);
    await w.write(cropRelativePath('a', T), bytes(1));
    rmSync(join(dir, cropHourDir(T)), { recursive: true });
    await w.write(cropRelativePath('b', T), bytes(2));
    expect(readFileSync(join(dir, cropRelativePath('b', T)))).toEqual(bytes(2));
  });

  it('fails a write it cannot store with STORE_FAILED naming the crop, and keeps working for others', async () => {
    const w = new CropWriter(dir);
    writeFileSync(join(dir, 'crops'), 'not a folder'); // no hour folder can be made
    const bad = cropRelativePath('x', T);
    const caught = await w.write(bad, bytes(1)).catch((e: unknown) => e);
    expect(isAlprError(caught, 'STORE_FAILED')).toBe(true);
    expect((caught as Error).message).toContain(bad);
    rmSync(join(dir, 'crops'));
    await w.write(cropRelativePath('y', T), bytes(2));
    expect(existsSync(join(dir, cropRelativePath('y', T)))).toBe(true);
  });

  it('writeCrop uses the writer it is given', async () => {
    const w = new CropWriter(dir);
    const image = { width: 64, height: 32, data: Buffer.alloc(64 * 32 * 3, 200) };
    const crops = await Promise.all([0, 1, 2].map((i) => writeCrop(dir, `w${i}`, T, image, { x: 4, y: 4, w: 40, h: 10 }, { margin: 0, quality: 80 }, w)));
    for (const c of crops) expect(readFileSync(join(dir, c.path))).toEqual(c.jpeg);
  });
});

describe('CropWriter lazy crops', () => {
  it('writes a lazy crop at once, whole, and counts it until flushLazy makes it durable', async () => {
    const w = new CropWriter(dir);
    const paths = [0, 1, 2].map((i) => cropRelativePath(`l${i}`, T));
    await Promise.all(paths.map((p, i) => w.writeLazy(p, bytes(i))));
    paths.forEach((p, i) => expect(readFileSync(join(dir, p))).toEqual(bytes(i)));
    expect(w.commits).toBe(0); // no durable commit was needed
    expect(w.unflushed).toBe(3);
    expect(await w.lazyFlushMode()).toBe('filesystem');
    expect(await w.flushLazy()).toBe(3);
    expect(w.unflushed).toBe(0);
    expect(await w.flushLazy()).toBe(0);
    await w.close();
  });

  it('writes a lazy crop that replaces an existing file durably (a row already names it)', async () => {
    const w = new CropWriter(dir);
    const p = cropRelativePath('rev', T);
    await w.writeLazy(p, bytes(1));
    await w.writeLazy(p, bytes(2));
    expect(readFileSync(join(dir, p))).toEqual(bytes(2));
    expect(w.commits).toBe(1);
    expect(w.unflushed).toBe(1);
    await w.close();
  });

  it('flushes file by file once the syncfs helper is gone, skipping crops deleted since', async () => {
    const w = new CropWriter(dir);
    await w.writeLazy(cropRelativePath('a', T), bytes(1));
    expect(await w.flushLazy()).toBe(1);
    const helper = await (w as unknown as { fsSync: Promise<{ child: ChildProcess }> }).fsSync;
    const exited = once(helper.child, 'exit');
    helper.child.kill();
    await exited;
    await w.writeLazy(cropRelativePath('b', T), bytes(2));
    await w.writeLazy(cropRelativePath('c', T), bytes(3));
    rmSync(join(dir, cropRelativePath('c', T))); // purged before the flush
    expect(await w.flushLazy()).toBe(2);
    expect(await w.lazyFlushMode()).toBe('file');
    expect(readFileSync(join(dir, cropRelativePath('b', T)))).toEqual(bytes(2));
    await w.close();
  });

  it('fails a lazy write it cannot store with STORE_FAILED naming the crop', async () => {
    const w = new CropWriter(dir);
    writeFileSync(join(dir, 'crops'), 'not a folder');
    const caught = await w.writeLazy(cropRelativePath('x', T), bytes(1)).catch((e: unknown) => e);
    expect(isAlprError(caught, 'STORE_FAILED')).toBe(true);
    expect(w.unflushed).toBe(0);
    await w.close();
  });
});
