/**
 * The shared central store: PostgreSQL through a `pg` pool, so several receivers (one share
 * group) write one table. A batch of hits is one INSERT statement, so one transaction
 * (autocommit, synchronous commit): durable when it resolves, which is when the hits are
 * acknowledged.
 */
import pg from 'pg';
import { AlprError } from '../errors.ts';
import type { CentralHit } from './hit-intake.ts';
import { CENTRAL_SCHEMA_VERSION, type CentralStore, type StoredDevice } from './store.ts';

export interface PostgresStoreOptions {
  /** A postgres:// URL; or the separate fields below. */
  connectionString?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  ssl?: boolean;
  poolSize?: number;
}

/** Serialises schema set-up between receivers starting at the same moment. */
const SCHEMA_LOCK_KEY = 0x616c7072; // "alpr"

const SCHEMA_V1 = `
CREATE TABLE central_hits (
  id          TEXT PRIMARY KEY,
  agency      TEXT NOT NULL,
  device      TEXT NOT NULL,
  camera      TEXT NOT NULL,
  captured_at TIMESTAMPTZ NOT NULL,
  plate       TEXT NOT NULL,
  confidence  DOUBLE PRECISION NOT NULL,
  list        TEXT NOT NULL,
  match_rule  TEXT NOT NULL,
  entry_id    TEXT NOT NULL,
  case_number TEXT,
  reason      TEXT,
  lat         DOUBLE PRECISION,
  lon         DOUBLE PRECISION,
  received_at TIMESTAMPTZ NOT NULL,
  receiver    TEXT NOT NULL,
  message     JSONB NOT NULL
);
CREATE INDEX central_hits_plate ON central_hits (plate, captured_at);
CREATE INDEX central_hits_device ON central_hits (agency, device, captured_at);
`;

const COLUMNS = 17;

/** One INSERT for `rows` hits (a batch is one statement, so one transaction); new ids come back. */
function insertSql(rows: number): string {
  const values = Array.from({ length: rows }, (_, r) => {
    const $ = (i: number): string => `$${r * COLUMNS + i}`;
    return `(${$(1)}, ${$(2)}, ${$(3)}, ${$(4)}, to_timestamp(${$(5)}::double precision / 1000), ${$(6)}, ${$(7)}, ${$(8)}, ${$(9)}, ${$(10)}, ${$(11)}, ${$(12)}, ${$(13)}, ${$(14)}, to_timestamp(${$(15)}::double precision / 1000), ${$(16)}, ${$(17)})`;
  });
  return `INSERT INTO central_hits
  (id, agency, device, camera, captured_at, plate, confidence, list, match_rule, entry_id, case_number, reason, lat, lon, received_at, receiver, message)
  VALUES ${values.join(',\n  ')}
  ON CONFLICT (id) DO NOTHING RETURNING id`;
}

function params(h: CentralHit): unknown[] {
  return [h.id, h.agency, h.device, h.camera, h.capturedAt, h.plate, h.confidence, h.list, h.matchRule, h.entryId, h.caseNumber, h.reason, h.lat, h.lon, h.receivedAt, h.receiver, h.message];
}

interface Row {
  id: string;
  agency: string;
  device: string;
  camera: string;
  captured_ms: string;
  plate: string;
  confidence: number;
  list: string;
  match_rule: string;
  entry_id: string;
  case_number: string | null;
  reason: string | null;
  lat: number | null;
  lon: number | null;
  received_ms: string;
  receiver: string;
  message: string;
}

function describe(o: PostgresStoreOptions): string {
  if (o.connectionString) {
    try {
      const u = new URL(o.connectionString);
      return `${u.hostname}:${u.port || 5432}${u.pathname}`;
    } catch {
      return 'the configured URL';
    }
  }
  return `${o.host ?? 'localhost'}:${o.port ?? 5432}/${o.database ?? ''}`;
}

export class PostgresCentralStore implements CentralStore {
  readonly kind = 'postgres' as const;
  private pool: pg.Pool | null = null;
  private readonly where: string;

  constructor(private readonly options: PostgresStoreOptions) {
    this.where = describe(options);
  }

  async init(): Promise<void> {
    if (this.pool) return;
    const o = this.options;
    const pool = new pg.Pool({
      ...(o.connectionString ? { connectionString: o.connectionString } : { host: o.host, port: o.port, database: o.database, user: o.user }),
      ...(o.password === undefined ? {} : { password: o.password }),
      ...(o.ssl ? { ssl: true } : {}),
      max: o.poolSize ?? 4,
    });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      await pool.end();
      throw new AlprError('STORE_FAILED', `cannot connect to the central PostgreSQL store at ${this.where}: ${(err as Error).message}`, { cause: err });
    }
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY]);
      await client.query('CREATE TABLE IF NOT EXISTS central_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)');
      const current = Number((await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM central_schema')).rows[0]?.v ?? 0);
      if (current > CENTRAL_SCHEMA_VERSION) {
        throw new AlprError('STORE_SCHEMA_TOO_NEW', `central store at ${this.where} has schema version ${current}, newer than this receiver supports (${CENTRAL_SCHEMA_VERSION}); not modified`);
      }
      if (current < 1) {
        await client.query(SCHEMA_V1);
        await client.query('INSERT INTO central_schema (version, applied_at) VALUES (1, now())');
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      await pool.end();
      if (err instanceof AlprError) throw err;
      throw new AlprError('STORE_FAILED', `cannot prepare the central PostgreSQL store at ${this.where}: ${(err as Error).message}`, { cause: err });
    }
    client.release();
    this.pool = pool;
  }

  private open(): pg.Pool {
    if (!this.pool) throw new AlprError('STORE_FAILED', 'central store used before init() or after close()');
    return this.pool;
  }

  async insert(h: CentralHit): Promise<boolean> {
    return (await this.insertMany([h]))[0] === true;
  }

  async insertMany(hits: readonly CentralHit[]): Promise<boolean[]> {
    if (hits.length === 0) return [];
    const r = await this.open().query<{ id: string }>(insertSql(hits.length), hits.flatMap(params));
    const fresh = new Set(r.rows.map((row) => row.id));
    // A repeat inside the batch was not new: only its first copy can have been inserted.
    return hits.map((h) => fresh.delete(h.id));
  }

  async count(): Promise<number> {
    const r = await this.open().query<{ n: string }>('SELECT COUNT(*) AS n FROM central_hits');
    return Number(r.rows[0]?.n ?? 0);
  }

  async get(id: string): Promise<CentralHit | undefined> {
    const r = await this.open().query<Row>(
      `SELECT id, agency, device, camera, (extract(epoch FROM captured_at) * 1000)::bigint AS captured_ms, plate, confidence, list, match_rule,
        entry_id, case_number, reason, lat, lon, (extract(epoch FROM received_at) * 1000)::bigint AS received_ms, receiver, message::text AS message
        FROM central_hits WHERE id = $1`,
      [id],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    return {
      id: row.id,
      agency: row.agency,
      device: row.device,
      camera: row.camera,
      capturedAt: Number(row.captured_ms),
      plate: row.plate,
      confidence: row.confidence,
      list: row.list,
      matchRule: row.match_rule,
      entryId: row.entry_id,
      caseNumber: row.case_number,
      reason: row.reason,
      lat: row.lat,
      lon: row.lon,
      receivedAt: Number(row.received_ms),
      receiver: row.receiver,
      message: row.message,
    };
  }

  async ids(): Promise<string[]> {
    const r = await this.open().query<{ id: string }>('SELECT id FROM central_hits ORDER BY id');
    return r.rows.map((row) => row.id);
  }

  async devices(): Promise<StoredDevice[]> {
    const r = await this.open().query<StoredDevice>('SELECT DISTINCT agency, device FROM central_hits ORDER BY agency, device');
    return r.rows;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
  }
}
