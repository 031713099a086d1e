/**
 * One contract suite, run against both central store adapters: SQLite (a real file) and
 * PostgreSQL (a throwaway cluster from test/support/postgres.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CentralHit } from '../../src/central/hit-intake.ts';
import { PostgresCentralStore } from '../../src/central/postgres-store.ts';
import { SqliteCentralStore } from '../../src/central/sqlite-store.ts';
import type { CentralStore } from '../../src/central/store.ts';
import { isAlprError } from '../../src/errors.ts';
import { startPostgres, type PostgresCluster } from '../support/postgres.ts';

function hit(id: string, over: Partial<CentralHit> = {}): CentralHit {
  return {
    id,
    agency: 'pd',
    device: 'car-1',
    camera: 'front',
    capturedAt: Date.UTC(2026, 10, 28, 19, 0, 0, 123),
    plate: 'ABC123',
    confidence: 0.91,
    list: 'stolen',
    matchRule: 'exact',
    entryId: 'e-1',
    caseNumber: 'C-9',
    reason: null,
    lat: 40.5,
    lon: -74.25,
    receivedAt: Date.UTC(2026, 10, 28, 19, 0, 1, 456),
    receiver: 'rx-1',
    message: JSON.stringify({ v: 1, id, plate: 'ABC123' }),
    ...over,
  };
}

let dir: string;
let cluster: PostgresCluster;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-central-store-'));
  cluster = await startPostgres({ settings: { fsync: 'off' } });
});
afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A store named `name`: the same name opens the same data again (a file; a database). */
const adapters: Array<[string, (name: string) => Promise<CentralStore>]> = [
  ['sqlite', (name) => Promise.resolve(new SqliteCentralStore(join(dir, `${name}.db`)))],
  [
    'postgres',
    async (name) => {
      const c = new pg.Client({ connectionString: cluster.url });
      await c.connect();
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await c.query(`CREATE DATABASE ${name}`);
      await c.end();
      return new PostgresCentralStore({ connectionString: cluster.url.replace(/\/postgres$/, `/${name}`) });
    },
  ],
];

const parsed = (h: CentralHit | undefined): unknown => h && { ...h, message: JSON.parse(h.message) as unknown };

describe.each(adapters)('central store (%s)', (_kind, open) => {
  it('stores a hit once per id, with its columns and message', async () => {
    const store = await open('once');
    await store.init();
    try {
      expect(await store.insert(hit('h-1'))).toBe(true);
      expect(await store.insert(hit('h-1', { plate: 'OTHER1' }))).toBe(false);
      expect(await store.insert(hit('h-2', { device: 'car-2', caseNumber: null, lat: null, lon: null }))).toBe(true);
      expect(await store.count()).toBe(2);
      expect(await store.ids()).toEqual(['h-1', 'h-2']);
      // The first copy stays: a duplicate never overwrites. (PostgreSQL keeps the message as jsonb.)
      expect(parsed(await store.get('h-1'))).toEqual(parsed(hit('h-1')));
      expect(await store.get('h-2')).toMatchObject({ device: 'car-2', caseNumber: null, lat: null, lon: null });
      expect(await store.get('nope')).toBeUndefined();
      expect(await store.devices()).toEqual([
        { agency: 'pd', device: 'car-1' },
        { agency: 'pd', device: 'car-2' },
      ]);
    } finally {
      await store.close();
    }
  });

  it('keeps one row per id when inserts of the same ids race', async () => {
    const store = await open('race');
    await store.init();
    try {
      const ids = Array.from({ length: 50 }, (_, i) => `r-${String(i).padStart(2, '0')}`);
      const results = await Promise.all([...ids, ...ids, ...ids].map((id) => store.insert(hit(id))));
      expect(results.filter(Boolean)).toHaveLength(50);
      expect(await store.ids()).toEqual(ids);
    } finally {
      await store.close();
    }
  });

  it('stores a batch in one transaction, a repeat inside it once', async () => {
    const store = await open('batch');
    await store.init();
    try {
      await store.insert(hit('b-0'));
      expect(await store.insertMany([hit('b-1'), hit('b-0'), hit('b-2'), hit('b-1')])).toEqual([true, false, true, false]);
      expect(await store.insertMany([])).toEqual([]);
      expect(await store.ids()).toEqual(['b-0', 'b-1', 'b-2']);
      // A row that cannot be stored fails the whole batch: nothing of it is kept.
      await expect(store.insertMany([hit('b-3'), hit('b-4', { agency: null as unknown as string })])).rejects.toThrow(/null|NOT NULL/i);
      expect(await store.ids()).toEqual(['b-0', 'b-1', 'b-2']);
    } finally {
      await store.close();
    }
  });

  it('opens an existing store again with its rows', async () => {
    const a = await open('reopen');
    await a.init();
    await a.insert(hit('keep-1'));
    await a.close();
    const b = await open('reopen');
    await b.init();
    expect(await b.ids()).toEqual(['keep-1']);
    await b.close();
    await expect(b.count()).rejects.toThrow(/after close/);
  });
});

describe('central store schema versions', () => {
  it('refuses a SQLite store with a newer schema and leaves it untouched', async () => {
    const file = join(dir, 'newer.db');
    const s = new SqliteCentralStore(file);
    await s.init();
    await s.close();
    const Better = (await import('better-sqlite3')).default;
    const db = new Better(file);
    db.prepare('INSERT INTO central_schema (version, applied_at) VALUES (99, 0)').run();
    db.close();
    const err = await new SqliteCentralStore(file).init().catch((e: unknown) => e);
    expect(isAlprError(err, 'STORE_SCHEMA_TOO_NEW')).toBe(true);
    expect((err as Error).message).toMatch(/schema version 99/);
  });

  it('sets up a PostgreSQL schema once when receivers start together', async () => {
    const c = new pg.Client({ connectionString: cluster.url });
    await c.connect();
    await c.query('CREATE DATABASE together');
    await c.end();
    const url = cluster.url.replace(/\/postgres$/, '/together');
    const stores = Array.from({ length: 4 }, () => new PostgresCentralStore({ connectionString: url }));
    await Promise.all(stores.map((s) => s.init()));
    await stores[0]!.insert(hit('t-1'));
    expect(await stores[3]!.ids()).toEqual(['t-1']);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('says clearly when PostgreSQL cannot be reached', async () => {
    const s = new PostgresCentralStore({ connectionString: 'postgres://alpr@127.0.0.1:1/alpr' });
    await expect(s.init()).rejects.toThrow(/cannot connect to the central PostgreSQL store at 127\.0\.0\.1:1\/alpr/);
  });
});
