/**
 * Recent fixes in a bounded ring, and the lookup a plate read uses: the fix nearest in local
 * time to the frame's capture time, refused when it is further away than maxAgeMs. A fixed
 * install can configure a surveyed position instead (or as a fallback).
 *
 * Times are local clock ms (GpsFix.receivedAt), the same clock that stamps frames; the
 * receiver's own UTC time is kept in the fix but not used for matching.
 */
import type { Clock } from '../platform/clock.ts';
import { AlprError } from '../errors.ts';
import type { GpsFix } from './types.ts';

export interface SurveyedPosition {
  lat: number;
  lon: number;
  /** Metres above mean sea level. */
  altitude?: number;
  /**
   * 'always': every lookup returns the surveyed position (a pole-mounted camera);
   * 'fallback': only when no live fix is near enough.
   */
  use?: 'always' | 'fallback';
}

export interface FixCacheOptions {
  /** Entries kept (fixes and no-fix epochs), oldest dropped first (default 600: 10 min at 1 Hz). */
  capacity?: number;
  /** A fix further than this from the capture time is stale (default 3000 ms). */
  maxAgeMs?: number;
  surveyed?: SurveyedPosition | null;
}

export type NearestResult =
  | { fix: GpsFix; /** |captureTime − fix.receivedAt| */ ageMs: number }
  | {
      fix: null;
      /** 'no-fix': nothing recorded, or the receiver reported "no fix" around then; 'stale': fixes exist but none near enough. */
      reason: 'no-fix' | 'stale';
    };

interface Entry {
  at: number;
  fix: GpsFix | null;
}

export class FixCache {
  private readonly entries: Entry[] = [];
  private readonly capacity: number;
  private readonly maxAgeMs: number;
  private readonly surveyed: SurveyedPosition | null;

  constructor(
    private readonly clock: Clock,
    options: FixCacheOptions = {},
  ) {
    this.capacity = options.capacity ?? 600;
    this.maxAgeMs = options.maxAgeMs ?? 3000;
    this.surveyed = options.surveyed ?? null;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) throw new AlprError('CONFIG_INVALID', `gps fix cache: capacity must be a positive integer, got ${this.capacity}`);
    if (!(this.maxAgeMs >= 0)) throw new AlprError('CONFIG_INVALID', `gps fix cache: maxAgeMs must be ≥ 0, got ${this.maxAgeMs}`);
    const s = this.surveyed;
    if (s && !(Math.abs(s.lat) <= 90 && Math.abs(s.lon) <= 180)) {
      throw new AlprError('CONFIG_INVALID', `gps surveyed position out of range: ${s.lat}, ${s.lon}`);
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** Records a fix (kept in receivedAt order). */
  add(fix: GpsFix): void {
    this.insert({ at: fix.receivedAt, fix });
  }

  /** Records that the receiver reported "no fix" at local time `at`. */
  addNoFix(at: number): void {
    this.insert({ at, fix: null });
  }

  /** The most recently received fix, however old. */
  latest(): GpsFix | null {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const fix = this.entries[i]?.fix;
      if (fix) return fix;
    }
    return null;
  }

  /** The fix nearest to `captureTime` (default: now) within maxAgeMs. */
  nearest(captureTime: number = this.clock.now()): NearestResult {
    const surveyed = this.surveyed;
    if (surveyed && surveyed.use !== 'fallback') return this.surveyedAt(surveyed, captureTime);
    const live = this.nearestLive(captureTime);
    if (live.fix === null && surveyed) return this.surveyedAt(surveyed, captureTime);
    return live;
  }

  clear(): void {
    this.entries.length = 0;
  }

  private nearestLive(t: number): NearestResult {
    if (this.entries.length === 0) return { fix: null, reason: 'no-fix' };
    const i = this.lowerBound(t);
    let best: GpsFix | null = null;
    let bestAge = Infinity;
    let noFixNear = false;
    // Walk outwards from the insertion point while entries are within maxAgeMs.
    for (let j = i; j < this.entries.length; j++) {
      const e = this.entries[j] as Entry;
      const age = e.at - t;
      if (age > this.maxAgeMs) break;
      if (e.fix) {
        if (age < bestAge) [best, bestAge] = [e.fix, age];
        break;
      }
      noFixNear = true;
    }
    for (let j = i - 1; j >= 0; j--) {
      const e = this.entries[j] as Entry;
      const age = t - e.at;
      if (age > this.maxAgeMs) break;
      if (e.fix) {
        if (age < bestAge) [best, bestAge] = [e.fix, age];
        break;
      }
      noFixNear = true;
    }
    if (best) return { fix: best, ageMs: bestAge };
    const anyFix = this.entries.some((e) => e.fix !== null);
    return { fix: null, reason: noFixNear || !anyFix ? 'no-fix' : 'stale' };
  }

  private surveyedAt(s: SurveyedPosition, t: number): NearestResult {
    const fix: GpsFix = { time: t, receivedAt: t, lat: s.lat, lon: s.lon, fixType: 'surveyed', quality: 7, satellites: 0, hdop: null };
    if (s.altitude !== undefined) fix.altitude = s.altitude;
    return { fix, ageMs: 0 };
  }

  /** First index whose time is ≥ t. */
  private lowerBound(t: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as Entry).at < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insert(entry: Entry): void {
    const last = this.entries[this.entries.length - 1];
    if (!last || last.at <= entry.at) this.entries.push(entry);
    else this.entries.splice(this.upperBound(entry.at), 0, entry);
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  private upperBound(t: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as Entry).at <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
