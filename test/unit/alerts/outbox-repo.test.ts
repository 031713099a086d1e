import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxRepo } from '../../../src/alerts/outbox-repo.ts';
import { openDatabase, type Database } from '../../../src/store/db.ts';

let dir: string;
let db: Database;
let outbox: OutboxRepo;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-test-'));
  db = openDatabase(join(dir, 'alpr.db'));
  outbox = new OutboxRepo(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('OutboxRepo', () => {
  it('keeps pending rows in seq order, counts depth and the oldest age', () => {
    expect(outbox.depth()).toBe(0);
    expect(outbox.oldestPendingAgeMs(1_000)).toBeNull();
    const a = outbox.enqueue({ messageId: 'm1', topic: 't', payload: '{"a":1}', qos: 1, createdAt: 100 });
    const b = outbox.enqueue({ messageId: 'm2', topic: 't', payload: Buffer.from([1, 2, 3]), qos: 1, createdAt: 200 });
    expect(b).toBeGreaterThan(a);
    expect(outbox.pending().map((m) => m.messageId)).toEqual(['m1', 'm2']);
    expect(outbox.pending()[1]?.payload).toEqual(Buffer.from([1, 2, 3]));
    expect(outbox.depth()).toBe(2);
    expect(outbox.oldestPendingAgeMs(1_000)).toBe(900);
    expect(() => outbox.enqueue({ messageId: 'm1', topic: 't', payload: 'x', qos: 1, createdAt: 300 })).toThrow(/UNIQUE/);
  });

  it('marks sent (never re-published when no ack is expected), and schedules failed rows for later', () => {
    const a = outbox.enqueue({ messageId: 'm1', topic: 't', payload: 'x', qos: 1, createdAt: 100 });
    const b = outbox.enqueue({ messageId: 'm2', topic: 't', payload: 'y', qos: 1, createdAt: 100 });
    outbox.markFailed(a, 'broker said no', 5_000);
    expect(outbox.get('m1')).toMatchObject({ attempts: 1, lastError: 'broker said no', nextAttemptAt: 5_000, state: 'pending' });
    expect(outbox.due(1_000).map((m) => m.messageId)).toEqual(['m2']);
    expect(outbox.nextAttemptAt()).toBe(100);
    expect(outbox.markSent(b, 1_100)).toBe(true);
    expect(outbox.get('m2')).toMatchObject({ state: 'sent', sentAt: 1_100, sends: 1 });
    expect(outbox.nextAttemptAt()).toBe(5_000);
    expect(outbox.due(5_000).map((m) => m.messageId)).toEqual(['m1']);
    expect(outbox.depth()).toBe(1);
  });

  it('follows pending → sent → acked: an overdue ack makes a sent row due again; acks end it, unknown ids are ignored', () => {
    const a = outbox.enqueue({ messageId: 'h1', topic: 't', payload: 'x', qos: 1, createdAt: 100 });
    const b = outbox.enqueue({ messageId: 'h2', topic: 't', payload: 'y', qos: 1, createdAt: 200 });
    outbox.enqueue({ messageId: 'h3', topic: 't', payload: 'z', qos: 1, createdAt: 300 });
    expect(outbox.markSentMany([{ seq: a, nextAttemptAt: 10_000 }, { seq: b, nextAttemptAt: 10_000 }], 1_000)).toBe(2);
    expect(outbox.counts()).toEqual({ pending: 1, sent: 2, oldestPendingAt: 300, oldestUnackedAt: 100 });
    expect(outbox.due(9_999).map((m) => m.messageId)).toEqual(['h3']);
    expect(outbox.due(10_000).map((m) => m.messageId)).toEqual(['h1', 'h2', 'h3']);
    expect(outbox.due(10_000, 10, a).map((m) => m.messageId)).toEqual(['h2', 'h3']);
    // A re-publish's PUBACK counts again and pushes the next try out.
    expect(outbox.markSent(a, 10_500, 30_000)).toBe(true);
    expect(outbox.get('h1')).toMatchObject({ state: 'sent', sends: 2, sentAt: 10_500, nextAttemptAt: 30_000 });

    // h3 was stored centrally although its PUBACK was lost: acked straight from pending.
    expect(outbox.markAcked(['h1', 'h3', 'unknown', 'h1'], 11_000)).toBe(2);
    expect(outbox.get('h1')).toMatchObject({ state: 'acked', ackedAt: 11_000 });
    expect(outbox.get('h3')).toMatchObject({ state: 'acked', ackedAt: 11_000 });
    expect(outbox.markAcked(['h1'], 12_000)).toBe(0);
    expect(outbox.get('h1')?.ackedAt).toBe(11_000);
    // A late PUBACK never takes an acked row back.
    expect(outbox.markSent(a, 12_000, 40_000)).toBe(false);
    expect(outbox.due(1e12).map((m) => m.messageId)).toEqual(['h2']);
    expect(outbox.counts()).toEqual({ pending: 0, sent: 1, oldestPendingAt: null, oldestUnackedAt: 200 });
  });

  it('acknowledges more ids than one statement holds', () => {
    const ids = Array.from({ length: 1_200 }, (_, i) => `h${i}`);
    for (const id of ids) outbox.enqueue({ messageId: id, topic: 't', payload: id, qos: 1, createdAt: 1 });
    expect(outbox.markAcked(ids, 5)).toBe(1_200);
    expect(outbox.counts().pending).toBe(0);
  });
});
