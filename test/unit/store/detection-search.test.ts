import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/store/db.ts';
import { boundingBox, buildSearch, distanceM, searchDetections } from '../../../src/store/detection-search.ts';
import { openApiDatabase, seedRead } from '../../support/api-db.ts';

describe('buildSearch (pure)', () => {
  it('binds every value as a parameter and uses GLOB only for wildcard plates', () => {
    const q = buildSearch({ plate: '6TRK*', from: 10, to: 20, limit: 5 });
    expect(q.sql).toMatch(/d\.plate GLOB \?/);
    expect(q.sql).not.toMatch(/6TRK/);
    expect(q.params).toEqual(['6TRK*', 10, 20, 5]);
    expect(buildSearch({ plate: '6TRK902', limit: 1 }).sql).toMatch(/d\.plate = \?/);
  });

  it('splits a box that crosses the antimeridian into two longitude ranges', () => {
    const q = buildSearch({ near: { lat: 0, lon: 179.99, radiusM: 5000 }, limit: 1 });
    expect(q.sql).toMatch(/d\.gps_lon >= \? OR d\.gps_lon <= \?/);
    const [, , west, east] = q.params as number[];
    expect(west).toBeGreaterThan(179.9);
    expect(east).toBeLessThan(-179.9);
  });

  it('measures distance on the sphere and boxes the radius', () => {
    // One degree of latitude is about 111.2 km.
    expect(distanceM(38, -121, 39, -121)).toBeCloseTo(111_195, -2);
    const box = boundingBox(38.5, -121.5, 1000);
    expect(distanceM(38.5, -121.5, box.maxLat, -121.5)).toBeCloseTo(1000, 0);
    expect(distanceM(38.5, -121.5, 38.5, box.maxLon)).toBeCloseTo(1000, 0);
  });
});

describe('searchDetections on a real store', () => {
  let dir: string;
  let db: Database;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'alpr-search-'));
    db = openApiDatabase(join(dir, 'alpr.db'));
    seedRead(db, { id: 'd1', plate: '6TRK902', capturedAt: 1000, lat: 38.5, lon: -121.5 });
    seedRead(db, { id: 'd2', plate: '6TRK903', capturedAt: 2000, lat: 38.5, lon: -121.49 }); // ~870 m east
    seedRead(db, { id: 'd3', plate: '7ABC123', capturedAt: 3000, lat: 38.51, lon: -121.51 }); // ~1.4 km
    seedRead(db, { id: 'd4', plate: '6TRX902', capturedAt: 4000 });
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

  it('finds full and partial plates, newest first', () => {
    expect(ids(searchDetections(db, { plate: '6TRK902', limit: 10 }))).toEqual(['d1']);
    expect(ids(searchDetections(db, { plate: '6TRK90?', limit: 10 }))).toEqual(['d2', 'd1']);
    expect(ids(searchDetections(db, { plate: '6TR*902', limit: 10 }))).toEqual(['d4', 'd1']);
    expect(ids(searchDetections(db, { plate: '*', limit: 2 }))).toEqual(['d4', 'd3']);
  });

  it('filters by time range and by distance from a point', () => {
    expect(ids(searchDetections(db, { from: 1500, to: 3000, limit: 10 }))).toEqual(['d3', 'd2']);
    expect(ids(searchDetections(db, { near: { lat: 38.5, lon: -121.5, radiusM: 1000 }, limit: 10 }))).toEqual(['d2', 'd1']);
    expect(ids(searchDetections(db, { near: { lat: 38.5, lon: -121.5, radiusM: 1000 }, limit: 1 }))).toEqual(['d2']);
    expect(ids(searchDetections(db, { near: { lat: 38.5, lon: -121.5, radiusM: 2000 }, limit: 10 }))).toEqual(['d3', 'd2', 'd1']);
  });

  it('treats quote and SQL text as a value that matches nothing', () => {
    expect(searchDetections(db, { plate: "' OR 1=1 --", limit: 10 })).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM detections').get()).toEqual({ n: 4 });
  });
});
