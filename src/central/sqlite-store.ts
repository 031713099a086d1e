/**
 * The embedded central store: one SQLite file (better-sqlite3). Every commit is synced
 * (synchronous=FULL): the hit is acknowledged to the broker and the device once `insert`
 * returns, so a power cut after that must not lose it.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { AlprError } from '../errors.ts';
import type { CentralHit } from './hit-intake.ts';
import { CENTRAL_SCHEMA_VERSION, type CentralStore, type StoredDevice } from './store.ts';

interface Row {
  id: string;
  agency: string;
  device: string;
  camera: string;
  captured_at: number;
  plate: string;
  confidence: number;
  list: string;
  match_rule: string;
  entry_id: string;
  case_number: string | null;
  reason: string | null;
  lat: number | null;
  lon: number | null;
  received_at: number;
  receiver: string;
  message: string;
}

const SCHEMA_V1 = `
CREATE TABLE central_hits (
  id          TEXT PRIMARY KEY,
  agency      TEXT NOT NULL,
  device      TEXT NOT NULL,
  camera      TEXT NOT NULL,
  captured_at INTEGER NOT NULL,
  plate       TEXT NOT NULL,
  confidence  REAL NOT NULL,
  list        TEXT NOT NULL,
  match_rule  TEXT NOT NULL,
  entry_id    TEXT NOT NULL,
  case_number TEXT,
  reason      TEXT,
  lat         REAL,
  lon         REAL,
  received_at INTEGER NOT NULL,
  receiver    TEXT NOT NULL,
  message     TEXT NOT NULL
);
CREATE INDEX central_hits_plate ON central_hits (plate, captured_at);
CREATE INDEX central_hits_device ON central_hits (agency, device, captured_at);
`;

function toRow(h: CentralHit): Row {
  return {
    id: h.id,
    agency: h.agency,
    device: h.device,
    camera: h.camera,
    captured_at: Math.round(h.capturedAt),
    plate: h.plate,
    confidence: h.confidence,
    list: h.list,
    match_rule: h.matchRule,
    entry_id: h.entryId,
    case_number: h.caseNumber,
    reason: h.reason,
    lat: h.lat,
    lon: h.lon,
    received_at: Math.round(h.receivedAt),
    receiver: h.receiver,
    message: h.message,
  };
}

function fromRow(r: Row): CentralHit {
  return {
    id: r.id,
    agency: r.agency,
    device: r.device,
    camera: r.camera,
    capturedAt: r.captured_at,
    plate: r.plate,
    confidence: r.confidence,
    list: r.list,
    matchRule: r.match_rule,
    entryId: r.entry_id,
    caseNumber: r.case_number,
    reason: r.reason,
    lat: r.lat,
    lon: r.lon,
    receivedAt: r.received_at,
    receiver: r.receiver,
    message: r.message,
  };
}

/** The synchronous better-sqlite3 call as the interface's promise (a throw becomes a rejection). */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

export class SqliteCentralStore implements CentralStore {
  readonly kind = 'sqlite' as const;
  private db: BetterSqlite3.Database | null = null;
  private insertStmt: BetterSqlite3.Statement<[Row]> | null = null;

  constructor(private readonly file: string) {}

  init(): Promise<void> {
    return settle(() => this.initSync());
  }

  private initSync(): void {
    if (this.db) return;
    if (this.file !== ':memory:') mkdirSync(dirname(this.file), { recursive: true });
    let db: BetterSqlite3.Database;
    try {
      db = new BetterSqlite3(this.file);
    } catch (err) {
      throw new AlprError('STORE_FAILED', `cannot open central store ${this.file}: ${(err as Error).message}`, { cause: err });
    }
    try {
      db.pragma('busy_timeout = 5000');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec('CREATE TABLE IF NOT EXISTS central_schema (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
      db.transaction(() => {
        const current = (db.prepare('SELECT MAX(version) AS v FROM central_schema').get() as { v: number | null }).v ?? 0;
        if (current > CENTRAL_SCHEMA_VERSION) {
          throw new AlprError('STORE_SCHEMA_TOO_NEW', `central store ${this.file} has schema version ${current}, newer than this receiver supports (${CENTRAL_SCHEMA_VERSION}); not modified`);
        }
        if (current < 1) {
          db.exec(SCHEMA_V1);
          db.prepare('INSERT INTO central_schema (version, applied_at) VALUES (1, ?)').run(Date.now());
        }
      }).immediate();
      this.insertStmt = db.prepare(`INSERT INTO central_hits
        (id, agency, device, camera, captured_at, plate, confidence, list, match_rule, entry_id, case_number, reason, lat, lon, received_at, receiver, message)
        VALUES (@id, @agency, @device, @camera, @captured_at, @plate, @confidence, @list, @match_rule, @entry_id, @case_number, @reason, @lat, @lon, @received_at, @receiver, @message)
        ON CONFLICT (id) DO NOTHING`);
    } catch (err) {
      db.close();
      if (err instanceof AlprError) throw err;
      throw new AlprError('STORE_FAILED', `cannot prepare central store ${this.file}: ${(err as Error).message}`, { cause: err });
    }
    this.db = db;
  }

  private open(): BetterSqlite3.Database {
    if (!this.db) throw new AlprError('STORE_FAILED', 'central store used before init() or after close()');
    return this.db;
  }

  insert(hit: CentralHit): Promise<boolean> {
    return this.insertMany([hit]).then((r) => r[0] === true);
  }

  insertMany(hits: readonly CentralHit[]): Promise<boolean[]> {
    return settle(() => {
      const db = this.open();
      const stmt = this.insertStmt as BetterSqlite3.Statement<[Row]>;
      return db.transaction(() => hits.map((h) => stmt.run(toRow(h)).changes === 1))();
    });
  }

  count(): Promise<number> {
    return settle(() => (this.open().prepare('SELECT COUNT(*) AS n FROM central_hits').get() as { n: number }).n);
  }

  get(id: string): Promise<CentralHit | undefined> {
    return settle(() => {
      const row = this.open().prepare('SELECT * FROM central_hits WHERE id = ?').get(id) as Row | undefined;
      return row ? fromRow(row) : undefined;
    });
  }

  ids(): Promise<string[]> {
    return settle(() => (this.open().prepare('SELECT id FROM central_hits ORDER BY id').all() as { id: string }[]).map((r) => r.id));
  }

  devices(): Promise<StoredDevice[]> {
    return settle(() => this.open().prepare('SELECT DISTINCT agency, device FROM central_hits ORDER BY agency, device').all() as StoredDevice[]);
  }

  close(): Promise<void> {
    this.db?.close();
    this.db = null;
    this.insertStmt = null;
    return Promise.resolve();
  }
}
