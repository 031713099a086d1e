import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DetectionRecorder } from '../../../src/alerts/recorder.ts';
import type { PassDecision } from '../../../src/app/camera-pipeline.ts';
import { PassRecorder, type ReadEvent } from '../../../src/app/pass-recorder.ts';
import { HotlistRepo } from '../../../src/hotlist/repo.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { CropWriter } from '../../../src/store/crop-writer.ts';
import { databaseFile, openDatabase, type Database } from '../../../src/store/db.ts';
import { HitsRepo } from '../../../src/store/hits-repo.ts';
import { createIdGenerator } from '../../../src/store/ids.ts';
import { entry, exact } from '../alerts/fixtures.ts';

const T = Date.UTC(2025, 2, 1, 12);
let dir: string;
let db: Database;
let writer: CropWriter;
let events: ReadEvent[];

function recorder(): PassRecorder {
  const clock = new ManualClock(T);
  const detections = new DetectionRecorder(db, { clock, newId: createIdGenerator(clock), hitsTopic: 'a/b/c/hits', agency: 'a', deviceId: 'd' });
  const stolen = exact(entry({ id: 'e-stolen', plate: '6TRK902' }));
  return new PassRecorder({
    dataDir: dir,
    cropQuality: 80,
    cropWriter: writer,
    lazyCrops: true,
    hitWindowMs: 10_000,
    recorder: detections,
    hotlist: new HotlistRepo(db),
    matcher: {
      match: ({ text }) => (text === '6TRK902' ? [stolen] : []),
    },
    onRead: (e) => events.push(e),
  });
}

/** A pass (track) of `text` last seen at `at`, without pixels (no crop). */
function pass(trackId: string, text: string, at: number): PassDecision {
  const box = { x: 10, y: 10, w: 100, h: 30 };
  return {
    cameraId: 'cam1',
    pixels: null,
    track: {
      trackId,
      time: at,
      vote: { text, confidence: 0.95, alternatives: [], support: 2 },
      frames: 2,
      firstSeen: at - 100,
      lastSeen: at,
      box,
      best: { text, confidence: 0.95, candidates: [], box, capturedAt: at },
    },
  } as PassDecision;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-pass-recorder-'));
  db = openDatabase(databaseFile(dir));
  writer = new CropWriter(dir);
  events = [];
});
afterEach(async () => {
  await writer.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('PassRecorder', () => {
  it('alerts once for a pass split in two tracks, and again for the same plate after the window', async () => {
    const r = recorder();
    await r.passConfident(pass('t1', '6TRK902', T));
    await r.passConfident(pass('t2', '6TRK902', T + 600)); // the second track of the same vehicle
    await r.passEnded(pass('t1', '6TRK902', T + 800));
    await r.passEnded(pass('t2', '6TRK902', T + 900));
    expect(new HitsRepo(db).count()).toBe(1);
    expect(events.filter((e) => e.hits.length > 0)).toHaveLength(1);
    await r.passConfident(pass('t3', '6TRK902', T + 20_000));
    expect(new HitsRepo(db).count()).toBe(2);
  });

  it('a hit whose early store failed is still made at the pass end', async () => {
    const r = recorder();
    await r.passConfident(pass('t1', '6TRK902', T));
    expect(new HitsRepo(db).count()).toBe(1);
    // A later vehicle whose early store fails (the commit throws) keeps its entry hittable.
    db.exec("CREATE TRIGGER no_hits BEFORE INSERT ON hits BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    await expect(r.passConfident(pass('t2', '6TRK902', T + 30_000))).rejects.toThrow(/disk full/);
    db.exec('DROP TRIGGER no_hits');
    await r.passEnded(pass('t2', '6TRK902', T + 30_500));
    expect(new HitsRepo(db).count()).toBe(2);
  });
});
