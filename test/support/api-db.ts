/** A real SQLite store with every migration (the API's tables included), and a few seeded reads and hits. */
import { openDatabase, type Database } from '../../src/store/db.ts';
import { migrations, type Migration } from '../../src/store/migrations.ts';

export function apiMigrations(): Migration[] {
  return [...migrations];
}

export function openApiDatabase(file: string): Database {
  return openDatabase(file, { migrations: apiMigrations() });
}

export interface SeededRead {
  id: string;
  plate: string;
  capturedAt: number;
  lat?: number;
  lon?: number;
  cropPath?: string | null;
}

export function seedRead(db: Database, r: SeededRead): void {
  db.prepare(
    `INSERT INTO detections (id, captured_at, camera_id, plate, confidence, box_x, box_y, box_w, box_h, crop_path, created_at, gps_lat, gps_lon, gps_fix_type)
     VALUES (?, ?, 'cam-a', ?, 0.9, 0, 0, 10, 5, ?, ?, ?, ?, ?)`,
  ).run(r.id, r.capturedAt, r.plate, r.cropPath ?? null, r.capturedAt, r.lat ?? null, r.lon ?? null, r.lat === undefined ? null : '3d');
}

export function seedHit(db: Database, h: { id: string; detectionId: string; plate: string; entryId?: string; createdAt: number }): void {
  db.prepare(
    `INSERT INTO hits (id, detection_id, hotlist_entry_id, plate, list, reason, case_number, match_rule, matched_text, created_at)
     VALUES (?, ?, ?, ?, 'stolen-vehicle', 'Stolen vehicle report', '26-004512', 'exact', ?, ?)`,
  ).run(h.id, h.detectionId, h.entryId ?? 'entry-1', h.plate, h.plate, h.createdAt);
}
