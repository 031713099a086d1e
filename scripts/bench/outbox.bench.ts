/**
 * Outbox drain after an outage: OUTBOX_BENCH_HITS (default 10,000) hit messages are committed to
 * the SQLite outbox while no broker is there (one transaction per hit, as the recorder does);
 * then a Mosquitto starts, a subscriber (QoS 1) connects, and the device's transport connects. Timed from the transport's connect to the subscriber holding every hit,
 * and to the outbox having every PUBACK recorded. Payloads are real hit messages built by
 * buildHitMessage with a plate crop and the reduced frame (JPEG, from a demo frame in fixtures/),
 * and, for comparison, the same without the frame; and the windowed publisher against a window
 * of 1 (one publish at a time, as before).
 *
 *   npm run bench -- outbox      (OUTBOX_BENCH_HITS to scale)
 */
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectAsync } from 'mqtt';
import sharp from 'sharp';
import { encodeHitFrame } from '../../src/alerts/hit-frame.ts';
import { buildHitMessage } from '../../src/alerts/hit-message.ts';
import { OutboxPublisher } from '../../src/alerts/outbox-publisher.ts';
import { OutboxRepo } from '../../src/alerts/outbox-repo.ts';
import { hitsTopic, statusTopic } from '../../src/mqtt/topics.ts';
import { MqttTransport } from '../../src/mqtt/transport.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { packageRoot } from '../../src/platform/paths.ts';
import { databaseFile, openDatabase } from '../../src/store/db.ts';
import { createIdGenerator } from '../../src/store/ids.ts';
import { freePort, startMosquitto } from '../../test/support/mosquitto.ts';
import type { BenchContext, BenchFigure } from './types.ts';

const HITS = Number(process.env.OUTBOX_BENCH_HITS) > 0 ? Math.floor(Number(process.env.OUTBOX_BENCH_HITS)) : 10_000;
const TOPIC = hitsTopic('alpr', 'benchpd', 'car-1');

interface Images {
  crop: Buffer;
  frame: { jpeg: Buffer; width: number; height: number };
}

async function images(): Promise<Images> {
  const file = resolve(packageRoot, 'fixtures', 'images', 'plates-demo-f0029.jpg');
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const frame = await encodeHitFrame({ width: info.width, height: info.height, data });
  const crop = await sharp(file).extract({ left: Math.floor(info.width / 2), top: Math.floor(info.height / 2), width: 160, height: 50 }).jpeg({ quality: 85 }).toBuffer();
  return { crop, frame };
}

interface Run {
  bytesPerHit: number;
  receivedPerS: number;
  sentPerS: number;
}

async function drain(ctx: BenchContext, img: Images, withFrame: boolean, window: number): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-outbox-bench-'));
  const db = openDatabase(databaseFile(dir));
  const outbox = new OutboxRepo(db);
  const newId = createIdGenerator(systemClock);
  let bytes = 0;
  const enqueue = db.transaction((i: number) => {
    const id = newId();
    const payload = JSON.stringify(
      buildHitMessage({
        hitId: id,
        passId: `track-${i}`,
        capturedAt: systemClock.now(),
        device: 'car-1',
        agency: 'benchpd',
        camera: 'front',
        plate: 'ABC123',
        confidence: 0.93,
        candidates: [{ text: 'ABC123', confidence: 0.93 }],
        match: { entry: { id: 'e1', plate: 'ABC123', state: 'CA', list: 'stolen', reason: 'Stolen vehicle', caseNumber: 'C-1', source: 'bench', importedAt: 0 }, rule: 'exact' },
        cropJpeg: img.crop,
        frame: withFrame ? img.frame : null,
        position: { fixType: '3d', lat: 37.5, lon: -122.2, fixAgeMs: 200, hdop: 0.9, satellites: 9 },
      }),
    );
    bytes += payload.length;
    outbox.enqueue({ messageId: id, topic: TOPIC, payload, qos: 1, createdAt: systemClock.now() });
  });
  for (let i = 0; i < HITS; i++) enqueue(i);

  const port = await freePort();
  const url = `mqtt://127.0.0.1:${port}`;
  const logger = silentLogger();
  // The broker forwards to the subscriber with up to 1,000 QoS 1 messages unacknowledged (its
  // default, 20, makes the broker → receiver leg the limit; docs/mqtt.md, broker settings).
  const broker = await startMosquitto({ port, extraConfig: ['max_queued_messages 0', 'max_inflight_messages 1000'] });
  const sub = await connectAsync(url, { protocolVersion: 5, clean: true, reconnectPeriod: 0 });
  let received = 0;
  let allReceived: () => void = () => undefined;
  const done = new Promise<void>((r) => (allReceived = r));
  sub.on('message', () => {
    if (++received === HITS) allReceived();
  });
  await sub.subscribeAsync(TOPIC, { qos: 1 });
  // The device comes up once the subscriber listens (a hit published before that would reach
  // nobody); what it finds is the outbox filled during the outage.
  const transport = new MqttTransport({ url, clientId: 'bench-device', statusTopic: statusTopic('alpr', 'benchpd', 'car-1'), reconnectPeriodMs: 100, logger });
  const publisher = new OutboxPublisher({ outbox, transport, clock: systemClock, logger, window, ackTimeoutMs: 600_000 });
  const connected = new Promise<void>((r) => transport.once('connected', () => r()));
  transport.start();
  publisher.start();
  await connected;
  const t0 = performance.now();
  const sent = publisher.drain(600_000).then(() => performance.now() - t0);
  await done;
  const receivedMs = performance.now() - t0;
  const sentMs = await sent;
  await publisher.stop();
  await transport.stop();
  await sub.endAsync();
  await broker.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  const run = { bytesPerHit: Math.round(bytes / HITS), receivedPerS: Math.round(HITS / (receivedMs / 1000)), sentPerS: Math.round(HITS / (sentMs / 1000)) };
  ctx.log(`${HITS} hits of ${run.bytesPerHit} B (frame ${withFrame ? 'yes' : 'no'}, window ${window}): received ${run.receivedPerS}/s, PUBACKs recorded ${run.sentPerS}/s`);
  return run;
}

export default async function outboxBench(ctx: BenchContext): Promise<BenchFigure[]> {
  // A run awaits events from sockets still being set up; Node was seen to exit mid-bench with
  // nothing else holding the event loop open, so a timer holds it until the bench returns.
  const keepAlive = setInterval(() => undefined, 1_000);
  try {
    return await runAll(ctx);
  } finally {
    clearInterval(keepAlive);
  }
}

async function runAll(ctx: BenchContext): Promise<BenchFigure[]> {
  const img = await images();
  ctx.log(`crop ${img.crop.length} B, frame ${img.frame.width}x${img.frame.height} ${img.frame.jpeg.length} B`);
  const full = await drain(ctx, img, true, 64);
  const small = await drain(ctx, img, false, 64);
  const serial = await drain(ctx, img, true, 1);
  return [
    { name: `drain of ${HITS} queued hits with frame (window 64), received`, value: full.receivedPerS, unit: 'hits/s', target: '>= 1000' },
    { name: 'hit message size with crop and frame', value: full.bytesPerHit, unit: 'bytes' },
    { name: `drain of ${HITS} queued hits without frame (window 64), received`, value: small.receivedPerS, unit: 'hits/s' },
    { name: 'hit message size with crop only', value: small.bytesPerHit, unit: 'bytes' },
    { name: `drain of ${HITS} queued hits with frame, one publish at a time (window 1)`, value: serial.receivedPerS, unit: 'hits/s' },
  ];
}
