import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HitMessage } from '../../../src/alerts/hit-message.ts';
import { OutboxRepo } from '../../../src/alerts/outbox-repo.ts';
import { DetectionRecorder } from '../../../src/alerts/recorder.ts';
import { HotlistCache } from '../../../src/hotlist/cache.ts';
import { importHotlistStaged, importHotlistText } from '../../../src/hotlist/import.ts';
import { HotlistRepo } from '../../../src/hotlist/repo.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { openDatabase, type Database } from '../../../src/store/db.ts';
import { HitsRepo } from '../../../src/store/hits-repo.ts';
import { createIdGenerator } from '../../../src/store/ids.ts';

const HEADER = 'plate,state,list,reason,case_number\n';
let dir: string;
let db: Database;
let clock: ManualClock;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-test-'));
  db = openDatabase(join(dir, 'alpr.db'));
  clock = new ManualClock(Date.UTC(2026, 0, 1));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a confusable, stale hit end to end', () => {
  it('stores the rule, swapped characters, matched text and staleness in the hit row and message', async () => {
    importHotlistText(db, HEADER + 'ABC123,CA,stolen-vehicle,Stolen vehicle,26-1\n', 'feed.csv', { mode: 'all-or-nothing', source: 'feed', clock });
    const cache = new HotlistCache(db, { clock, maxAgeMs: () => 1_000 });
    await cache.refresh();
    clock.advance(5_000);
    const newId = createIdGenerator(clock);
    const recorder = new DetectionRecorder(db, { clock, newId, hitsTopic: 'alpr/a/d/hits', agency: 'a', deviceId: 'd' });
    const read = { text: 'A8C1Z3', confidence: 0.9, box: { x: 0, y: 0, w: 10, h: 5 }, candidates: [{ text: 'A8C1Z3', confidence: 0.9 }] };
    const matches = cache.match({ text: read.text, candidates: read.candidates });
    const r = recorder.recordDetection({ cameraId: 'cam1', capturedAt: clock.now(), read, crop: null, matches });
    const swaps = [
      { at: 1, read: '8', entry: 'B' },
      { at: 4, read: 'Z', entry: '2' },
    ];
    expect(new HitsRepo(db).byDetection(r.detectionId)).toMatchObject([{ matchRule: 'confusable', matchedText: 'A8C1Z3', swaps, stale: true, caseNumber: '26-1' }]);
    const msg = JSON.parse(String(new OutboxRepo(db).pending()[0]?.payload)) as HitMessage;
    expect(msg.match).toEqual({
      entryId: expect.any(String),
      list: 'stolen-vehicle',
      reason: 'Stolen vehicle',
      caseNumber: '26-1',
      rule: 'confusable',
      matchedText: 'A8C1Z3',
      swaps,
      stale: true,
      entryPlate: 'ABC123',
    });
  });
});

describe('staged import', () => {
  it('keeps the previous list in force until the swap, then removes it', async () => {
    importHotlistText(db, HEADER + 'OLD1,CA,stolen,,\nOLD2,CA,stolen,,\n', 'a.csv', { mode: 'all-or-nothing', source: 'feed', clock });
    const repo = new HotlistRepo(db);
    const seenDuring: number[] = [];
    const text = HEADER + Array.from({ length: 7 }, (_, i) => `NEW${i},CA,stolen,,`).join('\n');
    const p = importHotlistStaged(db, text, 'b.csv', {
      mode: 'all-or-nothing',
      source: 'feed',
      clock,
      chunkSize: 2,
      onActivated: () => {
        seenDuring.push(repo.countBySource('feed'));
      },
    });
    // While chunks are written, readers still see the old list only.
    await new Promise((r) => setImmediate(r));
    expect(repo.findExact('OLD1')).toHaveLength(1);
    expect(repo.findExact('NEW0')).toEqual([]);
    const r = await p;
    expect(r).toMatchObject({ applied: true, imported: 7, replaced: 2 });
    expect(seenDuring).toEqual([7]);
    expect(repo.findExact('OLD1')).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM hotlist_entries').get()).toEqual({ n: 7 });
  });

  it('a refused file changes nothing', async () => {
    importHotlistText(db, HEADER + 'OLD1,CA,stolen,,\n', 'a.csv', { mode: 'all-or-nothing', source: 'feed', clock });
    const r = await importHotlistStaged(db, HEADER + 'NEW1,CA,stolen,,\n,CA,stolen,,\n', 'b.csv', { mode: 'all-or-nothing', source: 'feed', clock });
    expect(r).toMatchObject({ applied: false, errors: [{ line: 3, message: 'empty plate' }] });
    expect(new HotlistRepo(db).findExact('OLD1')).toHaveLength(1);
    expect(db.prepare('SELECT COUNT(*) AS n FROM hotlist_entries').get()).toEqual({ n: 1 });
  });
});
