import { describe, expect, it } from 'vitest';
import { FrameQueue } from '../../../src/capture/frame-queue.ts';

async function drain<T>(q: FrameQueue<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of q) out.push(v);
  return out;
}

describe('FrameQueue', () => {
  it('drop-oldest keeps only the newest frames when the consumer is behind', async () => {
    const q = new FrameQueue<number>(2, 'drop-oldest');
    for (let i = 0; i < 5; i++) await q.put(i);
    q.close();
    expect(await drain(q)).toEqual([3, 4]);
    expect(q.dropped).toBe(3);
  });

  it('block applies back-pressure and loses nothing', async () => {
    const q = new FrameQueue<number>(1, 'block');
    const produced: number[] = [];
    const producer = (async () => {
      for (let i = 0; i < 4; i++) {
        await q.put(i);
        produced.push(i);
      }
      q.close();
    })();
    await Promise.resolve();
    // Only the first put (into an empty queue) and the one filling the slot have returned.
    expect(produced.length).toBeLessThanOrEqual(1);
    expect(await drain(q)).toEqual([0, 1, 2, 3]);
    await producer;
    expect(q.dropped).toBe(0);
  });

  it('hands an item straight to a waiting taker and ends takers on close', async () => {
    const q = new FrameQueue<string>(1, 'drop-oldest');
    const first = q.next();
    await q.put('a');
    expect(await first).toEqual({ value: 'a', done: false });
    const second = q.next();
    q.close();
    expect(await second).toEqual({ value: undefined, done: true });
    await q.put('late');
    expect(q.depth).toBe(0);
  });

  it('rejects a non-positive capacity', () => {
    expect(() => new FrameQueue(0, 'block')).toThrow(RangeError);
  });
});
