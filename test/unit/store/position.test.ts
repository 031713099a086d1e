import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DetectionRecorder } from '../../../src/alerts/recorder.ts';
import { isAlprError } from '../../../src/errors.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { openDatabase, type Database } from '../../../src/store/db.ts';
import { DetectionsRepo } from '../../../src/store/detections-repo.ts';
import { createIdGenerator } from '../../../src/store/ids.ts';
import { positionColumns, positionFromColumns, toDetectionPosition, type DetectionPosition } from '../../../src/store/position.ts';

describe('stored position (pure)', () => {
  it('round-trips a fix through the columns', () => {
    const p: DetectionPosition = { fixType: '3d', lat: 40.7128, lon: -74.006, fixAgeMs: 120, hdop: 0.9, satellites: 9, speedMps: 13.4, headingDeg: 271.5 };
    expect(positionFromColumns(positionColumns(p))).toEqual(p);
  });

  it('stores no coordinates for "none" and "stale", and nothing at all without a position', () => {
    expect(positionColumns({ fixType: 'stale' })).toMatchObject({ gps_fix_type: 'stale', gps_lat: null, gps_lon: null });
    expect(positionFromColumns(positionColumns({ fixType: 'none' }))).toEqual({ fixType: 'none' });
    expect(Object.values(positionColumns(null)).every((v) => v === null)).toBe(true);
    expect(positionFromColumns(positionColumns(undefined))).toBeNull();
  });

  it('refuses out-of-range or non-finite values', () => {
    for (const bad of [
      { fixType: '3d', lat: 91, lon: 0 },
      { fixType: '3d', lat: Number.NaN, lon: 0 },
      { fixType: '2d', lat: 0, lon: 181 },
      { fixType: '3d', lat: 0, lon: 0, hdop: -1 },
      { fixType: 'guess', lat: 0, lon: 0 },
    ] as DetectionPosition[]) {
      let caught: unknown;
      try {
        positionColumns(bad);
      } catch (err) {
        caught = err;
      }
      expect(isAlprError(caught, 'STORE_FAILED')).toBe(true);
    }
  });

  it('normalises a heading of 360 to 0', () => {
    expect(positionColumns({ fixType: '3d', lat: 0, lon: 0, headingDeg: 360 }).gps_heading_deg).toBe(0);
  });

  it('maps a fix-cache lookup: fix, no fix, stale', () => {
    expect(
      toDetectionPosition({ fix: { lat: 51.5, lon: -0.12, fixType: 'dgps', satellites: 0, hdop: null, speedMps: 2, headingDeg: 90 }, ageMs: 250 }),
    ).toEqual({ fixType: 'dgps', lat: 51.5, lon: -0.12, fixAgeMs: 250, hdop: null, satellites: null, speedMps: 2, headingDeg: 90 });
    expect(toDetectionPosition({ fix: null, reason: 'no-fix' })).toEqual({ fixType: 'none' });
    expect(toDetectionPosition({ fix: null, reason: 'stale' })).toEqual({ fixType: 'stale' });
    expect(toDetectionPosition({ fix: { lat: 1, lon: 2, fixType: 'none', satellites: 0, hdop: null }, ageMs: 0 })).toEqual({ fixType: 'none' });
  });
});

describe('DetectionRecorder with a position', () => {
  let dir: string;
  let db: Database;
  let recorder: DetectionRecorder;
  const clock = new ManualClock(Date.UTC(2025, 0, 2));
  const read = { text: 'ABC123', confidence: 0.9, box: { x: 1, y: 2, w: 3, h: 4 }, candidates: [] };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'alpr-position-'));
    db = openDatabase(join(dir, 'alpr.db'));
    recorder = new DetectionRecorder(db, { clock, newId: createIdGenerator(clock), hitsTopic: 't', agency: 'a', deviceId: 'd' });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the position with the detection', () => {
    const position: DetectionPosition = { fixType: 'rtk', lat: -33.86, lon: 151.21, fixAgeMs: 40, hdop: 0.6, satellites: 14, speedMps: 0, headingDeg: 0 };
    const { detectionId } = recorder.recordDetection({ cameraId: 'c', capturedAt: clock.now(), read, crop: null, matches: [], position });
    expect(new DetectionsRepo(db).get(detectionId)?.position).toEqual(position);
  });

  it('stores "stale" without coordinates, and no position when none is given', () => {
    const a = recorder.recordDetection({ cameraId: 'c', capturedAt: clock.now(), read, crop: null, matches: [], position: { fixType: 'stale' } });
    const b = recorder.recordDetection({ cameraId: 'c', capturedAt: clock.now(), read, crop: null, matches: [] });
    expect(db.prepare('SELECT gps_fix_type, gps_lat, gps_lon FROM detections WHERE id = ?').get(a.detectionId)).toEqual({
      gps_fix_type: 'stale',
      gps_lat: null,
      gps_lon: null,
    });
    expect(new DetectionsRepo(db).get(b.detectionId)?.position).toBeNull();
  });

  it('refuses an invalid position and writes nothing', () => {
    expect(() =>
      recorder.recordDetection({ cameraId: 'c', capturedAt: clock.now(), read, crop: null, matches: [], position: { fixType: '3d', lat: 100, lon: 0 } }),
    ).toThrow(/out of range/);
    expect(new DetectionsRepo(db).count()).toBe(0);
  });

  it('the table itself refuses coordinates without a fix', () => {
    expect(() =>
      db
        .prepare(`INSERT INTO detections (id, captured_at, camera_id, plate, confidence, box_x, box_y, box_w, box_h, created_at, gps_fix_type, gps_lat, gps_lon)
          VALUES ('x', 1, 'c', 'P', 1, 0, 0, 1, 1, 1, 'none', 10, 20)`)
        .run(),
    ).toThrow(/CHECK constraint failed/);
  });
});
