import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AckBatcher, buildAck } from '../../../src/central/ack-batcher.ts';
import { ackMessageSchema, type AckMessage } from '../../../src/mqtt/contract/ack.ts';
import { ManualClock } from '../../../src/platform/clock.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function batcher(windowMs: number, maxIds = 1000): { b: AckBatcher; sent: Array<[string, AckMessage]> } {
  const sent: Array<[string, AckMessage]> = [];
  const b = new AckBatcher({ windowMs, maxIds, receiver: 'rx', clock: new ManualClock(Date.UTC(2026, 0, 1)), publish: (t, m) => sent.push([t, m]) });
  return { b, sent };
}

describe('AckBatcher', () => {
  it('sends one ack per device when the window after its first id closes', () => {
    const { b, sent } = batcher(200);
    b.add('a/ack', '1');
    vi.advanceTimersByTime(150);
    b.add('a/ack', '2');
    b.add('b/ack', '3');
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(sent).toEqual([['a/ack', buildAck(['1', '2'], 'rx', Date.UTC(2026, 0, 1))]]);
    vi.advanceTimersByTime(150);
    expect(sent.map(([t, m]) => [t, m.ids])).toEqual([
      ['a/ack', ['1', '2']],
      ['b/ack', ['3']],
    ]);
    expect(b.waiting).toBe(0);
  });

  it('sends at once when maxIds are waiting, and everything on flushAll', () => {
    const { b, sent } = batcher(10_000, 3);
    for (const id of ['1', '2', '3', '4']) b.add('a/ack', id);
    expect(sent.map(([, m]) => m.ids)).toEqual([['1', '2', '3']]);
    expect(b.waiting).toBe(1);
    b.flushAll();
    expect(sent.map(([, m]) => m.ids)).toEqual([['1', '2', '3'], ['4']]);
    vi.advanceTimersByTime(20_000);
    expect(sent).toHaveLength(2);
  });

  it('sends every id at once with a zero window, and never more ids than the contract allows', () => {
    const { b, sent } = batcher(0);
    b.add('a/ack', '1');
    expect(sent).toHaveLength(1);
    const big = batcher(100, 5000);
    for (let i = 0; i < 2500; i++) big.b.add('a/ack', String(i));
    big.b.flushAll();
    expect(big.sent.map(([, m]) => m.ids.length)).toEqual([1000, 1000, 500]);
  });

  it('builds acks the contract accepts', () => {
    expect(ackMessageSchema.parse(buildAck(['x'], 'rx', 0))).toEqual({ v: 1, ids: ['x'], receiver: 'rx', at: '1970-01-01T00:00:00.000Z' });
  });
});
