/**
 * `alpr-edge central hotlist-publish`: a signed list published through a real Mosquitto reaches
 * a device's push receiver (src/hotlist/push.ts) and is applied; `--all` finds devices by their
 * retained status and in the central store.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteCentralStore } from '../../src/central/sqlite-store.ts';
import { centralCommand } from '../../src/cli/central.ts';
import { isAlprError } from '../../src/errors.ts';
import { HotlistCache } from '../../src/hotlist/cache.ts';
import { HotlistPushReceiver, type PushResult } from '../../src/hotlist/push.ts';
import { generateSigningKeys, loadPublicKey } from '../../src/hotlist/signing.ts';
import { HotlistSync } from '../../src/hotlist/sync.ts';
import { hotlistTopic, statusTopic } from '../../src/mqtt/topics.ts';
import { MqttTransport } from '../../src/mqtt/transport.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { openDatabase } from '../../src/store/db.ts';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.ts';

const demoCsv = join(import.meta.dirname, '../../fixtures/hotlists/demo.csv');

let dir: string;
let broker: MosquittoBroker;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-central-publish-'));
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

function capture(): { out: PassThrough; text(): string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (b: Buffer) => (text += b.toString()));
  return { out, text: () => text };
}

describe('central hotlist-publish', () => {
  it('publishes a signed list that the device applies, and finds devices with --all', async () => {
    const keys = generateSigningKeys();
    const keyFile = join(dir, 'lists.key');
    writeFileSync(keyFile, keys.privateKeyPem);
    const storeFile = join(dir, 'central.db');
    const config = join(dir, 'central.yaml');
    writeFileSync(config, [`broker: {url: "${broker.url}"}`, 'receiver: {name: pub}', `store: {kind: sqlite, path: ${JSON.stringify(storeFile)}}`, 'hotlistPublish: {discoveryMs: 500}'].join('\n'));

    // A device as the daemon wires it: transport (retained status) + push receiver + sync.
    const db = openDatabase(join(dir, 'device.db'));
    const clock = new ManualClock(Date.UTC(2026, 10, 28));
    const cache = new HotlistCache(db, { clock, maxAgeMs: () => null });
    const sync = new HotlistSync(db, { clock, logger: silentLogger(), publicKey: loadPublicKey(keys.publicKeyPem), feeds: [], pushSources: ['state'], cache });
    const transport = new MqttTransport({ url: broker.url, clientId: 'dev-car-1', statusTopic: statusTopic('alpr', 'pd', 'car-1'), logger: silentLogger() });
    const results: PushResult[] = [];
    const push = new HotlistPushReceiver(transport, sync, hotlistTopic('alpr', 'pd', 'car-1'), silentLogger(), (r) => results.push(r));
    push.start();
    transport.start();
    await once(transport, 'connected');
    try {
      const one = capture();
      expect(await centralCommand(['hotlist-publish', '--config', config, '--file', demoCsv, '--key', keyFile, '--source', 'state', '--version', 'v1', '--device', 'pd/car-1'], one.out, clock)).toBe(0);
      expect(one.text()).toContain('published state v1 -> alpr/pd/car-1/hotlist');
      await expect.poll(() => results.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(results[0]).toMatchObject({ ok: true, outcome: { result: 'applied', source: 'state', version: 'v1', entries: 3 } });
      expect(cache.match({ text: '6TRK902' })).toHaveLength(1);

      // --all: pd/car-1 has a retained status; pd/car-9 is known only from hits in the store.
      const store = new SqliteCentralStore(storeFile);
      await store.init();
      await store.insert({
        id: 'h-9', agency: 'pd', device: 'car-9', camera: 'c', capturedAt: 0, plate: 'X1', confidence: 1, list: 'l', matchRule: 'exact',
        entryId: 'e', caseNumber: null, reason: null, lat: null, lon: null, receivedAt: 0, receiver: 'r', message: '{}',
      });
      await store.close();
      const all = capture();
      expect(await centralCommand(['hotlist-publish', '--config', config, '--file', demoCsv, '--key', keyFile, '--source', 'state', '--version', 'v2', '--all'], all.out, clock)).toBe(0);
      expect(all.text()).toContain('published state v2 -> alpr/pd/car-1/hotlist');
      expect(all.text()).toContain('published state v2 -> alpr/pd/car-9/hotlist');
      expect(all.text()).toMatch(/^2 device\(s\)$/m);
      await expect.poll(() => results.map((r) => (r.ok && 'version' in r.outcome ? r.outcome.version : 'other'))).toContain('v2');
    } finally {
      await push.stop();
      await transport.stop();
      db.close();
    }
  });

  it('refuses unclear targets and bad input with one clear line', async () => {
    const config = join(dir, 'plain.yaml');
    writeFileSync(config, [`broker: {url: "${broker.url}"}`, 'receiver: {name: pub}', `store: {kind: sqlite, path: ${JSON.stringify(join(dir, 'p.db'))}}`].join('\n'));
    const key = join(dir, 'k.key');
    writeFileSync(key, generateSigningKeys().privateKeyPem);
    const run = (args: string[]): Promise<unknown> => centralCommand(['hotlist-publish', '--config', config, '--file', demoCsv, '--key', key, '--source', 's', ...args], capture().out).catch((e: unknown) => e);
    const noAgency = await run(['--device', 'car-1']);
    expect(isAlprError(noAgency, 'USAGE') && noAgency.message).toMatch(/give AGENCY\/car-1, or set hotlistPublish.agency/);
    expect(isAlprError(await run([]), 'USAGE')).toBe(true);
    expect(isAlprError(await run(['--all', '--device', 'pd/x']), 'USAGE')).toBe(true);
    const badKey = join(dir, 'bad.key');
    writeFileSync(badKey, 'not a key');
    const e = await centralCommand(['hotlist-publish', '--config', config, '--file', demoCsv, '--key', badKey, '--source', 's', '--device', 'pd/x'], capture().out).catch((x: unknown) => x);
    expect(isAlprError(e, 'USAGE') && e.message).toMatch(/cannot sign with/);
  });
});
