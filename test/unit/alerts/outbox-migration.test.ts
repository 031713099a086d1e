import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxRepo } from '../../../src/alerts/outbox-repo.ts';
import { openDatabase } from '../../../src/store/db.ts';
import { migrations } from '../../../src/store/migrations.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('migration 6 (outbox acknowledgement)', () => {
  it('keeps every row: pending stays pending, rows sent under PUBACK-only delivery count as acked', () => {
    const file = join(dir, 'alpr.db');
    const before = migrations.filter((m) => m.version < 6);
    const old = openDatabase(file, { migrations: before });
    const insert = old.prepare(`INSERT INTO outbox (message_id, topic, payload, qos, created_at, state, attempts, next_attempt_at, sent_at)
      VALUES (?, 't', ?, 1, ?, ?, ?, ?, ?)`);
    insert.run('sent-1', 'payload-1', 100, 'sent', 0, 100, 150);
    insert.run('pending-1', Buffer.from([1, 2, 3]), 200, 'pending', 2, 900, null);
    old.close();

    const db = openDatabase(file);
    const outbox = new OutboxRepo(db);
    expect(outbox.get('sent-1')).toMatchObject({ state: 'acked', ackedAt: 150, sentAt: 150, sends: 1, payload: 'payload-1' });
    expect(outbox.get('pending-1')).toMatchObject({ state: 'pending', attempts: 2, nextAttemptAt: 900, sends: 0, ackedAt: null, payload: Buffer.from([1, 2, 3]) });
    // New rows continue the sequence.
    expect(outbox.enqueue({ messageId: 'new', topic: 't', payload: 'x', qos: 1, createdAt: 300 })).toBe(3);
    expect(() => db.prepare(`UPDATE outbox SET state = 'acked' WHERE message_id = 'new'`).run()).toThrow(/CHECK/);
    db.close();
  });
});
