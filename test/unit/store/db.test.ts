import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { isAlprError } from '../../../src/errors.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { openDatabase, schemaVersion } from '../../../src/store/db.ts';
import { migrations, type Migration } from '../../../src/store/migrations.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tables(db: ReturnType<typeof openDatabase>): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

describe('openDatabase', () => {
  it('creates the schema on an empty file with WAL and foreign keys', () => {
    const file = join(dir, 'sub', 'alpr.db');
    const db = openDatabase(file, { clock: new ManualClock(1234) });
    expect(tables(db)).toEqual(expect.arrayContaining(['detections', 'hits', 'hotlist_entries', 'outbox', 'schema_migrations']));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(250); // checkpoints small enough not to stall a frame
    expect(Number(db.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    expect(db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all()).toEqual(
      migrations.map((m) => ({ version: m.version, name: m.name, applied_at: 1234 })),
    );
    const indices = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map(
      (r) => r.name,
    );
    expect(indices).toEqual(expect.arrayContaining(['detections_plate', 'detections_captured_at', 'hotlist_entries_plate']));
    db.close();
  });

  it('re-opening is idempotent and keeps the data', () => {
    const file = join(dir, 'alpr.db');
    const a = openDatabase(file);
    a.prepare(`INSERT INTO hotlist_entries (id, plate, list, source, imported_at) VALUES ('e1', 'ABC123', 'stolen', 's', 1)`).run();
    a.close();
    const b = openDatabase(file);
    expect(schemaVersion(b)).toBe(migrations.length);
    expect(b.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: migrations.length });
    expect(b.prepare('SELECT plate FROM hotlist_entries').all()).toEqual([{ plate: 'ABC123' }]);
    b.close();
  });

  it('refuses a database written by a newer version, without touching it', () => {
    const file = join(dir, 'alpr.db');
    const db = openDatabase(file);
    db.prepare(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', 0)`).run();
    db.close();
    let caught: unknown;
    try {
      openDatabase(file);
    } catch (err) {
      caught = err;
    }
    expect(isAlprError(caught, 'STORE_SCHEMA_TOO_NEW')).toBe(true);
    expect((caught as Error).message).toContain(`schema version 99, newer than this alpr-edge supports (${migrations.length})`);
  });

  it('applies each migration in its own transaction: a failing one leaves the earlier ones applied', () => {
    const file = join(dir, 'alpr.db');
    const broken: Migration[] = [
      ...migrations,
      {
        version: migrations.length + 1,
        name: 'broken',
        up(db) {
          db.exec('CREATE TABLE half_done (x INTEGER)');
          db.exec('THIS IS NOT SQL');
        },
      },
    ];
    expect(() => openDatabase(file, { migrations: broken })).toThrow(/cannot prepare database/);
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(tables(db)).not.toContain('half_done');
    db.close();
  });
});
