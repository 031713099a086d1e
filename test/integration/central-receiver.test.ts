/**
 * The central receiver against a real Mosquitto and a real SQLite store: hits from the device
 * path are stored and acknowledged on the device's ack topic; invalid messages are refused,
 * counted and not redelivered; a repeated hit is stored once and acknowledged again.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CentralReceiver } from '../../src/central/receiver.ts';
import { SqliteCentralStore } from '../../src/central/sqlite-store.ts';
import { ackMessageSchema, type AckMessage } from '../../src/mqtt/contract/ack.ts';
import { hitMessageSchema } from '../../src/mqtt/contract/hit.ts';
import { ackTopic, hitsTopic } from '../../src/mqtt/topics.ts';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.ts';
import { PREFIX, seedHotlist, startDevice, type TestDevice } from './central-device.ts';
import { startReceiver } from './central-receiver-harness.ts';
import { subscribe, type Subscriber } from './mqtt-client.ts';

const AGENCY = 'testpd';
const DEVICE = 'car-7';
const ACKS = ackTopic(PREFIX, AGENCY, DEVICE);

let dir: string;
let broker: MosquittoBroker;
let store: SqliteCentralStore;
let receiver: CentralReceiver | undefined;
let device: TestDevice | undefined;
let watcher: Subscriber | undefined;
let raw: MqttClient | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-central-rx-'));
  broker = await startMosquitto();
  store = new SqliteCentralStore(join(dir, 'central.db'));
  await store.init();
});
afterEach(async () => {
  await raw?.endAsync(true);
  raw = undefined;
  await watcher?.end();
  watcher = undefined;
  await device?.stop();
  device = undefined;
  await receiver?.stop();
  receiver = undefined;
  await store.close();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

const acked = (w: Subscriber): string[] => w.on(ACKS).flatMap((m) => (JSON.parse(m.payload.toString()) as AckMessage).ids);

async function ready(r: CentralReceiver): Promise<void> {
  await once(r, 'subscribed');
}

describe('central receiver', () => {
  it('stores hits from a device and acknowledges them on the device\'s ack topic', async () => {
    receiver = startReceiver(broker.url, 'rx-1', store);
    await ready(receiver);
    watcher = await subscribe(broker.url, [ACKS]);
    const devDir = join(dir, 'device');
    seedHotlist(devDir);
    device = startDevice({ dataDir: devDir, url: broker.url, agency: AGENCY, device: DEVICE });
    const ids = [device.hit(), device.hit(), device.hit()];
    // The device's outbox sees the acks: every row ends acked.
    expect(await device.publisher.drainAcked(20_000)).toBe(true);
    expect(ids.map((id) => device!.outbox.get(id)?.state)).toEqual(['acked', 'acked', 'acked']);

    await expect.poll(() => store.ids()).toEqual([...ids].sort());
    await expect.poll(() => acked(watcher!).sort()).toEqual([...ids].sort());
    for (const m of watcher.on(ACKS)) {
      const ack = ackMessageSchema.parse(JSON.parse(m.payload.toString()));
      expect(ack.receiver).toBe('rx-1');
    }
    const row = await store.get(ids[0] as string);
    expect(row).toMatchObject({ id: ids[0], agency: AGENCY, device: DEVICE, camera: 'cam1', plate: 'ABC123', list: 'stolen', matchRule: 'exact', caseNumber: 'C-1', receiver: 'rx-1' });
    // The whole message is kept, and it is the contract's message.
    expect(hitMessageSchema.parse(JSON.parse(row!.message))).toMatchObject({ id: ids[0], v: 1, plate: 'ABC123' });
    expect(receiver.stats()).toMatchObject({ stored: 3, duplicates: 0, invalid: 0 });
  });

  it('refuses invalid messages (counted, not stored, not redelivered) and keeps going', async () => {
    // One lane: messages are handled in the order they were published.
    receiver = startReceiver(broker.url, 'rx-1', store, { lanes: 1 });
    await ready(receiver);
    const reasons: string[] = [];
    receiver.on('invalid', (reason) => reasons.push(reason));
    raw = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    const topic = hitsTopic(PREFIX, AGENCY, DEVICE);
    await raw.publishAsync(topic, 'not json', { qos: 1 });
    await raw.publishAsync(topic, JSON.stringify({ v: 1, id: 'x' }), { qos: 1 });
    // A valid message filed under another device's topic.
    const devDir = join(dir, 'device');
    seedHotlist(devDir);
    device = startDevice({ dataDir: devDir, url: 'mqtt://127.0.0.1:1', agency: AGENCY, device: DEVICE, reconnectPeriodMs: 60_000 });
    const id = device.hit();
    const payload = device.outbox.get(id)!.payload;
    await raw.publishAsync(hitsTopic(PREFIX, AGENCY, 'other-car'), payload, { qos: 1 });
    // ... and the same message on its own topic, which must still get through after the refusals.
    await raw.publishAsync(topic, payload, { qos: 1 });

    await expect.poll(() => store.ids()).toEqual([id]);
    expect(reasons).toHaveLength(3);
    expect(reasons[0]).toMatch(/not JSON/);
    expect(reasons[1]).toMatch(/time|device|plate/);
    expect(reasons[2]).toMatch(/published on testpd\/other-car/);
    expect(receiver.stats()).toMatchObject({ invalid: 3, stored: 1 });

    // The refused messages were PUBACKed: a new session of the same receiver gets none again.
    await receiver.stop();
    receiver = startReceiver(broker.url, 'rx-1', store, { lanes: 1 });
    await ready(receiver);
    await raw.publishAsync(topic, payload, { qos: 1 }); // a marker that arrives after any redelivery
    await expect.poll(() => receiver!.stats().duplicates).toBe(1);
    expect(receiver.stats().invalid).toBe(0);
  });

  it('PUBACKs and logs a hit the store refuses for good, without holding back the others', async () => {
    const devDir = join(dir, 'device');
    seedHotlist(devDir);
    device = startDevice({ dataDir: devDir, url: 'mqtt://127.0.0.1:1', agency: AGENCY, device: DEVICE, reconnectPeriodMs: 60_000 });
    const [bad, good] = [device.hit(), device.hit()] as [string, string];
    // The real store, refusing one row as PostgreSQL refuses bad data (SQLSTATE class 22).
    const picky = Object.create(store) as SqliteCentralStore;
    picky.insertMany = (hits) =>
      hits.some((h) => h.id === bad) ? Promise.reject(Object.assign(new Error('invalid input syntax'), { code: '22P02' })) : store.insertMany(hits);
    receiver = startReceiver(broker.url, 'rx-1', picky, { lanes: 1 });
    await ready(receiver);
    raw = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    for (const id of [bad, good]) await raw.publishAsync(hitsTopic(PREFIX, AGENCY, DEVICE), device.outbox.get(id)!.payload, { qos: 1 });
    await expect.poll(() => store.ids()).toEqual([good]);
    expect(receiver.stats()).toMatchObject({ storeRefused: 1, stored: 1, storeFailures: 0 });
    // PUBACKed: the next session of the receiver does not get it again.
    await receiver.stop();
    receiver = startReceiver(broker.url, 'rx-1', picky, { lanes: 1 });
    await ready(receiver);
    await raw.publishAsync(hitsTopic(PREFIX, AGENCY, DEVICE), device.outbox.get(good)!.payload, { qos: 1 });
    await expect.poll(() => receiver!.stats().duplicates).toBe(1);
    expect(receiver.stats().storeRefused).toBe(0);
  });

  it('keeps a hit unacknowledged while the store is failing, and stores it when it recovers', async () => {
    const devDir = join(dir, 'device');
    seedHotlist(devDir);
    device = startDevice({ dataDir: devDir, url: 'mqtt://127.0.0.1:1', agency: AGENCY, device: DEVICE, reconnectPeriodMs: 60_000 });
    const id = device.hit();
    let failures = 3;
    const flaky = Object.create(store) as SqliteCentralStore;
    flaky.insertMany = (hits) => (failures-- > 0 ? Promise.reject(Object.assign(new Error('connection terminated'), { code: '08006' })) : store.insertMany(hits));
    receiver = startReceiver(broker.url, 'rx-1', flaky, { lanes: 1 });
    await ready(receiver);
    watcher = await subscribe(broker.url, [ACKS]);
    raw = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    await raw.publishAsync(hitsTopic(PREFIX, AGENCY, DEVICE), device.outbox.get(id)!.payload, { qos: 1 });
    await expect.poll(() => store.ids()).toEqual([id]);
    await expect.poll(() => acked(watcher!)).toEqual([id]);
    expect(receiver.stats()).toMatchObject({ storeFailures: 3, stored: 1, storeRefused: 0 });
  });

  it('stores a repeated hit once and acknowledges each copy', async () => {
    receiver = startReceiver(broker.url, 'rx-1', store);
    await ready(receiver);
    watcher = await subscribe(broker.url, [ACKS]);
    const devDir = join(dir, 'device');
    seedHotlist(devDir);
    device = startDevice({ dataDir: devDir, url: 'mqtt://127.0.0.1:1', agency: AGENCY, device: DEVICE, reconnectPeriodMs: 60_000 });
    const id = device.hit();
    const payload = device.outbox.get(id)!.payload;
    raw = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    for (let i = 0; i < 3; i++) await raw.publishAsync(hitsTopic(PREFIX, AGENCY, DEVICE), payload, { qos: 1 });

    await expect.poll(() => acked(watcher!)).toEqual([id, id, id]);
    expect(await store.count()).toBe(1);
    expect(receiver.stats()).toMatchObject({ stored: 1, duplicates: 2 });
  });
});
