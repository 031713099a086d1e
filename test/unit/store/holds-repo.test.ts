import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAlprError } from '../../../src/errors.ts';
import { openDatabase, type Database } from '../../../src/store/db.ts';
import { HoldsRepo } from '../../../src/store/holds-repo.ts';

let dir: string;
let db: Database;
let holds: HoldsRepo;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-holds-'));
  db = openDatabase(join(dir, 'alpr.db'));
  db.exec(`INSERT INTO detections (id, captured_at, camera_id, plate, confidence, box_x, box_y, box_w, box_h, created_at)
    VALUES ('d1', 1, 'c', 'ABC123', 0.9, 0, 0, 1, 1, 1), ('d2', 2, 'c', 'XYZ789', 0.9, 0, 0, 1, 1, 2)`);
  holds = new HoldsRepo(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isAlprError(err, 'USAGE')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('HoldsRepo', () => {
  it('adds, lists and releases holds, keeping a history of both', () => {
    const h = holds.add({ id: 'h1', detectionId: 'd1', caseNumber: ' C-1 ', heldBy: 'officer', reason: 'court', createdAt: 10 });
    expect(h).toMatchObject({ id: 'h1', caseNumber: 'C-1', releasedAt: null });
    holds.add({ id: 'h2', detectionId: 'd1', caseNumber: 'C-2', heldBy: 'officer', reason: 'second case', createdAt: 11 });
    expect(holds.list().map((x) => x.id)).toEqual(['h1', 'h2']);
    expect(holds.isHeld('d1')).toBe(true);
    expect(holds.isHeld('d2')).toBe(false);

    const released = holds.release('h1', { releasedBy: 'sergeant', releaseReason: 'closed', releasedAt: 20 });
    expect(released).toMatchObject({ releasedAt: 20, releasedBy: 'sergeant', releaseReason: 'closed' });
    expect(holds.isHeld('d1')).toBe(true); // h2 still active
    holds.release('h2', { releasedBy: 'sergeant', releaseReason: 'closed', releasedAt: 21 });
    expect(holds.isHeld('d1')).toBe(false);
    expect(holds.list()).toEqual([]);
    expect(holds.list(true)).toHaveLength(2);
    expect(holds.byDetection('d1')).toHaveLength(2);
    expect(holds.history('h1')).toEqual([
      { seq: 1, holdId: 'h1', detectionId: 'd1', action: 'hold', at: 10, actor: 'officer', caseNumber: 'C-1', reason: 'court' },
      { seq: 3, holdId: 'h1', detectionId: 'd1', action: 'release', at: 20, actor: 'sergeant', caseNumber: 'C-1', reason: 'closed' },
    ]);
  });

  it('refuses an unknown detection, an unknown hold, a second release and empty fields', () => {
    expect(usageError(() => holds.add({ id: 'h1', detectionId: 'nope', caseNumber: 'C', heldBy: 'u', reason: 'r', createdAt: 1 }))).toMatch(
      /no detection with id nope/,
    );
    expect(usageError(() => holds.release('nope', { releasedBy: 'u', releaseReason: 'r', releasedAt: 1 }))).toMatch(/no evidence hold/);
    holds.add({ id: 'h1', detectionId: 'd1', caseNumber: 'C', heldBy: 'u', reason: 'r', createdAt: 1 });
    holds.release('h1', { releasedBy: 'u', releaseReason: 'r', releasedAt: 2 });
    expect(usageError(() => holds.release('h1', { releasedBy: 'u', releaseReason: 'r', releasedAt: 3 }))).toMatch(/already released/);
    expect(usageError(() => holds.add({ id: 'h2', detectionId: 'd1', caseNumber: '  ', heldBy: 'u', reason: 'r', createdAt: 1 }))).toMatch(
      /case number must not be empty/,
    );
    expect(db.prepare('SELECT COUNT(*) AS n FROM evidence_holds').get()).toEqual({ n: 1 });
  });

  it('holds and their log cannot be deleted or rewritten', () => {
    holds.add({ id: 'h1', detectionId: 'd1', caseNumber: 'C', heldBy: 'u', reason: 'r', createdAt: 1 });
    expect(() => db.prepare('DELETE FROM evidence_holds').run()).toThrow(/never deleted/);
    expect(() => db.prepare("UPDATE evidence_holds SET case_number = 'X'").run()).toThrow(/only be released/);
    expect(() => db.prepare('DELETE FROM evidence_hold_log').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE evidence_hold_log SET actor = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM detections WHERE id = 'd1'").run()).toThrow(/evidence hold/);
  });
});
