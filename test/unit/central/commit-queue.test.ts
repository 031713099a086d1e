import { describe, expect, it } from 'vitest';
import { CommitQueue } from '../../../src/central/commit-queue.ts';
import type { CentralHit } from '../../../src/central/hit-intake.ts';

const hit = (id: string): CentralHit => ({ id }) as CentralHit;

/** A store whose commits finish when the test says. */
function manualStore(): { batches: string[][]; finish(i: number, result: boolean[] | Error): void; insertMany(h: readonly CentralHit[]): Promise<boolean[]> } {
  const batches: string[][] = [];
  const settle: Array<(r: boolean[] | Error) => void> = [];
  return {
    batches,
    finish: (i, r) => settle[i]?.(r),
    insertMany(h) {
      batches.push(h.map((x) => x.id));
      return new Promise<boolean[]>((resolve, reject) => settle.push((r) => (r instanceof Error ? reject(r) : resolve(r))));
    },
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('CommitQueue', () => {
  it('commits what arrives during a commit together in the next one', async () => {
    const store = manualStore();
    const q = new CommitQueue(store);
    const a = q.add(hit('a'));
    const b = q.add(hit('b'));
    const c = q.add(hit('c'));
    expect(store.batches).toEqual([['a']]);
    store.finish(0, [true]);
    expect(await a).toBe(true);
    await tick();
    expect(store.batches).toEqual([['a'], ['b', 'c']]);
    store.finish(1, [false, true]);
    expect([await b, await c]).toEqual([false, true]);
    expect(q.commits).toBe(2);
  });

  it('tries the hits of a failed commit one by one, so only the one that fails is rejected', async () => {
    const store = manualStore();
    const q = new CommitQueue(store, 2);
    const a = q.add(hit('a'));
    const rest = [q.add(hit('b')), q.add(hit('c')), q.add(hit('d'))];
    store.finish(0, new Error('disk full'));
    await expect(a).rejects.toThrow('disk full');
    await tick();
    expect(store.batches).toEqual([['a'], ['b', 'c']]); // at most maxBatch per commit
    store.finish(1, new Error('bad row'));
    await tick();
    expect(store.batches).toEqual([['a'], ['b', 'c'], ['b']]);
    store.finish(2, [true]);
    await tick();
    expect(store.batches.at(-1)).toEqual(['c']);
    store.finish(3, new Error('bad row'));
    expect(await rest[0]).toBe(true);
    await expect(rest[1]).rejects.toThrow('bad row');
    await tick();
    expect(store.batches.at(-1)).toEqual(['d']);
    store.finish(4, [false]);
    expect(await rest[2]).toBe(false);
    expect(q.commits).toBe(5);
  });
});
