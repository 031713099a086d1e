/**
 * Fault/scale test: two central receivers in one MQTT 5 shared-subscription group, writing one
 * PostgreSQL store. Hits from several devices (the real device path) are split between them
 * (each stores some), every committed hit is stored, none twice.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCentralStore } from '../../src/central/postgres-store.ts';
import type { CentralReceiver } from '../../src/central/receiver.ts';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.ts';
import { startPostgres, type PostgresCluster } from '../support/postgres.ts';
import { seedHotlist, startDevice, type TestDevice } from './central-device.ts';
import { startReceiver } from './central-receiver-harness.ts';

const DEVICES = 5;
const HITS_PER_DEVICE = 60;

let dir: string;
let cluster: PostgresCluster;
let broker: MosquittoBroker;
const stores: PostgresCentralStore[] = [];
const receivers: CentralReceiver[] = [];
const devices: TestDevice[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-central-shared-'));
  [cluster, broker] = await Promise.all([startPostgres({ settings: { fsync: 'off' } }), startMosquitto({ extraConfig: ['max_queued_messages 0'] })]);
});
afterAll(async () => {
  await Promise.all(devices.map((d) => d.stop()));
  await Promise.all(receivers.map((r) => r.stop()));
  await Promise.all(stores.map((s) => s.close()));
  await broker?.stop();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('two receivers in one share group', () => {
  it('split the hits between them and store each exactly once in PostgreSQL', async () => {
    for (const name of ['rx-a', 'rx-b']) {
      // Each receiver its own pool, as two machines would have.
      const store = new PostgresCentralStore({ connectionString: cluster.url, poolSize: 2 });
      await store.init();
      stores.push(store);
      const r = startReceiver(broker.url, name, store, { group: 'central' });
      receivers.push(r);
      await once(r, 'subscribed');
    }
    for (let i = 0; i < DEVICES; i++) {
      const devDir = join(dir, `dev-${i}`);
      seedHotlist(devDir);
      const d = startDevice({ dataDir: devDir, url: broker.url, agency: 'pd', device: `car-${i}` });
      devices.push(d);
      await once(d.transport, 'connected');
    }
    for (let n = 0; n < HITS_PER_DEVICE; n++) for (const d of devices) d.hit();

    const drained = await Promise.all(devices.map((d) => d.publisher.drainAcked(60_000)));
    expect(drained).toEqual(devices.map(() => true));
    const committed = devices.flatMap((d) => d.committedHitIds()).sort();
    expect(committed).toHaveLength(DEVICES * HITS_PER_DEVICE);
    const shared = stores[0] as PostgresCentralStore;
    await expect.poll(() => shared.ids(), { timeout: 60_000 }).toEqual(committed);
    expect(await shared.count()).toBe(committed.length);

    const [a, b] = receivers.map((r) => r.stats()) as [ReturnType<CentralReceiver['stats']>, ReturnType<CentralReceiver['stats']>];
    expect(a.stored).toBeGreaterThan(0);
    expect(b.stored).toBeGreaterThan(0);
    // Every row was inserted by one of them, once (a re-published copy only counts as a duplicate).
    expect(a.stored + b.stored).toBe(committed.length);
    // Each row names the receiver that stored it.
    const c = new pg.Client({ connectionString: cluster.url });
    await c.connect();
    const rows = (await c.query<{ receiver: string; n: string }>('SELECT receiver, COUNT(*) AS n FROM central_hits GROUP BY receiver ORDER BY receiver')).rows;
    await c.end();
    expect(rows.map((r) => [r.receiver, Number(r.n)])).toEqual([
      ['rx-a', a.stored],
      ['rx-b', b.stored],
    ]);
  }, 120_000);
});
