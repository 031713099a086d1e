import { describe, expect, it } from 'vitest';
import { HitEventHub, liveHitsOf, sseEvent } from '../../../src/api/hit-events.ts';
import type { Hit } from '../../../src/store/hits-repo.ts';

const hit = (id: string): Hit => ({
  id,
  detectionId: 'd1',
  hotlistEntryId: 'e1',
  plate: '6TRK902',
  list: 'stolen-vehicle',
  reason: 'line one\nline two',
  caseNumber: '26-1',
  matchRule: 'exact',
  matchedText: '6TRK902',
  swaps: [],
  stale: false,
  createdAt: 5,
});
const read = { detectionId: 'd1', cameraId: 'cam-a', capturedAt: 1000, hits: [hit('h1'), hit('h2')] };

describe('live hits', () => {
  it('turns a recorded read into one event per hit', () => {
    expect(liveHitsOf(read).map((h) => [h.hitId, h.detectionId, h.cameraId, h.capturedAt, h.plate])).toEqual([
      ['h1', 'd1', 'cam-a', 1000, '6TRK902'],
      ['h2', 'd1', 'cam-a', 1000, '6TRK902'],
    ]);
  });

  it('writes a server-sent event on one data line even when a field holds a newline', () => {
    const text = sseEvent('hit', { reason: 'line one\nline two' }, 'h1');
    expect(text).toBe('event: hit\nid: h1\ndata: {"reason":"line one\\nline two"}\n\n');
  });

  it('delivers to every subscriber until it unsubscribes, and drops a listener that throws', () => {
    const hub = new HitEventHub();
    const a: string[] = [];
    const b: string[] = [];
    const offA = hub.subscribe((h) => a.push(h.hitId));
    hub.subscribe((h) => b.push(h.hitId));
    hub.subscribe(() => {
      throw new Error('stream gone');
    });
    hub.publish(read);
    expect(a).toEqual(['h1', 'h2']);
    expect(b).toEqual(['h1', 'h2']);
    expect(hub.subscribers).toBe(2);
    offA();
    hub.publish({ ...read, hits: [hit('h3')] });
    expect(a).toEqual(['h1', 'h2']);
    expect(b).toEqual(['h1', 'h2', 'h3']);
  });
});
