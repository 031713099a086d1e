import { describe, expect, it } from 'vitest';
import { RecentHits } from '../../../src/alerts/recent-hits.ts';
import { entry, exact } from './fixtures.ts';

describe('RecentHits', () => {
  const stolen = exact(entry({ id: 'e-stolen', plate: '6TRK902' }));
  const warrant = exact(entry({ id: 'e-warrant', plate: '6TRK902' }));

  it('lets an entry hit a plate on a camera once per window, then again after it', () => {
    const r = new RecentHits(10_000);
    expect(r.admit('cam1', '6TRK902', 1_000, [stolen])).toEqual([stolen]);
    // The second track of a split pass, half a second later: no second alert.
    expect(r.admit('cam1', '6TRK902', 1_500, [stolen])).toEqual([]);
    expect(r.admit('cam1', '6TRK902', 11_000, [stolen])).toEqual([]);
    expect(r.admit('cam1', '6TRK902', 11_001, [stolen])).toEqual([stolen]);
  });

  it('keeps cameras, entries and plate texts apart', () => {
    const r = new RecentHits(10_000);
    expect(r.admit('cam1', '6TRK902', 1_000, [stolen])).toEqual([stolen]);
    expect(r.admit('cam2', '6TRK902', 1_100, [stolen])).toEqual([stolen]);
    expect(r.admit('cam1', '6TRK902', 1_200, [stolen, warrant])).toEqual([warrant]);
    // A partial entry can match two different vehicles: a different text is a different alert.
    expect(r.admit('cam1', '6TRK903', 1_300, [stolen])).toEqual([stolen]);
  });

  it('forgets old hits once it holds many', () => {
    const r = new RecentHits(1_000);
    for (let i = 0; i < 2_000; i++) r.admit('cam1', `P${i}`, i, [stolen]);
    expect((r as unknown as { last: Map<string, number> }).last.size).toBeLessThan(2_000);
    expect(r.admit('cam1', 'P1999', 2_500, [stolen])).toEqual([]);
  });
});

describe('RecentHits.forget', () => {
  it('lets an entry hit again when its hit could not be stored', () => {
    const r = new RecentHits(10_000);
    const m = exact(entry({ id: 'e1', plate: 'ABC123' }));
    expect(r.admit('cam1', 'ABC123', 1_000, [m])).toEqual([m]);
    r.forget('cam1', 'ABC123', [m]);
    expect(r.admit('cam1', 'ABC123', 1_200, [m])).toEqual([m]);
  });
});
