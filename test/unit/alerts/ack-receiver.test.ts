import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AckReceiver, type AckSubscriber } from '../../../src/alerts/ack-receiver.ts';
import { OutboxRepo } from '../../../src/alerts/outbox-repo.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import type { Logger } from '../../../src/platform/logger.ts';
import { silentLogger } from '../../../src/platform/logger.ts';
import { openDatabase, type Database } from '../../../src/store/db.ts';

/** Delivers published payloads to the handler subscribed on the exact topic, like the broker. */
class TopicBus implements AckSubscriber {
  readonly handlers = new Map<string, (payload: Buffer, topic: string) => void>();
  subscribe(topic: string, _qos: 0 | 1 | 2, handler: (payload: Buffer, topic: string) => void): () => void {
    this.handlers.set(topic, handler);
    return () => this.handlers.delete(topic);
  }
  deliver(topic: string, payload: string): void {
    this.handlers.get(topic)?.(Buffer.from(payload), topic);
  }
}

let dir: string;
let db: Database;
let outbox: OutboxRepo;
let bus: TopicBus;
let warnings: string[];
let acked: number[];
let receiver: AckReceiver;
const TOPIC = 'alpr/pd/car-7/ack';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-test-'));
  db = openDatabase(join(dir, 'alpr.db'));
  outbox = new OutboxRepo(db);
  bus = new TopicBus();
  warnings = [];
  acked = [];
  const logger = silentLogger();
  const spy = Object.assign(Object.create(logger) as Logger, {
    warn: (obj: { err?: string }, msg: string) => warnings.push(`${msg}: ${obj.err ?? ''}`),
  });
  receiver = new AckReceiver({ transport: bus, topic: TOPIC, outbox, clock: new ManualClock(5_000), logger: spy, onAcked: (n) => acked.push(n) });
  receiver.start();
  for (const id of ['h1', 'h2']) outbox.enqueue({ messageId: id, topic: 't', payload: id, qos: 1, createdAt: 1 });
});
afterEach(() => {
  receiver.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const ack = (ids: unknown): string => JSON.stringify({ v: 1, ids, receiver: 'central-1', at: '2026-11-28T19:00:00.000Z' });

describe('AckReceiver', () => {
  it('marks the acknowledged hits acked and ignores unknown ids', () => {
    bus.deliver(TOPIC, ack(['h1', 'not-ours']));
    expect(outbox.get('h1')).toMatchObject({ state: 'acked', ackedAt: 5_000 });
    expect(outbox.get('h2')?.state).toBe('pending');
    expect(acked).toEqual([1]);
    bus.deliver(TOPIC, ack(['not-ours']));
    expect(acked).toEqual([1]);
    expect(receiver.stats()).toEqual({ received: 2, malformed: 0, applied: 1 });
  });

  it('logs a malformed ack with the reason and changes nothing', () => {
    bus.deliver(TOPIC, '{not json');
    bus.deliver(TOPIC, ack([]));
    bus.deliver(TOPIC, JSON.stringify({ v: 2, ids: ['h1'], receiver: 'x', at: '2026-11-28T19:00:00.000Z' }));
    bus.deliver(TOPIC, ack(['h1', 42]));
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatch(/malformed ack ignored: not JSON/);
    expect(warnings[1]).toMatch(/ids: /);
    expect(warnings[2]).toMatch(/v: /);
    expect(warnings[3]).toMatch(/ids\.1: /);
    expect(outbox.counts().pending).toBe(2);
    expect(receiver.stats()).toEqual({ received: 4, malformed: 4, applied: 0 });
  });

  it('stops listening on stop()', () => {
    receiver.stop();
    expect(bus.handlers.has(TOPIC)).toBe(false);
  });
});
