import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HotlistCache } from '../../../src/hotlist/cache.ts';
import { importHotlistText } from '../../../src/hotlist/import.ts';
import { buildMatchIndex, packedMatchIndex } from '../../../src/hotlist/match-index.ts';
import { matchIndexes } from '../../../src/hotlist/match.ts';
import { PackedBuilder, type PackedRow } from '../../../src/hotlist/packed-builder.ts';
import { transferables } from '../../../src/hotlist/packed-index.ts';
import type { HotlistEntry } from '../../../src/hotlist/types.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { openDatabase, type Database } from '../../../src/store/db.ts';

function rowOf(e: HotlistEntry): PackedRow {
  return {
    id: e.id,
    plate: e.plate,
    state: e.state,
    list: e.list,
    reason: e.reason,
    case_number: e.caseNumber,
    source: e.source,
    imported_at: e.importedAt,
    vehicle: e.vehicle === undefined || e.vehicle === null ? null : JSON.stringify(e.vehicle),
  };
}

/** Deterministic entries that collide a lot: short plates over confusable characters, shared keys. */
function entries(n: number): HotlistEntry[] {
  let s = 12345;
  const rnd = (k: number): number => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s >>> 8) % k;
  };
  const chars = '0ODQ1IL8B5S2Z6GAX7';
  const out: HotlistEntry[] = [];
  for (let i = 0; i < n; i++) {
    let plate = '';
    for (let k = 0, len = 3 + rnd(3); k < len; k++) plate += chars[rnd(chars.length)];
    if (i % 97 === 0) plate = `${plate.slice(0, 2)}*`;
    const e: HotlistEntry = {
      id: `e${i}`,
      plate,
      state: i % 3 === 0 ? null : ['CA', 'NV'][i % 2] as string,
      list: ['stolen-vehicle', 'felony'][i % 2] as string,
      reason: i % 5 === 0 ? null : `Grund ${i % 7} – Entführung`,
      caseNumber: i % 4 === 0 ? null : `C-${i}`,
      source: i % 2 === 0 ? 'state' : 'ncic',
      importedAt: 1_700_000_000_000 + i,
    };
    if (i % 6 === 0) e.vehicle = { year: 2019, make: 'TOYT', model: null, colour: 'BLK' };
    out.push(e);
  }
  return out;
}

describe('packed match index', () => {
  it('finds exactly what the Map index finds, fields and order included', () => {
    const all = entries(3_000);
    const b = new PackedBuilder(10); // grows past its first allocation
    for (const e of all) b.add(rowOf(e));
    const parts = b.finish();
    expect(parts.count + parts.patterns.length).toBe(all.length);
    const packed = packedMatchIndex(parts);
    const objects = buildMatchIndex(all);
    let hits = 0;
    for (const text of ['0O1', 'DQ8B', 'ZZ', '5S2', 'AX7', 'I1L', 'QQQQQ', '6G6G', 'OD', 'XA7XX']) {
      for (const state of [null, 'CA']) {
        const want = matchIndexes([objects], { text, state, candidates: [{ text: `${text}0` }] }, 0);
        expect(matchIndexes([packed], { text, state, candidates: [{ text: `${text}0` }] }, 0)).toEqual(want);
        hits += want.length;
      }
    }
    expect(hits).toBeGreaterThan(50);
  });

  it('holds its data in transferable typed arrays (no per-entry objects)', () => {
    const b = new PackedBuilder();
    for (const e of entries(500)) b.add(rowOf(e));
    const parts = b.finish();
    const buffers = transferables(parts);
    expect(buffers.length).toBeGreaterThanOrEqual(10);
    // A structured clone with transfer moves the arrays: the index still works on the copy.
    const moved = structuredClone(parts, { transfer: buffers });
    expect(parts.plate.bytes.byteLength).toBe(0);
    expect(packedMatchIndex(moved).lookup('0O1'.replace(/O/g, '0'))).toEqual(buildMatchIndex(entries(500)).lookup('001'));
  });
});

describe('the cache builds the imported lists in a worker thread', () => {
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

  it('reads the file in a worker, swaps the new list in; small lists and in-memory databases on this thread', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const csv = (plate: string): string => `plate,state,list,reason,case_number\n${plate},CA,stolen-vehicle,Stolen,26-1\n`;
    importHotlistText(db, csv('ABC123'), 'a.csv', { mode: 'all-or-nothing', source: 'state', clock });
    const cache = new HotlistCache(db, { clock, maxAgeMs: () => null, workerMinEntries: 1 });
    expect(await cache.refresh()).toBe(true);
    expect(cache.stats()).toMatchObject({ entries: 1, builtIn: 'worker' });
    expect(cache.match({ text: 'A8C1Z3' })).toMatchObject([{ rule: 'confusable', entry: { plate: 'ABC123', caseNumber: '26-1', state: 'CA' } }]);

    importHotlistText(db, csv('XYZ789'), 'b.csv', { mode: 'all-or-nothing', source: 'state', clock });
    expect(await cache.refresh()).toBe(true);
    expect(cache.match({ text: 'ABC123' })).toEqual([]);
    expect(cache.match({ text: 'XYZ789' })).toMatchObject([{ rule: 'exact' }]);
    expect(await cache.refresh()).toBe(false); // nothing changed: no rebuild

    const small = new HotlistCache(db, { clock, maxAgeMs: () => null });
    await small.refresh();
    expect(small.stats()).toMatchObject({ entries: 1, builtIn: 'main' });

    const mem = openDatabase(':memory:');
    importHotlistText(mem, csv('MEM111'), 'm.csv', { mode: 'all-or-nothing', source: 'state', clock });
    const memCache = new HotlistCache(mem, { clock, maxAgeMs: () => null });
    await memCache.refresh();
    expect(memCache.stats().builtIn).toBe('main');
    expect(memCache.match({ text: 'MEM111' })).toMatchObject([{ rule: 'exact' }]);
    mem.close();
  });
});
