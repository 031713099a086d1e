/**
 * The central store of hits: one interface, two adapters (sqlite-store.ts, postgres-store.ts)
 * with the same table and the same contract suite (test/integration/central-store.test.ts).
 * `insert` is idempotent on the hit id: a hit delivered twice (a retry, a redelivery after a
 * crash) is stored once, and the caller acknowledges it either way.
 */
import type { CentralHit } from './hit-intake.ts';

export interface StoredDevice {
  agency: string;
  device: string;
}

export interface CentralStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates or upgrades the schema (safe to run from several receivers at once). */
  init(): Promise<void>;
  /** Stores the hit unless its id is already stored; resolves true when it was new. Durable when it resolves. */
  insert(hit: CentralHit): Promise<boolean>;
  /**
   * Stores several hits in ONE transaction (one durable commit), each unless its id is already
   * stored (a repeat inside the batch counts as already stored). Resolves, per hit in order,
   * whether it was new; all or none are stored.
   */
  insertMany(hits: readonly CentralHit[]): Promise<boolean[]>;
  count(): Promise<number>;
  /** The stored hit with this id (the columns and the message). */
  get(id: string): Promise<CentralHit | undefined>;
  /** Every stored id, in id order. */
  ids(): Promise<string[]>;
  /** Devices that have sent hits (for `hotlist-publish --all`). */
  devices(): Promise<StoredDevice[]>;
  close(): Promise<void>;
}

/**
 * The table both adapters create, `central_hits`, with the same columns and meanings; times are
 * ms since the epoch (INTEGER) in SQLite and timestamptz in PostgreSQL, the message TEXT / jsonb.
 * Schema versions are recorded in `central_schema`; a store written by a newer receiver is refused.
 */
export const CENTRAL_SCHEMA_VERSION = 1;

/**
 * A store error that retrying cannot fix because the row itself is refused: PostgreSQL SQLSTATE
 * classes 22 (data exception) and 23 (integrity constraint), SQLite constraint, type and size
 * errors. Anything else (connection lost, disk full, busy) is worth retrying.
 */
export function isPermanentStoreError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return /^2[23][0-9A-Z]{3}$/.test(code) || /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG)/.test(code);
}
