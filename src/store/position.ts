/**
 * Where a plate read was taken, as stored in the `detections.gps_*` columns. The store defines
 * this shape itself (src/gps produces fixes; the composition root maps one onto the other, e.g.
 * with `toDetectionPosition(fixCache.nearest(capturedAt))`).
 *
 * A read without a usable fix is stored as 'none' (the receiver had no fix) or 'stale' (no fix
 * near enough to the capture time) with NULL latitude and longitude: never a guessed or last-known
 * position. A detection recorded without any position (no GPS configured) has every column NULL.
 */
import { AlprError } from '../errors.ts';

/** Fix types that carry a position. 'surveyed' is a configured fixed-install position. */
export const POSITION_FIX_TYPES = ['2d', '3d', 'dgps', 'rtk', 'rtk-float', 'estimated', 'surveyed'] as const;
export type PositionFixType = (typeof POSITION_FIX_TYPES)[number];

/** Fix types stored without a position. */
export const NO_POSITION_FIX_TYPES = ['none', 'stale'] as const;
export type NoPositionFixType = (typeof NO_POSITION_FIX_TYPES)[number];

export type StoredFixType = PositionFixType | NoPositionFixType;

export interface PositionFix {
  fixType: PositionFixType;
  /** WGS84 degrees, north positive. */
  lat: number;
  /** WGS84 degrees, east positive. */
  lon: number;
  /** |capture time − fix time| in ms (0 for a surveyed position); null when unknown. */
  fixAgeMs?: number | null;
  hdop?: number | null;
  /** Satellites used in the solution; null when unknown. */
  satellites?: number | null;
  speedMps?: number | null;
  /** Course over ground, degrees true, 0 ≤ h < 360. */
  headingDeg?: number | null;
}

export interface NoPosition {
  fixType: NoPositionFixType;
}

export type DetectionPosition = PositionFix | NoPosition;

/** The `detections.gps_*` column values. */
export interface PositionColumns {
  gps_lat: number | null;
  gps_lon: number | null;
  gps_fix_type: string | null;
  gps_fix_age_ms: number | null;
  gps_hdop: number | null;
  gps_satellites: number | null;
  gps_speed_mps: number | null;
  gps_heading_deg: number | null;
}

export function hasPosition(p: DetectionPosition): p is PositionFix {
  return (POSITION_FIX_TYPES as readonly string[]).includes(p.fixType);
}

function optionalNonNegative(name: string, v: number | null | undefined): number | null {
  if (v === undefined || v === null) return null;
  if (!Number.isFinite(v) || v < 0) throw new AlprError('STORE_FAILED', `invalid position: ${name} must be a finite number ≥ 0, got ${v}`);
  return v;
}

/** Checks a position and turns it into column values (pure). Throws STORE_FAILED when invalid. */
export function positionColumns(p: DetectionPosition | null | undefined): PositionColumns {
  if (p === null || p === undefined) {
    return {
      gps_lat: null,
      gps_lon: null,
      gps_fix_type: null,
      gps_fix_age_ms: null,
      gps_hdop: null,
      gps_satellites: null,
      gps_speed_mps: null,
      gps_heading_deg: null,
    };
  }
  if ((NO_POSITION_FIX_TYPES as readonly string[]).includes(p.fixType)) {
    return { ...positionColumns(null), gps_fix_type: p.fixType };
  }
  if (!hasPosition(p)) throw new AlprError('STORE_FAILED', `invalid position: unknown fix type ${JSON.stringify(p.fixType)}`);
  if (!(Number.isFinite(p.lat) && Math.abs(p.lat) <= 90 && Number.isFinite(p.lon) && Math.abs(p.lon) <= 180)) {
    throw new AlprError('STORE_FAILED', `invalid position: latitude/longitude out of range (${p.lat}, ${p.lon})`);
  }
  const age = optionalNonNegative('fixAgeMs', p.fixAgeMs);
  const sats = optionalNonNegative('satellites', p.satellites);
  const heading = optionalNonNegative('headingDeg', p.headingDeg);
  return {
    gps_lat: p.lat,
    gps_lon: p.lon,
    gps_fix_type: p.fixType,
    gps_fix_age_ms: age === null ? null : Math.round(age),
    gps_hdop: optionalNonNegative('hdop', p.hdop),
    gps_satellites: sats === null ? null : Math.round(sats),
    gps_speed_mps: optionalNonNegative('speedMps', p.speedMps),
    gps_heading_deg: heading === null ? null : heading % 360,
  };
}

/** Reads the position back from column values; null when the detection was stored without one. */
export function positionFromColumns(c: PositionColumns): DetectionPosition | null {
  if (c.gps_fix_type === null) return null;
  if ((NO_POSITION_FIX_TYPES as readonly string[]).includes(c.gps_fix_type)) return { fixType: c.gps_fix_type as NoPositionFixType };
  if (c.gps_lat === null || c.gps_lon === null) return null; // prevented by the table's CHECK
  return {
    fixType: c.gps_fix_type as PositionFixType,
    lat: c.gps_lat,
    lon: c.gps_lon,
    fixAgeMs: c.gps_fix_age_ms,
    hdop: c.gps_hdop,
    satellites: c.gps_satellites,
    speedMps: c.gps_speed_mps,
    headingDeg: c.gps_heading_deg,
  };
}

/**
 * The shape of a fix-cache lookup (`FixCache.nearest()` in src/gps), described structurally so
 * the store does not import the GPS stage.
 */
export type NearestFixLike =
  | {
      fix: {
        lat: number;
        lon: number;
        fixType: string;
        /** 0 means unknown. */
        satellites: number;
        hdop: number | null;
        speedMps?: number;
        headingDeg?: number;
      };
      ageMs: number;
    }
  | { fix: null; reason: 'no-fix' | 'stale' };

/** Maps a fix-cache lookup onto the stored position (pure). A fix without a position maps to 'none'. */
export function toDetectionPosition(nearest: NearestFixLike): DetectionPosition {
  if (nearest.fix === null) return { fixType: nearest.reason === 'stale' ? 'stale' : 'none' };
  const f = nearest.fix;
  if (f.fixType === 'none') return { fixType: 'none' };
  if (!(POSITION_FIX_TYPES as readonly string[]).includes(f.fixType)) {
    throw new AlprError('STORE_FAILED', `invalid position: unknown fix type ${JSON.stringify(f.fixType)}`);
  }
  return {
    fixType: f.fixType as PositionFixType,
    lat: f.lat,
    lon: f.lon,
    fixAgeMs: nearest.ageMs,
    hdop: f.hdop,
    satellites: f.satellites > 0 ? f.satellites : null,
    speedMps: f.speedMps ?? null,
    headingDeg: f.headingDeg ?? null,
  };
}
