/**
 * Searching stored reads by plate (full, or partial with `*` and `?`), time range and place.
 * The SQL is assembled only from fixed fragments; every value from the caller is a bound
 * parameter (pure `buildSearch`), and place is a bounding box on the indexed GPS columns,
 * then an exact great-circle distance check.
 */
import type { Database } from './db.ts';

export interface SearchCriteria {
  /** Normalised A-Z0-9 with optional wildcards `*` (any run) and `?` (one character). */
  plate?: string;
  from?: number;
  to?: number;
  near?: { lat: number; lon: number; radiusM: number };
  limit: number;
}

export interface SearchRow {
  id: string;
  capturedAt: number;
  cameraId: string;
  plate: string;
  confidence: number;
  lat: number | null;
  lon: number | null;
  hits: number;
}

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine), pure. */
export function distanceM(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const rad = Math.PI / 180;
  const dLat = (bLat - aLat) * rad;
  const dLon = (bLon - aLon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A box that contains every point within `radiusM` of the centre (pure; clamped at the poles). */
export function boundingBox(lat: number, lon: number, radiusM: number): { minLat: number; maxLat: number; minLon: number; maxLon: number } {
  const dLat = (radiusM / EARTH_RADIUS_M) * (180 / Math.PI);
  const cos = Math.cos((lat * Math.PI) / 180);
  const dLon = cos < 1e-6 ? 180 : Math.min(180, dLat / cos);
  return { minLat: Math.max(-90, lat - dLat), maxLat: Math.min(90, lat + dLat), minLon: lon - dLon, maxLon: lon + dLon };
}

export function buildSearch(c: SearchCriteria): { sql: string; params: Array<string | number> } {
  const where: string[] = [];
  const params: Array<string | number> = [];
  if (c.plate !== undefined) {
    // GLOB's own metacharacters besides * and ? ([ ]) cannot reach here: the plate is A-Z0-9*? only.
    if (/[*?]/.test(c.plate)) where.push('d.plate GLOB ?');
    else where.push('d.plate = ?');
    params.push(c.plate);
  }
  if (c.from !== undefined) {
    where.push('d.captured_at >= ?');
    params.push(c.from);
  }
  if (c.to !== undefined) {
    where.push('d.captured_at <= ?');
    params.push(c.to);
  }
  if (c.near !== undefined) {
    const box = boundingBox(c.near.lat, c.near.lon, c.near.radiusM);
    where.push('d.gps_lat BETWEEN ? AND ?');
    params.push(box.minLat, box.maxLat);
    // A box that crosses the antimeridian is two ranges of longitude.
    if (box.minLon < -180 || box.maxLon > 180) {
      where.push('(d.gps_lon >= ? OR d.gps_lon <= ?)');
      params.push(box.minLon < -180 ? box.minLon + 360 : box.minLon, box.maxLon > 180 ? box.maxLon - 360 : box.maxLon);
    } else {
      where.push('d.gps_lon BETWEEN ? AND ?');
      params.push(box.minLon, box.maxLon);
    }
  }
  const sql = `SELECT d.id, d.captured_at AS capturedAt, d.camera_id AS cameraId, d.plate, d.confidence,
      d.gps_lat AS lat, d.gps_lon AS lon, (SELECT COUNT(*) FROM hits h WHERE h.detection_id = d.id) AS hits
    FROM detections d${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}
    ORDER BY d.captured_at DESC, d.id DESC${c.near ? '' : ' LIMIT ?'}`;
  // With a place, the box over-selects at its corners: rows are read in order until `limit` pass
  // the exact distance check (searchDetections), so no LIMIT in SQL.
  if (!c.near) params.push(Math.max(1, Math.floor(c.limit)));
  return { sql, params };
}

export function searchDetections(db: Database, c: SearchCriteria): SearchRow[] {
  const { near } = c;
  const { sql, params } = buildSearch(c);
  const stmt = db.prepare<Array<string | number>, SearchRow>(sql);
  if (!near) return stmt.all(...params);
  const kept: SearchRow[] = [];
  for (const r of stmt.iterate(...params)) {
    if (r.lat !== null && r.lon !== null && distanceM(near.lat, near.lon, r.lat, r.lon) <= near.radiusM) kept.push(r);
    if (kept.length >= c.limit) break;
  }
  return kept;
}
