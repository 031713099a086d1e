import { describe, expect, it } from 'vitest';
import { cropFileIn } from '../../../src/api/routes/detection-routes.ts';
import { searchBody, searchCriteria } from '../../../src/api/routes/search-routes.ts';

const parse = (b: Record<string, unknown>) => searchCriteria(searchBody.parse({ purpose: 'p', caseNumber: 'c', ...b }));

describe('searchCriteria', () => {
  it('normalises the plate, keeps wildcards and converts times to ms', () => {
    expect(parse({ plate: '6trk 9*', from: '2026-11-28T10:00:00Z', limit: 5 })).toEqual({ plate: '6TRK9*', from: Date.UTC(2026, 10, 28, 10), limit: 5 });
  });

  it('needs a criterion and at least two known characters in a partial plate', () => {
    expect(() => parse({})).toThrow(/give a plate, a time range or a place/);
    expect(() => parse({ plate: '*7*' })).toThrow(/at least 2 known characters/);
    expect(() => searchBody.parse({ plate: '6TRK%', purpose: 'p', caseNumber: 'c' })).toThrow();
    expect(() => searchBody.parse({ from: '2026-11-28T10:00:00Z', to: '2026-11-27T10:00:00Z' })).toThrow(/must not be before from/);
    expect(() => searchBody.parse({ near: { lat: 91, lon: 0, radiusM: 10 } })).toThrow();
  });
});

describe('cropFileIn', () => {
  it('resolves stored crop paths inside the data directory only', () => {
    expect(cropFileIn('/data', 'crops/2026/11/28/a.jpg')).toBe('/data/crops/2026/11/28/a.jpg');
    expect(cropFileIn('/data', '../etc/passwd')).toBeNull();
    expect(cropFileIn('/data', 'crops/../../etc/passwd')).toBeNull();
    expect(cropFileIn('/data', '/etc/passwd')).toBeNull();
    expect(cropFileIn('/data', '')).toBeNull();
  });
});
