/**
 * Migration 7: what the officer's page records beside a hit — the disposition after verification
 * and the reduced full frame the hit was read from. Both go with their hit/detection when
 * retention purges it (ON DELETE CASCADE); the audit log keeps the record of the disposition.
 */
import type { Migration } from './migrations.ts';

export const dispositionsMigration: Migration = {
  version: 7,
  name: 'hit dispositions and reduced full frames of hits',
  up(db) {
    db.exec(`
      CREATE TABLE hit_dispositions (
        id             TEXT PRIMARY KEY,                 -- UUIDv7
        hit_id         TEXT NOT NULL REFERENCES hits(id) ON DELETE CASCADE,
        outcome        TEXT NOT NULL CHECK (outcome IN ('confirmed', 'misread', 'not-located', 'stop-made')),
        report_number  TEXT,
        note           TEXT,
        user_id        TEXT NOT NULL,
        username       TEXT NOT NULL,
        created_at     INTEGER NOT NULL,
        CHECK (outcome <> 'stop-made' OR (report_number IS NOT NULL AND length(trim(report_number)) > 0))
      ) STRICT;
      CREATE INDEX hit_dispositions_hit ON hit_dispositions(hit_id, created_at);
      -- A correction is a new row: the history of what was recorded stays.
      CREATE TRIGGER hit_dispositions_no_update BEFORE UPDATE ON hit_dispositions
        BEGIN SELECT RAISE(ABORT, 'hit_dispositions is append-only'); END;

      CREATE TABLE detection_frames (
        detection_id  TEXT PRIMARY KEY REFERENCES detections(id) ON DELETE CASCADE,
        jpeg          BLOB NOT NULL,
        width         INTEGER NOT NULL CHECK (width > 0),
        height        INTEGER NOT NULL CHECK (height > 0)
      ) STRICT;
    `);
  },
};
