/**
 * Opens the SQLite database (WAL, pragmas) and brings its schema up to date. A database written
 * by a newer alpr-edge (a schema version this build does not know) is refused, never touched.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { AlprError } from '../errors.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { migrations as defaultMigrations, type Migration } from './migrations.ts';

export type Database = BetterSqlite3.Database;

/** WAL pages at which a commit checkpoints (see openDatabase). */
export const WAL_AUTOCHECKPOINT_PAGES = 250;

export interface OpenDatabaseOptions {
  /** Stamps `schema_migrations.applied_at`. */
  clock?: Clock;
  /** Milliseconds a statement waits for another connection's lock. */
  busyTimeoutMs?: number;
  /** Tests only: a different migration list. */
  migrations?: readonly Migration[];
}

/** The database file inside a data directory (`<dataDir>/alpr.db`). */
export function databaseFile(dataDir: string): string {
  return join(dataDir, 'alpr.db');
}

/** Opens (creating if needed) the database file and applies pending migrations. */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: Database;
  try {
    db = new BetterSqlite3(file);
  } catch (err) {
    throw new AlprError('STORE_FAILED', `cannot open database ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // A checkpoint runs inside the commit that crosses this many WAL pages, on the event loop: at
    // SQLite's default 1,000 a hot-list sync stalled the loop 76 ms (over a 15 fps frame), at 250
    // 56 ms, for a slower background sync and ~20 % fewer rows/s alone (docs/benchmarks.md).
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    db.pragma('foreign_keys = ON');
    // Purged plate text must not linger in free pages past the 30-day limit.
    db.pragma('secure_delete = FAST');
    migrate(db, file, options.migrations ?? defaultMigrations, options.clock ?? systemClock);
  } catch (err) {
    db.close();
    if (err instanceof AlprError) throw err;
    throw new AlprError('STORE_FAILED', `cannot prepare database ${file}: ${(err as Error).message}`, { cause: err });
  }
  return db;
}

/** The highest applied schema version (0 for an empty database). */
export function schemaVersion(db: Database): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

function checkOrder(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order: position ${i} has version ${m.version}`);
  });
}

function migrate(db: Database, file: string, list: readonly Migration[], clock: Clock): void {
  checkOrder(list);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const latest = list.length;
  const refuseIfNewer = (current: number): void => {
    if (current > latest) {
      throw new AlprError(
        'STORE_SCHEMA_TOO_NEW',
        `database ${file} has schema version ${current}, newer than this alpr-edge supports (${latest}); ` +
          'upgrade alpr-edge or use another data directory (the database was not modified)',
      );
    }
  };
  refuseIfNewer(schemaVersion(db));
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of list) {
    // IMMEDIATE takes the write lock first, so two processes opening at once cannot both apply it.
    db.transaction(() => {
      const current = schemaVersion(db);
      refuseIfNewer(current);
      if (current >= m.version) return;
      m.up(db);
      record.run(m.version, m.name, Math.floor(clock.now()));
    }).immediate();
  }
}
