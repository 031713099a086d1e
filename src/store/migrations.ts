/**
 * The schema, as an ordered list of migrations. Never edit a migration that has shipped: add a
 * new one with the next version. Each runs in its own transaction (see db.ts).
 */
import type BetterSqlite3 from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up(db: BetterSqlite3.Database): void;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'detections, hot list, hits and outbox',
    up(db) {
      db.exec(`
        CREATE TABLE detections (
          id           TEXT PRIMARY KEY,            -- UUIDv7, time ordered
          captured_at  INTEGER NOT NULL,            -- ms since the epoch, when the frame was captured
          camera_id    TEXT NOT NULL,
          plate        TEXT NOT NULL,               -- normalised A-Z0-9
          confidence   REAL NOT NULL,
          candidates   TEXT NOT NULL DEFAULT '[]',  -- JSON [{text, confidence}]
          box_x        REAL NOT NULL,
          box_y        REAL NOT NULL,
          box_w        REAL NOT NULL,
          box_h        REAL NOT NULL,
          crop_path    TEXT,                        -- relative to the data dir, "/" separated
          created_at   INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX detections_plate ON detections(plate);
        CREATE INDEX detections_captured_at ON detections(captured_at);

        CREATE TABLE hotlist_entries (
          id           TEXT PRIMARY KEY,
          plate        TEXT NOT NULL,               -- normalised A-Z0-9
          state        TEXT,                        -- issuing state/province code, upper case
          list         TEXT NOT NULL,
          reason       TEXT,
          case_number  TEXT,
          source       TEXT NOT NULL,               -- an import replaces every entry of its source
          imported_at  INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX hotlist_entries_plate ON hotlist_entries(plate);
        CREATE INDEX hotlist_entries_source ON hotlist_entries(source);

        -- No foreign key to hotlist_entries: a re-import replaces entries, the hit keeps a copy.
        CREATE TABLE hits (
          id               TEXT PRIMARY KEY,
          detection_id     TEXT NOT NULL REFERENCES detections(id),
          hotlist_entry_id TEXT NOT NULL,
          plate            TEXT NOT NULL,
          list             TEXT NOT NULL,
          reason           TEXT,
          case_number      TEXT,
          match_rule       TEXT NOT NULL,
          created_at       INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX hits_detection_id ON hits(detection_id);

        CREATE TABLE outbox (
          seq              INTEGER PRIMARY KEY AUTOINCREMENT,
          message_id       TEXT NOT NULL UNIQUE,
          topic            TEXT NOT NULL,
          payload          ANY NOT NULL,            -- TEXT (JSON) or BLOB
          qos              INTEGER NOT NULL CHECK (qos IN (0, 1, 2)),
          created_at       INTEGER NOT NULL,
          state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent')),
          attempts         INTEGER NOT NULL DEFAULT 0,
          last_error       TEXT,
          next_attempt_at  INTEGER NOT NULL,
          sent_at          INTEGER
        ) STRICT;
        CREATE INDEX outbox_state_seq ON outbox(state, seq);
      `);
    },
  },
];
