/**
 * A device for the central receiver's tests, wired as the daemon wires it (src/app/app.ts; not
 * a test file): a real SQLite file, DetectionRecorder (hit + outbox row in one transaction),
 * OutboxPublisher, AckReceiver (central acks mark rows acked) and MqttTransport. Hits come from
 * real reads matched against a real hot list.
 */
import { importHotlistText } from '../../src/hotlist/import.ts';
import { matchExact } from '../../src/hotlist/match.ts';
import { HotlistRepo } from '../../src/hotlist/repo.ts';
import { AckReceiver } from '../../src/alerts/ack-receiver.ts';
import { OutboxPublisher } from '../../src/alerts/outbox-publisher.ts';
import { OutboxRepo } from '../../src/alerts/outbox-repo.ts';
import { DetectionRecorder } from '../../src/alerts/recorder.ts';
import { ackTopic, hitsTopic, statusTopic } from '../../src/mqtt/topics.ts';
import { MqttTransport } from '../../src/mqtt/transport.ts';
import type { PlateRead } from '../../src/ocr/types.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { databaseFile, openDatabase, type Database } from '../../src/store/db.ts';
import { createIdGenerator } from '../../src/store/ids.ts';

export const PREFIX = 'alpr';
export const HOT_PLATE = 'ABC123';

export interface DeviceOptions {
  dataDir: string;
  url: string;
  agency: string;
  device: string;
  reconnectPeriodMs?: number;
  /** Re-publish a hit whose central ack has not come after this long (default 10 s, as mqtt.ackTimeoutS). */
  ackTimeoutMs?: number;
}

export interface TestDevice {
  db: Database;
  transport: MqttTransport;
  publisher: OutboxPublisher;
  outbox: OutboxRepo;
  acks: AckReceiver;
  /** Records one read of the hot plate: one hit committed with its outbox row. Returns the hit id. */
  hit(): string;
  /** Hit ids committed in this device's database. */
  committedHitIds(): string[];
  stop(): Promise<void>;
}

/** Puts a one-entry hot list in the device's database (call before startDevice). */
export function seedHotlist(dataDir: string): void {
  const db = openDatabase(databaseFile(dataDir));
  try {
    importHotlistText(db, `plate,state,list,reason,case_number\n${HOT_PLATE},CA,stolen,Stolen vehicle,C-1\n`, 'list.csv', { mode: 'all-or-nothing' });
  } finally {
    db.close();
  }
}

export function committedHitIds(db: Database): string[] {
  return (db.prepare('SELECT id FROM hits ORDER BY id').all() as { id: string }[]).map((r) => r.id);
}

export function startDevice(o: DeviceOptions): TestDevice {
  const clock = systemClock;
  const logger = silentLogger();
  const db = openDatabase(databaseFile(o.dataDir));
  const transport = new MqttTransport({
    url: o.url,
    clientId: `alpr-edge-${o.device}`,
    statusTopic: statusTopic(PREFIX, o.agency, o.device),
    reconnectPeriodMs: o.reconnectPeriodMs ?? 500,
    logger,
  });
  const outbox = new OutboxRepo(db);
  const publisher = new OutboxPublisher({ outbox, transport, clock, logger, backoff: { initialMs: 200, maxMs: 1_000 }, ackTimeoutMs: o.ackTimeoutMs ?? 10_000 });
  const acks = new AckReceiver({ transport, topic: ackTopic(PREFIX, o.agency, o.device), outbox, clock, logger, onAcked: () => publisher.acksApplied() });
  const recorder = new DetectionRecorder(db, {
    clock,
    newId: createIdGenerator(clock),
    hitsTopic: hitsTopic(PREFIX, o.agency, o.device),
    agency: o.agency,
    deviceId: o.device,
    onHitsQueued: () => publisher.notify(),
  });
  const hotlist = new HotlistRepo(db);
  acks.start();
  transport.start();
  publisher.start();
  return {
    db,
    transport,
    publisher,
    outbox,
    acks,
    hit() {
      const read: PlateRead = { text: HOT_PLATE, confidence: 0.93, box: { x: 10, y: 10, w: 100, h: 25 }, candidates: [{ text: HOT_PLATE, confidence: 0.93 }] };
      const { hits } = recorder.recordDetection({ cameraId: 'cam1', capturedAt: Date.now(), read, crop: null, matches: matchExact(hotlist, read.text) });
      if (hits.length !== 1) throw new Error(`expected one hit for ${HOT_PLATE}, got ${hits.length}`);
      return (hits[0] as { id: string }).id;
    },
    committedHitIds: () => committedHitIds(db),
    async stop() {
      acks.stop();
      await publisher.stop();
      await transport.stop();
      db.close();
    },
  };
}
