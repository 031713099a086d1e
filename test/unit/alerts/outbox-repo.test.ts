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

  it('marks sent once, and schedules failed rows for later', () => {
    const a = outbox.enqueue({ messageId: 'm1', topic: 't', payload: 'x', qos: 1, createdAt: 100 });
    const b = outbox.enqueue({ messageId: 'm2', topic: 't', payload: 'y', qos: 1, createdAt: 100 });
    outbox.markFailed(a, 'broker said no', 5_000);
    expect(outbox.get('m1')).toMatchObject({ attempts: 1, lastError: 'broker said no', nextAttemptAt: 5_000, state: 'pending' });
    expect(outbox.due(1_000).map((m) => m.messageId)).toEqual(['m2']);
    expect(outbox.nextAttemptAt()).toBe(100);
    expect(outbox.markSent(b, 1_100)).toBe(true);
    expect(outbox.markSent(b, 1_200)).toBe(false);
    expect(outbox.get('m2')).toMatchObject({ state: 'sent', sentAt: 1_100 });
    expect(outbox.nextAttemptAt()).toBe(5_000);
    expect(outbox.due(5_000).map((m) => m.messageId)).toEqual(['m1']);
    expect(outbox.depth()).toBe(1);
  });
});
