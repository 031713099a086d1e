import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/store/db.ts';
import { DetectionFramesRepo } from '../../../src/store/detection-frames.ts';
import { checkDisposition, DispositionsRepo } from '../../../src/store/dispositions-repo.ts';
import { openApiDatabase, seedHit, seedRead } from '../../support/api-db.ts';

let dir: string;
let db: Database;
const officer = { userId: 'u1', username: 'pat' };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-disp-'));
  db = openApiDatabase(join(dir, 'alpr.db'));
  seedRead(db, { id: 'd1', plate: '6TRK902', capturedAt: 1000 });
  seedHit(db, { id: 'h1', detectionId: 'd1', plate: '6TRK902', createdAt: 1000 });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('checkDisposition (pure)', () => {
  it('needs the verification tick, and a report number for a stop', () => {
    expect(() => checkDisposition({ outcome: 'confirmed', verified: false })).toThrow(/verified against the image/);
    expect(() => checkDisposition({ outcome: 'stop-made', verified: true, reportNumber: '  ' })).toThrow(/report number/);
    expect(checkDisposition({ outcome: 'stop-made', verified: true, reportNumber: ' R-77 ', note: '' })).toEqual({
      outcome: 'stop-made',
      reportNumber: 'R-77',
      note: null,
    });
    expect(() => checkDisposition({ outcome: 'arrested' as never, verified: true })).toThrow(/one of confirmed, misread/);
  });
});

describe('DispositionsRepo', () => {
  it('stores dispositions against the hit, oldest first, and never edits one', () => {
    const repo = new DispositionsRepo(db);
    repo.add('x1', 'h1', { outcome: 'not-located', verified: true }, officer, 2000);
    repo.add('x2', 'h1', { outcome: 'stop-made', verified: true, reportNumber: 'R-77' }, officer, 3000);
    expect(repo.byHit('h1').map((d) => [d.outcome, d.reportNumber, d.username])).toEqual([
      ['not-located', null, 'pat'],
      ['stop-made', 'R-77', 'pat'],
    ]);
    expect(() => db.prepare("UPDATE hit_dispositions SET outcome = 'confirmed' WHERE id = 'x1'").run()).toThrow(/append-only/);
    // The table itself refuses a stop without a report number, whatever the code does.
    expect(() =>
      db.prepare("INSERT INTO hit_dispositions (id, hit_id, outcome, user_id, username, created_at) VALUES ('x3', 'h1', 'stop-made', 'u1', 'pat', 1)").run(),
    ).toThrow(/CHECK/);
  });

  it('refuses a disposition for an unknown hit', () => {
    expect(() => new DispositionsRepo(db).add('x1', 'nope', { outcome: 'confirmed', verified: true }, officer, 1)).toThrow(/no hit with id nope/);
  });

  it('goes with its hit, and the frame with its detection, when retention deletes them', () => {
    new DispositionsRepo(db).add('x1', 'h1', { outcome: 'confirmed', verified: true }, officer, 2000);
    const frames = new DetectionFramesRepo(db);
    frames.put('d1', { jpeg: Buffer.from([0xff, 0xd8, 0xff]), width: 640, height: 360 });
    expect(frames.get('d1')?.width).toBe(640);
    db.prepare("DELETE FROM hits WHERE id = 'h1'").run();
    db.prepare("DELETE FROM detections WHERE id = 'd1'").run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM hit_dispositions').get()).toEqual({ n: 0 });
    expect(frames.has('d1')).toBe(false);
  });
});
