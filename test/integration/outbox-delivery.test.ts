/**
 * Hits from recordDetection → SQLite outbox → OutboxPublisher → MqttTransport → a real Mosquitto
 * → a subscriber: delivered with the crop, kept while the broker is down, delivered exactly once
 * when a broker comes back on the same port, and still delivered after a restart.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HitMessage } from '../../src/alerts/hit-message.ts';
import { ackMessageSchema, type AckMessage } from '../../src/mqtt/contract/ack.ts';
import { OutboxPublisher } from '../../src/alerts/outbox-publisher.ts';
import { OutboxRepo } from '../../src/alerts/outbox-repo.ts';
import { DetectionRecorder } from '../../src/alerts/recorder.ts';
import { importHotlistText } from '../../src/hotlist/import.ts';
import { matchExact } from '../../src/hotlist/match.ts';
import { HotlistRepo } from '../../src/hotlist/repo.ts';
import { AckReceiver } from '../../src/alerts/ack-receiver.ts';
import { ackTopic, hitsTopic, statusTopic } from '../../src/mqtt/topics.ts';
import { MqttTransport } from '../../src/mqtt/transport.ts';
import type { PlateRead, RgbImage } from '../../src/ocr/types.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { writeCrop } from '../../src/store/crops.ts';
import { databaseFile, openDatabase, type Database } from '../../src/store/db.ts';
import { createIdGenerator } from '../../src/store/ids.ts';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.ts';
import { subscribe, type Subscriber } from './mqtt-client.ts';

const AGENCY = 'testpd';
const DEVICE = 'pole-1';
const HITS = hitsTopic('alpr', AGENCY, DEVICE);

interface Daemon {
  db: Database;
  transport: MqttTransport;
  publisher: OutboxPublisher;
  recorder: DetectionRecorder;
  hotlist: HotlistRepo;
  stop(): Promise<void>;
}

/** The slice of the composition root this test needs, wired the way the daemon wires it. */
function startDaemon(dataDir: string, url: string, reconnectPeriodMs = 500, ackTimeoutMs?: number): Daemon {
  const clock = systemClock;
  const logger = silentLogger();
  const db = openDatabase(databaseFile(dataDir));
  const transport = new MqttTransport({ url, clientId: `alpr-edge-${DEVICE}`, statusTopic: statusTopic('alpr', AGENCY, DEVICE), reconnectPeriodMs, logger });
  const outbox = new OutboxRepo(db);
  const publisher = new OutboxPublisher({
    outbox,
    transport,
    clock,
    logger,
    backoff: { initialMs: 200, maxMs: 1_000 },
    ...(ackTimeoutMs === undefined ? {} : { ackTimeoutMs }),
  });
  const acks = new AckReceiver({ transport, topic: ackTopic('alpr', AGENCY, DEVICE), outbox, clock, logger, onAcked: () => publisher.acksApplied() });
  acks.start();
  const recorder = new DetectionRecorder(db, {
    clock,
    newId: createIdGenerator(clock),
    hitsTopic: HITS,
    agency: AGENCY,
    deviceId: DEVICE,
    onHitsQueued: () => publisher.notify(),
  });
  transport.start();
  publisher.start();
  return {
    db,
    transport,
    publisher,
    recorder,
    hotlist: new HotlistRepo(db),
    async stop() {
      acks.stop();
      await publisher.stop();
      await transport.stop();
      db.close();
    },
  };
}

/** Makes a test subscriber behave like the central receiver: every hit it gets is acknowledged. */
function actAsCentral(s: Subscriber): void {
  const ack = ackTopic('alpr', AGENCY, DEVICE);
  s.client.on('message', (topic, payload) => {
    if (topic !== HITS) return;
    const { id } = JSON.parse(payload.toString()) as { id: string };
    const message: AckMessage = { v: 1, ids: [id], receiver: 'test-central', at: new Date().toISOString() };
    s.client.publish(ack, JSON.stringify(ackMessageSchema.parse(message)), { qos: 1 });
  });
}

function frame(): RgbImage {
  const width = 200;
  const height = 100;
  const data = Buffer.alloc(width * height * 3, 40);
  for (let y = 40; y < 60; y++) data.fill(230, (y * width + 50) * 3, (y * width + 150) * 3);
  return { width, height, data };
}

async function readPlate(d: Daemon, dataDir: string, text: string): Promise<string[]> {
  const read: PlateRead = { text, confidence: 0.9, box: { x: 50, y: 40, w: 100, h: 20 }, candidates: [{ text, confidence: 0.9 }] };
  const capturedAt = Date.now();
  const detectionId = d.recorder.newDetectionId();
  const crop = await writeCrop(dataDir, detectionId, capturedAt, frame(), read.box, { margin: 0.1, quality: 85 });
  const { hits } = d.recorder.recordDetection({ detectionId, cameraId: 'cam1', capturedAt, read, crop, matches: matchExact(d.hotlist, read.text) });
  return hits.map((h) => h.id);
}

const ids = (sub: Subscriber): string[] => sub.on(HITS).map((m) => (JSON.parse(m.payload.toString()) as HitMessage).id);

let dataDir: string;
let broker: MosquittoBroker | undefined;
let daemon: Daemon | undefined;
let sub: Subscriber | undefined;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'alpr-delivery-'));
  broker = await startMosquitto();
  const db = openDatabase(databaseFile(dataDir));
  importHotlistText(db, 'plate,state,list,reason,case_number\nABC123,CA,stolen,Stolen vehicle,C-1\nXYZ789,,amber,,\n', 'list.csv', {
    mode: 'all-or-nothing',
  });
  db.close();
});
afterEach(async () => {
  await sub?.end();
  sub = undefined;
  await daemon?.stop();
  daemon = undefined;
  await broker?.stop();
  broker = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('hit delivery over MQTT', () => {
  it('delivers a hit with its crop and marks it sent', async () => {
    sub = await subscribe(broker!.url, [HITS]);
    daemon = startDaemon(dataDir, broker!.url);
    await once(daemon.transport, 'connected');
    expect(await readPlate(daemon, dataDir, 'NOHIT9')).toEqual([]);
    const [hitId] = await readPlate(daemon, dataDir, 'ABC123');
    expect(await daemon.publisher.drain(10_000)).toBe(true);
    await expect.poll(() => ids(sub!)).toEqual([hitId]);

    const message = JSON.parse(sub.on(HITS)[0]!.payload.toString()) as HitMessage;
    expect(message).toMatchObject({ device: DEVICE, agency: AGENCY, camera: 'cam1', plate: 'ABC123', match: { list: 'stolen', caseNumber: 'C-1', rule: 'exact' } });
    const jpeg = Buffer.from(message.crop!.base64, 'base64');
    expect(await sharp(jpeg).metadata()).toMatchObject({ format: 'jpeg', width: 120, height: 24 });
    expect(new OutboxRepo(daemon.db).get(hitId!)).toMatchObject({ state: 'sent', attempts: 0 });
  });

  it('keeps hits while the broker is down and delivers each exactly once to a broker on the same port', async () => {
    // Reconnect attempts 2 s apart leave room to start the new broker and its subscriber first.
    daemon = startDaemon(dataDir, broker!.url, 2_000);
    await once(daemon.transport, 'connected');
    const port = broker!.port;
    const down = once(daemon.transport, 'disconnected');
    await broker!.stop();
    broker = undefined;
    await down;

    const expected = [...(await readPlate(daemon, dataDir, 'ABC123')), ...(await readPlate(daemon, dataDir, 'XYZ789')), ...(await readPlate(daemon, dataDir, 'ABC123'))];
    expect(expected).toHaveLength(3);
    expect(await daemon.publisher.drain(300)).toBe(false);
    const outbox = new OutboxRepo(daemon.db);
    expect(outbox.pending().map((m) => [m.messageId, m.attempts])).toEqual(expected.map((id) => [id, 0]));

    // Just after a failed reconnect attempt: bring a broker back on the same port, subscriber first.
    await once(daemon.transport, 'reconnecting');
    await new Promise((r) => setTimeout(r, 100));
    broker = await startMosquitto({ port });
    sub = await subscribe(broker.url, [HITS]);
    expect(daemon.transport.connected).toBe(false);

    expect(await daemon.publisher.drain(20_000)).toBe(true);
    await expect.poll(() => ids(sub!).length).toBe(3);
    await new Promise((r) => setTimeout(r, 500)); // nothing more arrives
    expect(ids(sub)).toEqual(expected);
    expect(outbox.depth()).toBe(0);
    for (const id of expected) expect(outbox.get(id)?.state).toBe('sent');
  });

  it('loses nothing when the broker dies with publishes in flight: the central ack brings back what the broker dropped', async () => {
    // The broker may PUBACK a hit and die before forwarding it: only the receiver's ack proves delivery.
    daemon = startDaemon(dataDir, broker!.url, 2_000, 1_000);
    await once(daemon.transport, 'connected');
    const first = await subscribe(broker!.url, [HITS]);
    actAsCentral(first);
    const outbox = new OutboxRepo(daemon.db);
    const expected = Array.from({ length: 400 }, (_, i) => `msg-${String(i).padStart(4, '0')}`);
    daemon.db.transaction(() => {
      for (const id of expected) outbox.enqueue({ messageId: id, topic: HITS, payload: JSON.stringify({ id }), qos: 1, createdAt: Date.now() });
    })();
    daemon.publisher.notify();
    await expect.poll(() => ids(first).length, { interval: 5 }).toBeGreaterThan(20);
    const port = broker!.port;
    await broker!.stop(); // mid-stream
    broker = undefined;
    const before = ids(first);
    await first.end();
    expect(before.length).toBeLessThan(expected.length);

    await once(daemon.transport, 'reconnecting');
    await new Promise((r) => setTimeout(r, 100));
    broker = await startMosquitto({ port });
    sub = await subscribe(broker.url, [HITS]);
    actAsCentral(sub);
    expect(await daemon.publisher.drainAcked(30_000)).toBe(true);
    const all = [...before, ...ids(sub)];
    expect(new Set(all)).toEqual(new Set(expected));
    expect(outbox.counts()).toMatchObject({ pending: 0, sent: 0 });
    for (const id of expected) expect(outbox.get(id)?.state).toBe('acked');
    // Only the window in flight when the broker died failed, and each once.
    const retried = daemon.db.prepare('SELECT attempts FROM outbox WHERE attempts > 0').all() as { attempts: number }[];
    expect(retried.length).toBeLessThanOrEqual(64);
    for (const r of retried) expect(r.attempts).toBe(1);
  });

  it('delivers hits left pending by a previous run after a restart', async () => {
    // A "previous run" that recorded hits but never reached a broker.
    const offline = startDaemon(dataDir, 'mqtt://127.0.0.1:1', 60_000);
    const expected = await readPlate(offline, dataDir, 'XYZ789');
    await offline.stop();

    sub = await subscribe(broker!.url, [HITS]);
    daemon = startDaemon(dataDir, broker!.url);
    expect(await daemon.publisher.drain(10_000)).toBe(true);
    await expect.poll(() => ids(sub!)).toEqual(expected);
  });
});
