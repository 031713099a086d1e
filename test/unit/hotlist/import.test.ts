import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importHotlistFile } from '../../../src/hotlist/import.ts';
import { matchExact } from '../../../src/hotlist/match.ts';
import { HotlistRepo } from '../../../src/hotlist/repo.ts';
import { isAlprError } from '../../../src/errors.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { openDatabase, type Database } from '../../../src/store/db.ts';

const HEADER = 'plate,state,list,reason,case_number\n';

let dir: string;
let db: Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-test-'));
  db = openDatabase(join(dir, 'alpr.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('importHotlistFile', () => {
  it('stores the entries, normalised, findable by exact plate', () => {
    const clock = new ManualClock(5_000);
    const r = importHotlistFile(db, file('a.csv', HEADER + 'abc-123,CA,stolen,Stolen car,C1\nXYZ9,,amber,,\n'), { mode: 'apply-valid', clock });
    expect(r).toMatchObject({ applied: true, imported: 2, replaced: 0, errors: [] });
    const repo = new HotlistRepo(db);
    expect(repo.findExact('ABC 123')).toEqual([
      { id: expect.any(String), plate: 'ABC123', state: 'CA', list: 'stolen', reason: 'Stolen car', caseNumber: 'C1', source: r.source, importedAt: 5_000 },
    ]);
    expect(matchExact(repo, 'xyz9')).toMatchObject([{ rule: 'exact', entry: { list: 'amber' } }]);
    expect(repo.findExact('NOPE')).toEqual([]);
  });

  it('replaces the previous entries of the same source only', () => {
    importHotlistFile(db, file('a.csv', HEADER + 'AAA111,CA,stolen,,\nBBB222,CA,stolen,,\n'), { mode: 'apply-valid', source: 'state-feed' });
    importHotlistFile(db, file('local.csv', HEADER + 'LOC1,CA,local,,\n'), { mode: 'apply-valid', source: 'local' });
    const r = importHotlistFile(db, file('b.csv', HEADER + 'CCC333,CA,stolen,,\n'), { mode: 'apply-valid', source: 'state-feed' });
    expect(r).toMatchObject({ applied: true, imported: 1, replaced: 2 });
    const repo = new HotlistRepo(db);
    expect(repo.findExact('AAA111')).toEqual([]);
    expect(repo.findExact('CCC333')).toHaveLength(1);
    expect(repo.findExact('LOC1')).toHaveLength(1);
    expect(repo.count()).toBe(2);
  });

  it('all-or-nothing: a file with a bad line leaves the previous list intact', () => {
    const good = file('good.csv', HEADER + 'AAA111,CA,stolen,,\nBBB222,CA,stolen,,\n');
    importHotlistFile(db, good, { mode: 'all-or-nothing', source: 'feed' });
    const bad = file('bad.csv', HEADER + 'CCC333,CA,stolen,,\n,CA,stolen,,\n');
    const r = importHotlistFile(db, bad, { mode: 'all-or-nothing', source: 'feed' });
    expect(r).toMatchObject({ applied: false, imported: 0, valid: 1, errors: [{ line: 3, message: 'empty plate' }] });
    const repo = new HotlistRepo(db);
    expect(repo.findExact('AAA111')).toHaveLength(1);
    expect(repo.findExact('CCC333')).toEqual([]);
    expect(repo.countBySource('feed')).toBe(2);
  });

  it('apply-valid: stores the good lines and reports the bad ones', () => {
    importHotlistFile(db, file('old.csv', HEADER + 'OLD1,CA,stolen,,\n'), { mode: 'apply-valid', source: 'feed' });
    const r = importHotlistFile(db, file('new.csv', HEADER + 'NEW1,CA,stolen,,\nNEW2,Calif,stolen,,\nNEW3,,stolen,,\n'), { mode: 'apply-valid', source: 'feed' });
    expect(r).toMatchObject({ applied: true, imported: 2, replaced: 1, errors: [{ line: 3 }] });
    expect(new HotlistRepo(db).countBySource('feed')).toBe(2);
  });

  it('never applies a structurally broken file or one without a good line, in either mode', () => {
    importHotlistFile(db, file('old.csv', HEADER + 'OLD1,CA,stolen,,\n'), { mode: 'apply-valid', source: 'feed' });
    const broken = file('broken.csv', 'plate;state;list\nX;Y;Z\n');
    expect(importHotlistFile(db, broken, { mode: 'apply-valid', source: 'feed' })).toMatchObject({ applied: false });
    const allBad = file('allbad.csv', HEADER + ',CA,stolen,,\n');
    expect(importHotlistFile(db, allBad, { mode: 'apply-valid', source: 'feed' })).toMatchObject({ applied: false, rejectedBecause: 'no valid entries' });
    expect(new HotlistRepo(db).findExact('OLD1')).toHaveLength(1);
  });

  it('an unreadable file is a HOTLIST_INVALID error', () => {
    let caught: unknown;
    try {
      importHotlistFile(db, join(dir, 'missing.csv'), { mode: 'apply-valid' });
    } catch (err) {
      caught = err;
    }
    expect(isAlprError(caught, 'HOTLIST_INVALID')).toBe(true);
  });
});

describe('bulk load of a big list', () => {
  it('sets the plate index aside and rebuilds it in the same transaction; other lists and the page cache stay as they were', () => {
    const clock = new ManualClock(5_000);
    importHotlistFile(db, file('small.csv', HEADER + 'KEEP1,CA,stolen,,\n'), { mode: 'all-or-nothing', source: 'other', clock });
    const cacheBefore = db.pragma('cache_size', { simple: true });
    const rows = Array.from({ length: 60_000 }, (_, i) => `B${i.toString(36).toUpperCase()},CA,stolen,,C-${i}`);
    const big = file('big.csv', HEADER + rows.join('\n') + '\n');
    expect(importHotlistFile(db, big, { mode: 'all-or-nothing', source: 'state', clock })).toMatchObject({ applied: true, imported: 60_000 });
    // Again, replacing the 60,000 rows in force.
    expect(importHotlistFile(db, big, { mode: 'all-or-nothing', source: 'state', clock })).toMatchObject({ applied: true, imported: 60_000, replaced: 60_000 });
    const index = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'hotlist_entries_plate'").get() as { sql: string } | undefined;
    expect(index?.sql).toBe('CREATE INDEX hotlist_entries_plate ON hotlist_entries(plate)');
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM hotlist_entries WHERE plate = 'B1Z'").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX hotlist_entries_plate/);
    const repo = new HotlistRepo(db);
    expect(repo.findExact('B1Z')).toMatchObject([{ plate: 'B1Z', caseNumber: `C-${parseInt('1Z', 36)}`, source: 'state' }]);
    expect(repo.findExact('KEEP1')).toHaveLength(1);
    expect(repo.count()).toBe(60_001);
    expect(db.prepare('SELECT COUNT(*) AS n FROM hotlist_entries').get()).toEqual({ n: 60_001 });
    expect(db.pragma('cache_size', { simple: true })).toBe(cacheBefore);
  });
});
