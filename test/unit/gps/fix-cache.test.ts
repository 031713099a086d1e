import { describe, expect, it } from 'vitest';
import { isAlprError } from '../../../src/errors.ts';
import { FixCache } from '../../../src/gps/fix-cache.ts';
import type { GpsFix } from '../../../src/gps/types.ts';
import { ManualClock } from '../../../src/platform/clock.ts';

const T0 = Date.UTC(2025, 2, 14, 18, 20, 0);

function fixAt(receivedAt: number, lat = 38.5, lon = -121.4): GpsFix {
  return { time: receivedAt - 300, receivedAt, lat, lon, fixType: '3d', quality: 1, satellites: 9, hdop: 0.9 };
}

describe('FixCache', () => {
  it('no fix at all → no-fix', () => {
    const cache = new FixCache(new ManualClock(T0));
    expect(cache.nearest()).toEqual({ fix: null, reason: 'no-fix' });
    expect(cache.latest()).toBeNull();
  });

  it('returns the fix nearest to the capture time, before or after it', () => {
    const clock = new ManualClock(T0);
    const cache = new FixCache(clock, { maxAgeMs: 2000 });
    for (let i = 0; i < 10; i++) cache.add(fixAt(T0 + i * 1000, 38.5 + i / 1000));
    expect(cache.nearest(T0 + 3400)).toEqual({ fix: fixAt(T0 + 3000, 38.503), ageMs: 400 });
    expect(cache.nearest(T0 + 3600)).toEqual({ fix: fixAt(T0 + 4000, 38.504), ageMs: 400 });
    expect(cache.nearest(T0 + 5000)).toMatchObject({ fix: { receivedAt: T0 + 5000 }, ageMs: 0 });
    expect(cache.nearest(T0 - 1500)).toMatchObject({ fix: { receivedAt: T0 }, ageMs: 1500 });
    expect(cache.latest()?.receivedAt).toBe(T0 + 9000);
  });

  it('defaults the capture time to the clock, and goes stale as the clock moves on', () => {
    const clock = new ManualClock(T0);
    const cache = new FixCache(clock, { maxAgeMs: 2000 });
    cache.add(fixAt(T0));
    clock.advance(2000);
    expect(cache.nearest()).toMatchObject({ ageMs: 2000 });
    clock.advance(1);
    expect(cache.nearest()).toEqual({ fix: null, reason: 'stale' });
    expect(cache.nearest(T0 - 2001)).toEqual({ fix: null, reason: 'stale' });
  });

  it('reports no-fix when the receiver said "no fix" around the capture time', () => {
    const clock = new ManualClock(T0);
    const cache = new FixCache(clock, { maxAgeMs: 1500 });
    cache.add(fixAt(T0));
    for (let i = 1; i <= 8; i++) cache.addNoFix(T0 + i * 1000);
    // A fix 1 s old is still good even though the receiver has since lost it.
    expect(cache.nearest(T0 + 1000)).toMatchObject({ ageMs: 1000 });
    expect(cache.nearest(T0 + 5000)).toEqual({ fix: null, reason: 'no-fix' });
    // Long after the receiver went quiet: stale.
    expect(cache.nearest(T0 + 60_000)).toEqual({ fix: null, reason: 'stale' });
    const onlyNoFix = new FixCache(clock);
    onlyNoFix.addNoFix(T0);
    expect(onlyNoFix.nearest(T0 + 60_000)).toEqual({ fix: null, reason: 'no-fix' });
  });

  it('skips no-fix entries between the capture time and a fix', () => {
    const cache = new FixCache(new ManualClock(T0), { maxAgeMs: 3000 });
    cache.add(fixAt(T0));
    cache.addNoFix(T0 + 1000);
    cache.addNoFix(T0 + 2000);
    cache.add(fixAt(T0 + 2900));
    expect(cache.nearest(T0 + 1200)).toMatchObject({ fix: { receivedAt: T0 }, ageMs: 1200 });
    expect(cache.nearest(T0 + 2100)).toMatchObject({ fix: { receivedAt: T0 + 2900 }, ageMs: 800 });
  });

  it('is a bounded ring: the oldest entries go first', () => {
    const cache = new FixCache(new ManualClock(T0), { capacity: 5, maxAgeMs: 500 });
    for (let i = 0; i < 12; i++) cache.add(fixAt(T0 + i * 1000));
    expect(cache.size).toBe(5);
    expect(cache.nearest(T0 + 6000)).toEqual({ fix: null, reason: 'stale' });
    expect(cache.nearest(T0 + 7000)).toMatchObject({ ageMs: 0 });
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('keeps out-of-order fixes sorted', () => {
    const cache = new FixCache(new ManualClock(T0), { maxAgeMs: 100 });
    for (const t of [5, 1, 3, 2, 4]) cache.add(fixAt(T0 + t * 1000));
    for (const t of [1, 2, 3, 4, 5]) expect(cache.nearest(T0 + t * 1000 + 50)).toMatchObject({ fix: { receivedAt: T0 + t * 1000 }, ageMs: 50 });
    expect(cache.latest()?.receivedAt).toBe(T0 + 5000);
  });

  it('a surveyed position is returned for every lookup of a fixed install', () => {
    const clock = new ManualClock(T0);
    const cache = new FixCache(clock, { surveyed: { lat: 38.5816, lon: -121.4944, altitude: 9 } });
    cache.add(fixAt(T0, 10, 10));
    expect(cache.nearest(T0 + 123)).toEqual({
      fix: { time: T0 + 123, receivedAt: T0 + 123, lat: 38.5816, lon: -121.4944, altitude: 9, fixType: 'surveyed', quality: 7, satellites: 0, hdop: null },
      ageMs: 0,
    });
  });

  it("a surveyed position 'fallback' is used only when no live fix is near", () => {
    const clock = new ManualClock(T0);
    const cache = new FixCache(clock, { maxAgeMs: 1000, surveyed: { lat: 38.5816, lon: -121.4944, use: 'fallback' } });
    expect(cache.nearest()).toMatchObject({ fix: { fixType: 'surveyed' } });
    cache.add(fixAt(T0));
    expect(cache.nearest()).toMatchObject({ fix: { fixType: '3d' }, ageMs: 0 });
    clock.advance(5000);
    expect(cache.nearest()).toMatchObject({ fix: { fixType: 'surveyed', time: T0 + 5000 }, ageMs: 0 });
  });

  it('rejects impossible options with a typed error', () => {
    const clock = new ManualClock(T0);
    for (const bad of [{ capacity: 0 }, { capacity: 1.5 }, { maxAgeMs: -1 }, { maxAgeMs: NaN }, { surveyed: { lat: 91, lon: 0 } }]) {
      let caught: unknown;
      try {
        new FixCache(clock, bad);
      } catch (err) {
        caught = err;
      }
      expect(isAlprError(caught, 'CONFIG_INVALID'), JSON.stringify(bad)).toBe(true);
    }
  });
});
