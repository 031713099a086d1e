/**
 * The schema, as an ordered list of migrations. Never edit a migration that has shipped: add a
 * new one with the next version. Each runs in its own transaction (see db.ts).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { dispositionsMigration } from './migration-7-dispositions.ts';
import { releaseJurisdictionMigration } from './migration-8-release-jurisdiction.ts';

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
  {
    version: 2,
    name: 'hot-list versions and sources, local entries with history, hit match details',
    up(db) {
      db.exec(`
        -- Every entry row belongs to one version of its list; hotlist_sources says which is in force.
        ALTER TABLE hotlist_entries ADD COLUMN list_version TEXT NOT NULL DEFAULT '';
        ALTER TABLE hotlist_entries ADD COLUMN vehicle TEXT;        -- JSON {year, make, model, colour}
        DROP INDEX hotlist_entries_source;
        CREATE INDEX hotlist_entries_source_version ON hotlist_entries(source, list_version);

        CREATE TABLE hotlist_sources (
          source            TEXT PRIMARY KEY,
          active_version    TEXT NOT NULL,
          published_version TEXT,                  -- the publisher's label (sync manifest)
          etag              TEXT,
          last_modified     TEXT,
          entries           INTEGER NOT NULL,
          applied_at        INTEGER NOT NULL,
          checked_at        INTEGER NOT NULL       -- last confirmed current (staleness guard)
        ) STRICT;
        INSERT INTO hotlist_sources (source, active_version, entries, applied_at, checked_at)
          SELECT source, '', COUNT(*), MAX(imported_at), MAX(imported_at) FROM hotlist_entries GROUP BY source;

        ALTER TABLE hits ADD COLUMN matched_text TEXT;                  -- the read or the alternative that matched
        ALTER TABLE hits ADD COLUMN swaps TEXT NOT NULL DEFAULT '[]';   -- JSON [{at, read, entry}]
        ALTER TABLE hits ADD COLUMN list_stale INTEGER NOT NULL DEFAULT 0 CHECK (list_stale IN (0, 1));

        CREATE TABLE hotlist_local_entries (
          id           TEXT PRIMARY KEY,
          plate        TEXT NOT NULL,              -- normalised; may hold the wildcards * and ?
          state        TEXT,
          list         TEXT NOT NULL,
          vehicle      TEXT,                       -- JSON {year, make, model, colour, description}
          entered_by   TEXT NOT NULL,
          case_number  TEXT NOT NULL,
          reason       TEXT NOT NULL,
          status       TEXT NOT NULL CHECK (status IN ('pending', 'active', 'expired')),
          created_at   INTEGER NOT NULL,
          approved_by  TEXT,
          approved_at  INTEGER,
          expires_at   INTEGER
        ) STRICT;
        CREATE INDEX hotlist_local_entries_status ON hotlist_local_entries(status, expires_at);

        CREATE TABLE hotlist_local_history (
          seq          INTEGER PRIMARY KEY AUTOINCREMENT,
          entry_id     TEXT NOT NULL REFERENCES hotlist_local_entries(id),
          action       TEXT NOT NULL CHECK (action IN ('create', 'approve', 'renew', 'expire')),
          actor        TEXT NOT NULL,
          at           INTEGER NOT NULL,
          expires_at   INTEGER                     -- the expiry the action set, if any
        ) STRICT;
        CREATE INDEX hotlist_local_history_entry ON hotlist_local_history(entry_id, seq);
        CREATE TRIGGER hotlist_local_history_no_update BEFORE UPDATE ON hotlist_local_history
          BEGIN SELECT RAISE(ABORT, 'hotlist_local_history is append-only'); END;
        CREATE TRIGGER hotlist_local_history_no_delete BEFORE DELETE ON hotlist_local_history
          BEGIN SELECT RAISE(ABORT, 'hotlist_local_history is append-only'); END;
      `);
    },
  },
  {
    version: 3,
    name: 'detection positions, evidence holds, retention log and pending file deletions',
    up(db) {
      db.exec(`
        -- Where the read was taken. All NULL: no GPS configured. gps_fix_type 'none' (the receiver
        -- had no fix) or 'stale' (no fix near the capture time): lat/lon stay NULL, never a guess.
        ALTER TABLE detections ADD COLUMN gps_lat REAL CHECK (gps_lat BETWEEN -90 AND 90);
        ALTER TABLE detections ADD COLUMN gps_lon REAL CHECK (gps_lon BETWEEN -180 AND 180);
        ALTER TABLE detections ADD COLUMN gps_fix_type TEXT CHECK (
          (gps_fix_type IS NULL AND gps_lat IS NULL AND gps_lon IS NULL)
          OR (gps_fix_type IN ('none', 'stale') AND gps_lat IS NULL AND gps_lon IS NULL)
          OR (gps_fix_type IN ('2d', '3d', 'dgps', 'rtk', 'rtk-float', 'estimated', 'surveyed')
              AND gps_lat IS NOT NULL AND gps_lon IS NOT NULL));
        ALTER TABLE detections ADD COLUMN gps_fix_age_ms INTEGER CHECK (gps_fix_age_ms >= 0);
        ALTER TABLE detections ADD COLUMN gps_hdop REAL CHECK (gps_hdop >= 0);
        ALTER TABLE detections ADD COLUMN gps_satellites INTEGER CHECK (gps_satellites >= 0);
        ALTER TABLE detections ADD COLUMN gps_speed_mps REAL CHECK (gps_speed_mps >= 0);
        ALTER TABLE detections ADD COLUMN gps_heading_deg REAL CHECK (gps_heading_deg >= 0 AND gps_heading_deg < 360);
        -- Location-box searches: a range on gps_lat, then gps_lon filtered inside the index.
        CREATE INDEX detections_location ON detections(gps_lat, gps_lon) WHERE gps_lat IS NOT NULL;

        -- A detection under an active hold (released_at NULL) is never purged. No foreign key: the
        -- hold's record outlives the detection once it is released and purged.
        CREATE TABLE evidence_holds (
          id              TEXT PRIMARY KEY,            -- UUIDv7
          detection_id    TEXT NOT NULL,
          case_number     TEXT NOT NULL,
          held_by         TEXT NOT NULL,
          reason          TEXT NOT NULL,
          created_at      INTEGER NOT NULL,
          released_at     INTEGER,
          released_by     TEXT,
          release_reason  TEXT,
          CHECK ((released_at IS NULL AND released_by IS NULL AND release_reason IS NULL)
              OR (released_at IS NOT NULL AND released_by IS NOT NULL AND release_reason IS NOT NULL))
        ) STRICT;
        CREATE INDEX evidence_holds_detection ON evidence_holds(detection_id, released_at);
        CREATE INDEX evidence_holds_active ON evidence_holds(created_at) WHERE released_at IS NULL;
        CREATE TRIGGER evidence_holds_detection_exists BEFORE INSERT ON evidence_holds
          WHEN NOT EXISTS (SELECT 1 FROM detections WHERE id = NEW.detection_id)
          BEGIN SELECT RAISE(ABORT, 'no such detection'); END;
        CREATE TRIGGER evidence_holds_release_only BEFORE UPDATE ON evidence_holds
          WHEN OLD.released_at IS NOT NULL OR NEW.released_at IS NULL
            OR NEW.id IS NOT OLD.id OR NEW.detection_id IS NOT OLD.detection_id
            OR NEW.case_number IS NOT OLD.case_number OR NEW.held_by IS NOT OLD.held_by
            OR NEW.reason IS NOT OLD.reason OR NEW.created_at IS NOT OLD.created_at
          BEGIN SELECT RAISE(ABORT, 'an evidence hold can only be released, once'); END;
        CREATE TRIGGER evidence_holds_no_delete BEFORE DELETE ON evidence_holds
          BEGIN SELECT RAISE(ABORT, 'evidence holds are never deleted'); END;
        CREATE TRIGGER detections_held_no_delete BEFORE DELETE ON detections
          WHEN EXISTS (SELECT 1 FROM evidence_holds WHERE detection_id = OLD.id AND released_at IS NULL)
          BEGIN SELECT RAISE(ABORT, 'detection is under an evidence hold'); END;

        -- Append-only history of holds and releases, written by triggers so no path can skip it.
        CREATE TABLE evidence_hold_log (
          seq           INTEGER PRIMARY KEY AUTOINCREMENT,
          hold_id       TEXT NOT NULL,
          detection_id  TEXT NOT NULL,
          action        TEXT NOT NULL CHECK (action IN ('hold', 'release')),
          at            INTEGER NOT NULL,
          actor         TEXT NOT NULL,
          case_number   TEXT NOT NULL,
          reason        TEXT NOT NULL
        ) STRICT;
        CREATE INDEX evidence_hold_log_hold ON evidence_hold_log(hold_id, seq);
        CREATE TRIGGER evidence_holds_log_hold AFTER INSERT ON evidence_holds
          BEGIN INSERT INTO evidence_hold_log (hold_id, detection_id, action, at, actor, case_number, reason)
                VALUES (NEW.id, NEW.detection_id, 'hold', NEW.created_at, NEW.held_by, NEW.case_number, NEW.reason); END;
        CREATE TRIGGER evidence_holds_log_release AFTER UPDATE OF released_at ON evidence_holds
          BEGIN INSERT INTO evidence_hold_log (hold_id, detection_id, action, at, actor, case_number, reason)
                VALUES (NEW.id, NEW.detection_id, 'release', NEW.released_at, NEW.released_by, NEW.case_number, NEW.release_reason); END;
        CREATE TRIGGER evidence_hold_log_no_update BEFORE UPDATE ON evidence_hold_log
          BEGIN SELECT RAISE(ABORT, 'evidence_hold_log is append-only'); END;
        CREATE TRIGGER evidence_hold_log_no_delete BEFORE DELETE ON evidence_hold_log
          BEGIN SELECT RAISE(ABORT, 'evidence_hold_log is append-only'); END;

        -- One row per purge run, counts only (never plate text). A run's row is appended with its
        -- first deletion, its counts grow in the same transactions as the deletions, and it is
        -- sealed by finished_at; a sealed row cannot change and no row can be deleted.
        CREATE TABLE retention_log (
          id               INTEGER PRIMARY KEY AUTOINCREMENT,
          reason           TEXT NOT NULL CHECK (reason IN ('age', 'disk-pressure', 'recovery', 'orphan-scan')),
          started_at       INTEGER NOT NULL,
          finished_at      INTEGER,
          cutoff           INTEGER,                     -- 'age': reads captured at or before it were expired
          rows_deleted     INTEGER NOT NULL DEFAULT 0,  -- detections
          hits_deleted     INTEGER NOT NULL DEFAULT 0,
          outbox_deleted   INTEGER NOT NULL DEFAULT 0,
          images_deleted   INTEGER NOT NULL DEFAULT 0,
          held_skipped     INTEGER NOT NULL DEFAULT 0,  -- expired reads kept because of an evidence hold
          free_bytes       INTEGER,                     -- 'disk-pressure': free space when it started
          error            TEXT                         -- NULL when the run completed
        ) STRICT;
        CREATE TRIGGER retention_log_seal BEFORE UPDATE ON retention_log
          WHEN OLD.finished_at IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.reason IS NOT OLD.reason
            OR NEW.started_at IS NOT OLD.started_at OR NEW.cutoff IS NOT OLD.cutoff
          BEGIN SELECT RAISE(ABORT, 'retention_log is append-only'); END;
        CREATE TRIGGER retention_log_no_delete BEFORE DELETE ON retention_log
          BEGIN SELECT RAISE(ABORT, 'retention_log is append-only'); END;

        -- Image files whose rows are already deleted; unlinked after the commit, then cleared.
        -- Start-up finishes whatever a crash left here.
        CREATE TABLE pending_file_deletions (
          path       TEXT PRIMARY KEY,                  -- relative to the data dir, "/" separated
          run_id     INTEGER,                           -- retention_log.id
          queued_at  INTEGER NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 4,
    name: 'detection indexes set aside during a mass purge',
    up(db) {
      db.exec(`
        -- Secondary indexes of detections set aside during a mass purge (their CREATE statements);
        -- rebuilt when it ends or, after a crash, when the sweeper starts.
        CREATE TABLE retention_dropped_indexes (
          name  TEXT PRIMARY KEY,
          sql   TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 5,
    name: 'users, sessions, hash-chained audit log and data releases',
    up(db) {
      db.exec(`
        CREATE TABLE users (
          id               TEXT PRIMARY KEY,             -- UUIDv7
          username         TEXT NOT NULL UNIQUE COLLATE NOCASE,
          display_name     TEXT NOT NULL,
          roles            TEXT NOT NULL,                -- JSON array of role names
          password_hash    TEXT NOT NULL,                -- scrypt$N$r$p$salt$hash
          trained_at       INTEGER,                      -- NULL: no access to ALPR data
          disabled         INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
          failed_logins    INTEGER NOT NULL DEFAULT 0,   -- consecutive, within the lockout window
          first_failed_at  INTEGER,
          locked_until     INTEGER,
          created_at       INTEGER NOT NULL,
          updated_at       INTEGER NOT NULL
        ) STRICT;

        -- Only the SHA-256 of a session token is stored: a copy of the database logs nobody in.
        CREATE TABLE sessions (
          token_hash       TEXT PRIMARY KEY,
          user_id          TEXT NOT NULL REFERENCES users(id),
          csrf_token       TEXT NOT NULL,
          via              TEXT NOT NULL CHECK (via IN ('web', 'cli')),
          ip               TEXT,
          created_at       INTEGER NOT NULL,
          expires_at       INTEGER NOT NULL,             -- absolute limit
          idle_expires_at  INTEGER NOT NULL              -- moved on by each use
        ) STRICT;
        CREATE INDEX sessions_user ON sessions(user_id);

        -- Hash-chained: hash = sha256(prev_hash + canonical JSON of the row's other columns).
        -- AUTOINCREMENT keeps sqlite_sequence at the highest seq ever issued, so deleting the
        -- newest rows leaves a trace that verify() checks.
        CREATE TABLE audit_log (
          seq          INTEGER PRIMARY KEY AUTOINCREMENT,
          at           INTEGER NOT NULL,
          user_id      TEXT,
          username     TEXT NOT NULL,
          action       TEXT NOT NULL,
          target       TEXT,
          purpose      TEXT,
          case_number  TEXT,
          detail       TEXT NOT NULL,                    -- canonical JSON object
          prev_hash    TEXT NOT NULL,
          hash         TEXT NOT NULL
        ) STRICT;
        CREATE INDEX audit_log_at ON audit_log(at);
        CREATE INDEX audit_log_user ON audit_log(user_id, at);
        CREATE INDEX audit_log_action ON audit_log(action, at);
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

        CREATE TABLE releases (
          id                    TEXT PRIMARY KEY,        -- UUIDv7
          requested_at          INTEGER NOT NULL,
          requested_by_user_id  TEXT,
          requested_by          TEXT NOT NULL,           -- the member who entered the request
          agency                TEXT NOT NULL,           -- the receiving agency
          agency_ori            TEXT,                    -- its NCIC ORI (law enforcement, prosecutors)
          agency_kind           TEXT NOT NULL CHECK (agency_kind IN ('law-enforcement', 'prosecutor', 'other')),
          requester             TEXT NOT NULL,           -- the person at that agency who asks
          purpose               TEXT NOT NULL,
          legal_basis           TEXT NOT NULL,
          case_number           TEXT NOT NULL,
          detection_ids         TEXT NOT NULL,           -- JSON array
          status                TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused', 'records-process')),
          decided_at            INTEGER,
          decided_by            TEXT,
          decision_reason       TEXT,
          automatic             INTEGER NOT NULL DEFAULT 0 CHECK (automatic IN (0, 1)),
          bundle_path           TEXT,
          manifest_sha256       TEXT
        ) STRICT;
        CREATE INDEX releases_requested_at ON releases(requested_at);
        CREATE TRIGGER releases_decide_once BEFORE UPDATE ON releases
          WHEN OLD.status IS NOT 'pending'
          BEGIN SELECT RAISE(ABORT, 'a release request is decided once'); END;
        CREATE TRIGGER releases_no_delete BEFORE DELETE ON releases
          BEGIN SELECT RAISE(ABORT, 'release requests are never deleted'); END;
      `);
    },
  },
  {
    version: 6,
    name: 'outbox: acknowledgement by the central receiver',
    up(db) {
      // SQLite cannot change a CHECK: the table is rebuilt with the new state and two columns.
      // The payload moves to the last column: rows are filtered on the small columns, and SQLite
      // reaches a column stored after a large value only by walking that value's overflow pages.
      // Rows sent before this version were final on the broker's PUBACK: they become 'acked'
      // (not re-published to receivers that never acknowledged anything).
      db.exec(`
        CREATE TABLE outbox_v6 (
          seq              INTEGER PRIMARY KEY AUTOINCREMENT,
          message_id       TEXT NOT NULL UNIQUE,
          topic            TEXT NOT NULL,
          qos              INTEGER NOT NULL CHECK (qos IN (0, 1, 2)),
          created_at       INTEGER NOT NULL,
          -- pending: not yet acknowledged by the broker; sent: PUBACK received, waiting for the
          -- central receiver's ack (re-published at next_attempt_at); acked: stored centrally.
          state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'acked')),
          attempts         INTEGER NOT NULL DEFAULT 0,   -- failed publish attempts
          last_error       TEXT,
          next_attempt_at  INTEGER NOT NULL,
          sent_at          INTEGER,                      -- the latest PUBACK
          sends            INTEGER NOT NULL DEFAULT 0,   -- PUBACKs received (re-publishes included)
          acked_at         INTEGER,
          payload          ANY NOT NULL,                 -- TEXT (JSON) or BLOB
          CHECK ((state = 'acked') = (acked_at IS NOT NULL))
        ) STRICT;
        INSERT INTO outbox_v6 (seq, message_id, topic, payload, qos, created_at, state, attempts, last_error, next_attempt_at, sent_at, sends, acked_at)
          SELECT seq, message_id, topic, payload, qos, created_at,
                 CASE state WHEN 'sent' THEN 'acked' ELSE state END,
                 attempts, last_error, next_attempt_at, sent_at,
                 CASE state WHEN 'sent' THEN 1 ELSE 0 END,
                 CASE state WHEN 'sent' THEN COALESCE(sent_at, created_at) END
          FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_v6 RENAME TO outbox;
        CREATE INDEX outbox_state_seq ON outbox(state, seq);
      `);
    },
  },
  // Larger migrations live in their own files.
  dispositionsMigration,
  releaseJurisdictionMigration,
];
