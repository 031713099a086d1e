/** The hash-chained audit log against a real SQLite file, tampered with raw SQL as an intruder would. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/audit/audit-log.ts';
import { canonicalJson, GENESIS_HASH } from '../../../src/audit/chain.ts';
import { T0, tempDb, type TestDb } from '../access/helpers.ts';

let t: TestDb;
let log: AuditLog;
beforeEach(() => {
  t = tempDb('alpr-audit-');
  log = new AuditLog(t.db, t.clock);
  for (let i = 1; i <= 6; i++) {
    t.clock.advance(1000);
    log.append({ userId: 'u1', username: 'pat', action: i % 2 ? 'search' : 'view-image', target: `det-${i}`, purpose: 'stolen car', caseNumber: `C-${i}`, detail: { z: 1, a: [i] } });
  }
});
afterEach(() => t.close());

/** What someone with the database file can do: drop the guards and edit rows. */
function tamper(sql: string, ...args: unknown[]): void {
  t.db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
  t.db.prepare(sql).run(...args);
}

describe('AuditLog', () => {
  it('chains entries from the genesis hash and verifies an intact log', () => {
    const all = log.list();
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(all[0]?.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < all.length; i++) expect(all[i]?.prevHash).toBe(all[i - 1]?.hash);
    expect(all[0]).toMatchObject({ at: T0 + 1000, username: 'pat', action: 'search', target: 'det-1', purpose: 'stolen car', caseNumber: 'C-1', detail: { a: [1], z: 1 } });
    expect(log.verify()).toEqual({ ok: true, count: 6 });
    expect(log.head()).toEqual({ seq: 6, hash: all[5]?.hash });
  });

  it('refuses UPDATE and DELETE at the SQL level', () => {
    expect(() => t.db.prepare("UPDATE audit_log SET username = 'x' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => t.db.prepare('DELETE FROM audit_log WHERE seq = 1').run()).toThrow(/append-only/);
  });

  it('detects a single flipped byte and names the seq', () => {
    const target = (t.db.prepare('SELECT target FROM audit_log WHERE seq = 4').get() as { target: string }).target;
    const flipped = String.fromCharCode(target.charCodeAt(0) ^ 1) + target.slice(1);
    tamper('UPDATE audit_log SET target = ? WHERE seq = 4', flipped);
    expect(log.verify()).toEqual({ ok: false, count: 3, at: 4, problem: 'entry seq 4 does not match its hash (edited)' });
  });

  it('detects an edited time, detail or stored hash', () => {
    tamper('UPDATE audit_log SET at = at + 1 WHERE seq = 2');
    expect(log.verify()).toMatchObject({ ok: false, at: 2 });
  });

  it('detects a deleted entry in the middle', () => {
    tamper('DELETE FROM audit_log WHERE seq = 3');
    expect(log.verify()).toEqual({ ok: false, count: 2, at: 3, problem: 'entry seq 3 is missing (deleted) before seq 4' });
  });

  it('detects entries deleted from the end', () => {
    tamper('DELETE FROM audit_log WHERE seq >= 5');
    expect(log.verify()).toEqual({ ok: false, count: 4, at: 5, problem: 'entries seq 5-6 were issued but are missing (deleted from the end)' });
    // A new append does not paper over the gap.
    log.append({ userId: null, username: 'system', action: 'purge' });
    expect(log.verify()).toMatchObject({ ok: false, at: 5 });
  });

  it('detects two swapped entries', () => {
    tamper('UPDATE audit_log SET seq = 100 WHERE seq = 2');
    tamper('UPDATE audit_log SET seq = 2 WHERE seq = 3');
    tamper('UPDATE audit_log SET seq = 3 WHERE seq = 100');
    const v = log.verify();
    expect(v).toMatchObject({ ok: false, at: 2, count: 1 });
    expect(v.ok ? '' : v.problem).toMatch(/entry seq 2 does not follow seq 1/);
  });

  it('filters by time, user and action, and stores detail as canonical JSON', () => {
    log.append({ userId: 'u2', username: 'lee', action: 'export', detail: { b: { y: 2, x: 1 }, a: null } });
    expect(log.list({ userId: 'u2' }).map((e) => e.action)).toEqual(['export']);
    expect(log.list({ action: 'view-image' }).map((e) => e.seq)).toEqual([2, 4, 6]);
    expect(log.list({ from: T0 + 2000, to: T0 + 4000 }).map((e) => e.seq)).toEqual([2, 3]);
    expect(log.list({ limit: 2, order: 'desc' }).map((e) => e.seq)).toEqual([7, 6]);
    expect((t.db.prepare('SELECT detail FROM audit_log WHERE seq = 7').get() as { detail: string }).detail).toBe('{"a":null,"b":{"x":1,"y":2}}');
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"e":2,"f":1}]},"b":1}');
  });

  it('names a missing field', () => {
    expect(() => log.append({ userId: null, username: '', action: 'x' })).toThrow(/needs username/);
    expect(() => log.append({ userId: null, username: 'x', action: '' })).toThrow(/needs action/);
  });

  it('keeps one chain across two connections to the same file', () => {
    const file = t.db.name;
    const other = new AuditLog(new (t.db.constructor as new (f: string) => typeof t.db)(file), t.clock);
    other.append({ userId: null, username: 'other', action: 'login' });
    log.append({ userId: null, username: 'first', action: 'login' });
    expect(log.verify()).toEqual({ ok: true, count: 8 });
  });
});
