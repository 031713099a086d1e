/**
 * Fault test: the broker is stopped for 30 s while a device keeps producing hits (the real
 * device path: hit + outbox row committed together, OutboxPublisher, MqttTransport). When a
 * broker comes back on the same port with its persisted sessions, every committed hit ends up
 * in the central store exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CentralReceiver } from '../../src/central/receiver.ts';
import { SqliteCentralStore } from '../../src/central/sqlite-store.ts';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.ts';
import { seedHotlist, startDevice, type TestDevice } from './central-device.ts';
import { startReceiver } from './central-receiver-harness.ts';

const OUTAGE_MS = 30_000;
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let dir: string;
let persist: string;
let broker: MosquittoBroker | undefined;
let store: SqliteCentralStore;
let receiver: CentralReceiver | undefined;
let device: TestDevice | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-central-outage-'));
  persist = mkdtempSync(join(tmpdir(), 'alpr-mq-persist-'));
  store = new SqliteCentralStore(join(dir, 'central.db'));
  await store.init();
});
afterAll(async () => {
  await device?.stop();
  await receiver?.stop();
  await store.close();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(persist, { recursive: true, force: true });
});

const brokerOptions = (): Parameters<typeof startMosquitto>[0] => ({ persistenceDir: persist, extraConfig: ['max_queued_messages 0'] });

describe('broker outage', () => {
  it('stores every hit produced before, during and after a 30 s outage exactly once', async () => {
    broker = await startMosquitto(brokerOptions());
    const port = broker.port;
    receiver = startReceiver(broker.url, 'rx-outage', store);
    await once(receiver, 'subscribed');
    const devDir = join(dir, 'device');
    seedHotlist(devDir);
    const dev = startDevice({ dataDir: devDir, url: broker.url, agency: 'pd', device: 'car-1', reconnectPeriodMs: 500 });
    device = dev;
    await once(dev.transport, 'connected');

    // A hit every 100 ms for the whole test.
    const producer = setInterval(() => dev.hit(), 100);
    try {
      await expect.poll(() => store.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(10);

      const down = once(dev.transport, 'disconnected');
      await broker.stop(); // SIGTERM: mosquitto saves its sessions to the persistence folder
      broker = undefined;
      await down;
      const storedAtOutage = await store.count();
      await delay(OUTAGE_MS);
      // Hits were produced during the outage and wait in the device's outbox.
      const waiting = dev.outbox.depth();
      expect(waiting).toBeGreaterThanOrEqual(OUTAGE_MS / 100 / 2);
      expect(await store.count()).toBe(storedAtOutage);

      broker = await startMosquitto({ ...brokerOptions(), port });
      await expect.poll(() => dev.transport.connected, { timeout: 15_000 }).toBe(true);
      await delay(2_000); // production continues after the return
    } finally {
      clearInterval(producer);
    }

    // Every hit PUBACKed by the broker and acknowledged by the receiver.
    expect(await dev.publisher.drainAcked(60_000)).toBe(true);
    const committed = dev.committedHitIds();
    expect(await store.ids()).toEqual(committed);
    expect(await store.count()).toBe(committed.length);
    expect(dev.outbox.counts()).toMatchObject({ pending: 0, sent: 0 });
    expect(receiver.stats().invalid).toBe(0);
  }, 120_000);
});
