import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { openDatabase, schemaVersion, type Database } from '../../../src/store/db.ts';
import { DetectionsRepo } from '../../../src/store/detections-repo.ts';
import { HoldsRepo } from '../../../src/store/holds-repo.ts';
import { migrations } from '../../../src/store/migrations.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-migrate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Rows written with version-1 columns only, valid at every schema version. */
function seedV1(db: Database): void {
  db.exec(`
    INSERT INTO detections (id, captured_at, camera_id, plate, confidence, candidates, box_x, box_y, box_w, box_h, crop_path, created_at)
      VALUES ('d1', 1000, 'cam1', 'ABC123', 0.9, '[{"text":"ABC123","confidence":0.9}]', 1, 2, 3, 4, 'crops/1970/01/01/d1.jpg', 1001),
             ('d2', 2000, 'cam2', 'XYZ789', 0.8, '[]', 5, 6, 7, 8, NULL, 2001);
    INSERT INTO hotlist_entries (id, plate, state, list, reason, case_number, source, imported_at)
      VALUES ('e1', 'ABC123', 'CA', 'stolen', 'r', 'C-1', 'src', 500);
    INSERT INTO hits (id, detection_id, hotlist_entry_id, plate, list, reason, case_number, match_rule, created_at)
      VALUES ('h1', 'd1', 'e1', 'ABC123', 'stolen', 'r', 'C-1', 'exact', 1002);
    INSERT INTO outbox (message_id, topic, payload, qos, created_at, next_attempt_at)
      VALUES ('h1', 'alpr/a/d/hits', '{"plate":"ABC123"}', 1, 1002, 1002);
  `);
}

function snapshot(db: Database): Record<string, unknown[]> {
  return {
    detections: db
      .prepare('SELECT id, captured_at, camera_id, plate, confidence, candidates, box_x, box_y, box_w, box_h, crop_path, created_at FROM detections ORDER BY id')
      .all(),
    hits: db.prepare('SELECT id, detection_id, hotlist_entry_id, plate, list, match_rule FROM hits ORDER BY id').all(),
    outbox: db.prepare('SELECT message_id, topic, payload, state FROM outbox ORDER BY seq').all(),
    hotlist: db.prepare('SELECT id, plate, list, source FROM hotlist_entries ORDER BY id').all(),
  };
}

describe('migrations forward from every earlier version', () => {
  for (let from = 1; from < migrations.length; from++) {
    it(`upgrades a version-${from} database with data to version ${migrations.length}`, () => {
      const file = join(dir, `v${from}.db`);
      const old = openDatabase(file, { migrations: migrations.slice(0, from), clock: new ManualClock(1) });
      expect(schemaVersion(old)).toBe(from);
      seedV1(old);
      const before = snapshot(old);
      old.close();

      const db = openDatabase(file, { clock: new ManualClock(2) });
      expect(schemaVersion(db)).toBe(migrations.length);
      expect(snapshot(db)).toEqual(before);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      // Reads stored before positions existed have none (every gps_* column NULL), never a fake one.
      expect(new DetectionsRepo(db).get('d1')?.position).toBeNull();
      expect(db.prepare('SELECT COUNT(*) AS n FROM detections WHERE gps_fix_type IS NOT NULL OR gps_lat IS NOT NULL').get()).toEqual({ n: 0 });
      // The new tables work on the upgraded file.
      new HoldsRepo(db).add({ id: 'hold1', detectionId: 'd2', caseNumber: 'C-9', heldBy: 'u', reason: 'r', createdAt: 3 });
      expect(new HoldsRepo(db).isHeld('d2')).toBe(true);
      db.close();
    });
  }

  it('creates the retention tables and the location index on a new database', () => {
    const db = openDatabase(join(dir, 'new.db'));
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')").all() as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'evidence_holds',
        'evidence_hold_log',
        'retention_log',
        'pending_file_deletions',
        'retention_dropped_indexes',
        'detections_location',
        'detections_plate',
        'detections_captured_at',
      ]),
    );
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT id FROM detections WHERE gps_lat BETWEEN ? AND ? AND gps_lon BETWEEN ? AND ?')
      .all(40, 41, -75, -74) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX detections_location/);
    db.close();
  });
});
