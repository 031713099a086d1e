/**
 * The publisher's decisions against an in-process transport that behaves like MqttTransport
 * (connected flag, 'connected' event, publish settling on ack or failing); the real broker is
 * exercised in test/integration.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxPublisher, type OutboxTransport } from '../../../src/alerts/outbox-publisher.ts';
import { OutboxRepo } from '../../../src/alerts/outbox-repo.ts';
import { AlprError } from '../../../src/errors.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { silentLogger } from '../../../src/platform/logger.ts';
import { openDatabase, type Database } from '../../../src/store/db.ts';

class LoopbackTransport extends EventEmitter<{ connected: [] }> implements OutboxTransport {
  connected = true;
  readonly delivered: string[] = [];
  /** Topics the "broker" refuses (PUBACK with an error reason code). */
  readonly refuse = new Set<string>();

  publish(topic: string, payload: string | Buffer): Promise<void> {
    if (!this.connected) return Promise.reject(new AlprError('MQTT_NOT_CONNECTED', 'not connected'));
    if (this.refuse.has(topic)) return Promise.reject(new AlprError('MQTT_PUBLISH_FAILED', 'Publish error: Not authorized'));
    this.delivered.push(String(payload));
    return Promise.resolve();
  }

  connect(): void {
    this.connected = true;
    this.emit('connected');
  }
}

let dir: string;
let db: Database;
let outbox: OutboxRepo;
let clock: ManualClock;
let transport: LoopbackTransport;
let publisher: OutboxPublisher;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-test-'));
  db = openDatabase(join(dir, 'alpr.db'));
  outbox = new OutboxRepo(db);
  clock = new ManualClock(1_000_000);
  transport = new LoopbackTransport();
  publisher = new OutboxPublisher({ outbox, transport, clock, logger: silentLogger(), backoff: { initialMs: 1_000, maxMs: 4_000 } });
});
afterEach(async () => {
  await publisher.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function enqueue(id: string, topic = 'alpr/a/d/hits'): void {
  outbox.enqueue({ messageId: id, topic, payload: id, qos: 1, createdAt: clock.now() });
}

describe('OutboxPublisher', () => {
  it('publishes rows already pending at start (after a restart), in order', async () => {
    enqueue('m1');
    enqueue('m2');
    enqueue('m3');
    publisher.start();
    expect(await publisher.drain(5_000)).toBe(true);
    expect(transport.delivered).toEqual(['m1', 'm2', 'm3']);
    expect(outbox.get('m2')).toMatchObject({ state: 'sent', sentAt: clock.now() });
  });

  it('wakes on notify() for a newly committed row', async () => {
    publisher.start();
    expect(await publisher.drain(1_000)).toBe(true);
    enqueue('m1');
    publisher.notify();
    expect(await publisher.drain(5_000)).toBe(true);
    expect(transport.delivered).toEqual(['m1']);
  });

  it('waits while disconnected without counting attempts, and resumes on connect', async () => {
    transport.connected = false;
    enqueue('m1');
    enqueue('m2');
    publisher.start();
    expect(await publisher.drain(200)).toBe(false);
    expect(outbox.get('m1')).toMatchObject({ state: 'pending', attempts: 0 });
    transport.connect();
    expect(await publisher.drain(5_000)).toBe(true);
    expect(transport.delivered).toEqual(['m1', 'm2']);
  });

  it('backs off a refused message with a capped exponential delay while later ones go ahead', async () => {
    enqueue('bad', 'refused/topic');
    enqueue('good');
    transport.refuse.add('refused/topic');
    publisher.start();
    await expect.poll(() => transport.delivered).toEqual(['good']);
    expect(outbox.get('bad')).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAt: clock.now() + 1_000 });
    expect(outbox.get('bad')?.lastError).toMatch(/Not authorized/);

    for (const expected of [2_000, 4_000, 4_000]) {
      const before = outbox.get('bad')?.attempts ?? 0;
      clock.advance(outbox.get('bad')!.nextAttemptAt - clock.now());
      publisher.notify();
      await expect.poll(() => outbox.get('bad')?.attempts).toBe(before + 1);
      expect(outbox.get('bad')?.nextAttemptAt).toBe(clock.now() + expected);
    }

    transport.refuse.clear();
    clock.advance(4_000);
    publisher.notify();
    expect(await publisher.drain(5_000)).toBe(true);
    expect(transport.delivered).toEqual(['good', 'bad']);
    expect(publisher.stats()).toMatchObject({ pending: 0, oldestPendingAgeMs: null, sent: 2, failures: 4 });
  });

  it('drain times out with rows pending and stop keeps them for the next start', async () => {
    transport.connected = false;
    enqueue('m1');
    publisher.start();
    expect(await publisher.drain(50)).toBe(false);
    await publisher.stop();
    expect(outbox.depth()).toBe(1);
  });
});

/**
 * A transport whose broker holds PUBACKs until the test releases them, like a slow link: shows
 * how many publishes are in flight and in what order they were written to the connection.
 */
class HeldAckTransport extends EventEmitter<{ connected: [] }> implements OutboxTransport {
  connected = true;
  readonly written: string[] = [];
  maxInFlight = 0;
  private readonly held: Array<{ payload: string; ack: () => void; fail: (err: Error) => void }> = [];

  publish(_topic: string, payload: string | Buffer): Promise<void> {
    if (!this.connected) return Promise.reject(new AlprError('MQTT_NOT_CONNECTED', 'not connected'));
    this.written.push(String(payload));
    return new Promise<void>((resolve, reject) => {
      this.held.push({ payload: String(payload), ack: resolve, fail: reject });
      this.maxInFlight = Math.max(this.maxInFlight, this.held.length);
    });
  }

  get inFlight(): number {
    return this.held.length;
  }

  /** Acknowledges the `n` oldest publishes in flight. */
  ackOldest(n = Infinity): void {
    for (const h of this.held.splice(0, n)) h.ack();
  }

  /** The connection drops: every publish in flight fails. */
  drop(): void {
    this.connected = false;
    for (const h of this.held.splice(0)) h.fail(new AlprError('MQTT_NOT_CONNECTED', 'connection lost'));
  }

  connect(): void {
    this.connected = true;
    this.emit('connected');
  }
}

describe('OutboxPublisher window', () => {
  let held: HeldAckTransport;
  let windowed: OutboxPublisher;

  beforeEach(() => {
    held = new HeldAckTransport();
    windowed = new OutboxPublisher({ outbox, transport: held, clock, logger: silentLogger(), window: 8, batchSize: 8, ackTimeoutMs: 30_000 });
  });
  afterEach(async () => {
    held.ackOldest();
    await windowed.stop();
  });

  it('keeps a window of publishes in flight, writes them in seq order and marks each sent on its PUBACK', async () => {
    for (let i = 0; i < 20; i++) enqueue(`m${i}`);
    windowed.start();
    await expect.poll(() => held.inFlight).toBe(8);
    expect(held.written).toEqual(Array.from({ length: 8 }, (_, i) => `m${i}`));
    expect(outbox.counts().sent).toBe(0);
    held.ackOldest(3);
    await expect.poll(() => held.written.length).toBe(11);
    expect(held.inFlight).toBe(8);
    while (outbox.depth() > 0) {
      held.ackOldest();
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(await windowed.drain(5_000)).toBe(true);
    expect(held.written).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    expect(held.maxInFlight).toBe(8);
    expect(outbox.get('m19')).toMatchObject({ state: 'sent', sends: 1, nextAttemptAt: clock.now() + 30_000 });
    expect(windowed.stats()).toMatchObject({ pending: 0, unacked: 20, sent: 20 });
  });

  it('re-publishes a sent row once its ack is overdue (same payload), with a doubling wait, until acked', async () => {
    enqueue('h1');
    enqueue('h2');
    windowed.start();
    await expect.poll(() => held.inFlight).toBe(2);
    held.ackOldest();
    await expect.poll(() => outbox.counts().sent).toBe(2);
    outbox.markAcked(['h2'], clock.now());

    clock.advance(30_000);
    windowed.notify();
    await expect.poll(() => held.written).toEqual(['h1', 'h2', 'h1']);
    held.ackOldest();
    await expect.poll(() => outbox.get('h1')?.sends).toBe(2);
    expect(outbox.get('h1')?.nextAttemptAt).toBe(clock.now() + 60_000);

    outbox.markAcked(['h1'], clock.now());
    clock.advance(120_000);
    windowed.notify();
    expect(await windowed.drainAcked(1_000)).toBe(true);
    expect(held.written).toEqual(['h1', 'h2', 'h1']);
    expect(windowed.stats()).toMatchObject({ pending: 0, unacked: 0, oldestUnackedAgeMs: null });
  });

  it('a dropped link fails the window; the rows stay pending, uncounted, and go again in order on reconnect', async () => {
    for (let i = 0; i < 5; i++) enqueue(`m${i}`);
    windowed.start();
    await expect.poll(() => held.inFlight).toBe(5);
    held.ackOldest(2);
    held.drop();
    await expect.poll(() => outbox.depth()).toBe(3);
    expect(outbox.get('m2')).toMatchObject({ state: 'pending', nextAttemptAt: clock.now() });
    held.connect();
    await expect.poll(() => held.inFlight).toBe(3);
    expect(held.written.slice(5)).toEqual(['m2', 'm3', 'm4']);
    held.ackOldest();
    expect(await windowed.drain(5_000)).toBe(true);
  });
});
