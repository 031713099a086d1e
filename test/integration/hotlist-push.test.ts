/** Hot lists pushed over MQTT through a real Mosquitto broker, with the same signature check as a pull. */
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HotlistCache } from '../../src/hotlist/cache.ts';
import { isHotlistError } from '../../src/hotlist/errors.ts';
import { HotlistPushReceiver, hotlistPushTopic, type PushResult } from '../../src/hotlist/push.ts';
import { generateSigningKeys, loadPublicKey, signEnvelope } from '../../src/hotlist/signing.ts';
import { HotlistSync } from '../../src/hotlist/sync.ts';
import { MqttTransport } from '../../src/mqtt/transport.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { openDatabase } from '../../src/store/db.ts';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.ts';

let broker: MosquittoBroker;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.stop();
});

const demoCsv = readFileSync(join(import.meta.dirname, '../../fixtures/hotlists/demo.csv'), 'utf8');

describe('hot list pushed over MQTT', () => {
  it('applies a signed list, refuses unsigned and tampered ones, keeping the previous list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-push-'));
    const db = openDatabase(join(dir, 'alpr.db'));
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const keys = generateSigningKeys();
    const cache = new HotlistCache(db, { clock, maxAgeMs: () => null });
    const sync = new HotlistSync(db, { clock, logger: silentLogger(), publicKey: loadPublicKey(keys.publicKeyPem), feeds: [], pushSources: ['state'], cache });
    const transport = new MqttTransport({ url: broker.url, clientId: 'dev-push', statusTopic: 'alpr/ag/dev-push/status', logger: silentLogger() });
    const topic = hotlistPushTopic('alpr', 'ag', 'dev-push');
    expect(topic).toBe('alpr/ag/dev-push/hotlist');
    const results: PushResult[] = [];
    const receiver = new HotlistPushReceiver(transport, sync, topic, silentLogger(), (r) => results.push(r));
    receiver.start(); // before connecting: subscribes on connect
    transport.start();
    await once(transport, 'connected');
    const publisher = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    try {
      const manifest = { source: 'state', version: 'p1', kind: 'full' as const, format: 'csv' as const, generatedAt: '2026-01-01T00:00:00Z' };
      // The subscription is in place once a message round-trips.
      await expect
        .poll(async () => {
          await publisher.publishAsync(topic, signEnvelope(manifest, demoCsv, keys.privateKeyPem), { qos: 1 });
          return results.length;
        }, { timeout: 10_000, interval: 300 })
        .toBeGreaterThan(0);
      await expect.poll(() => cache.match({ text: '6TRK902' }).length).toBe(1);
      expect(results[0]).toMatchObject({ ok: true, outcome: { result: 'applied', source: 'state', version: 'p1', entries: 3 } });

      results.length = 0;
      await publisher.publishAsync(topic, demoCsv, { qos: 1 });
      const env = JSON.parse(signEnvelope({ ...manifest, version: 'p2' }, 'plate,state,list,reason,case_number\nEVIL1,CA,stolen,,\n', keys.privateKeyPem)) as Record<string, string>;
      await publisher.publishAsync(topic, JSON.stringify({ ...env, data: 'plate,state,list,reason,case_number\nEVIL2,CA,stolen,,\n' }), { qos: 1 });
      const foreign = signEnvelope({ ...manifest, source: 'elsewhere' }, demoCsv, keys.privateKeyPem);
      await publisher.publishAsync(topic, foreign, { qos: 1 });
      // (Late copies of the first list, re-sent while waiting for the subscription, may still be applied.)
      const refusals = (): string[] => results.flatMap((r) => (r.ok ? [] : [isHotlistError(r.error) ? r.error.reason : 'other']));
      await expect.poll(refusals).toHaveLength(3);
      expect(refusals()).toEqual(['UNSIGNED', 'BAD_SIGNATURE', 'BAD_ENVELOPE']);
      expect(cache.match({ text: 'EVIL2' })).toEqual([]);
      expect(cache.match({ text: '6TRK902' })).toHaveLength(1);
    } finally {
      await publisher.endAsync(true);
      await receiver.stop();
      await transport.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
