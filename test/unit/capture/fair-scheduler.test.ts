import { describe, expect, it } from 'vitest';
import { FairGate, nextInTurn } from '../../../src/capture/fair-scheduler.ts';

describe('nextInTurn (round-robin policy)', () => {
  const order = ['a', 'b', 'c'];

  it('serves the next waiting camera after the last one served, wrapping around', () => {
    const all = (): boolean => true;
    expect(nextInTurn(order, undefined, all)).toBe('a');
    expect(nextInTurn(order, 'a', all)).toBe('b');
    expect(nextInTurn(order, 'c', all)).toBe('a');
  });

  it('skips cameras with nothing waiting; the last one served is served again only if it alone waits', () => {
    expect(nextInTurn(order, 'a', (k) => k === 'c')).toBe('c');
    expect(nextInTurn(order, 'b', (k) => k === 'b')).toBe('b');
    expect(nextInTurn(order, 'b', () => false)).toBeUndefined();
    expect(nextInTurn(order, 'zz', (k) => k !== 'a')).toBe('b');
    expect(nextInTurn([], undefined, () => true)).toBeUndefined();
  });
});

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('FairGate', () => {
  it('a busy camera does not starve quiet ones: waiting cameras are served in turn', async () => {
    const gate = new FairGate<string>(1, ['busy', 'quiet1', 'quiet2']);
    const served: string[] = [];
    const hold = await gate.acquire('busy');
    // The busy camera queues many reads; each quiet one queues one.
    const pending = [
      ...Array.from({ length: 4 }, () => gate.acquire('busy')),
      gate.acquire('quiet1'),
      gate.acquire('quiet2'),
    ];
    const cameras = ['busy', 'busy', 'busy', 'busy', 'quiet1', 'quiet2'];
    pending.forEach((p, i) =>
      void p.then((release) => {
        served.push(cameras[i]!);
        setImmediate(release);
      }),
    );
    hold();
    await Promise.all(pending);
    for (let i = 0; i < 10; i++) await tick();
    expect(served).toEqual(['quiet1', 'quiet2', 'busy', 'busy', 'busy', 'busy']);
    expect(gate.stats()).toMatchObject({ inUse: 0, waiting: 0 });
    expect(gate.stats().granted).toEqual(new Map([['busy', 5], ['quiet1', 1], ['quiet2', 1]]));
  });

  it('runs up to `slots` reads at once and no more', async () => {
    const gate = new FairGate<string>(2);
    let running = 0;
    let peak = 0;
    const read = async (): Promise<void> => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
    };
    await Promise.all(['a', 'b', 'c', 'a', 'b', 'c'].map((cam) => gate.run(cam, read)));
    expect(peak).toBe(2);
    expect(gate.stats().inUse).toBe(0);
  });

  it('an aborted wait leaves the line and rejects; releasing twice frees one slot', async () => {
    const gate = new FairGate<string>(1);
    const release = await gate.acquire('a');
    const ac = new AbortController();
    const waiting = gate.acquire('b', ac.signal);
    ac.abort(new Error('camera stopped'));
    await expect(waiting).rejects.toThrow('camera stopped');
    expect(gate.stats().waiting).toBe(0);
    const next = gate.acquire('c');
    release();
    release();
    const releaseC = await next;
    expect(gate.stats().inUse).toBe(1);
    releaseC();
    await expect(gate.acquire('d', AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
    expect(() => new FairGate(0)).toThrow(RangeError);
  });

  it('a failing read still releases its slot', async () => {
    const gate = new FairGate<string>(1);
    await expect(gate.run('a', () => Promise.reject(new Error('onnx failed')))).rejects.toThrow('onnx failed');
    expect(gate.stats().inUse).toBe(0);
    expect(await gate.run('b', () => Promise.resolve(42))).toBe(42);
  });
});
