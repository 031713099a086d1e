import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HIT_NOTICE, type HitMessage } from '../../../src/alerts/hit-message.ts';
import { OutboxRepo } from '../../../src/alerts/outbox-repo.ts';
import { hitMessageSchema } from '../../../src/mqtt/contract/hit.ts';
import { DetectionRecorder } from '../../../src/alerts/recorder.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { openDatabase, type Database } from '../../../src/store/db.ts';
import { DetectionsRepo } from '../../../src/store/detections-repo.ts';
import { HitsRepo } from '../../../src/store/hits-repo.ts';
import { createIdGenerator } from '../../../src/store/ids.ts';
import { entry, exact, plateRead } from './fixtures.ts';

let dir: string;
let db: Database;
let clock: ManualClock;
let queued: number;
let recorder: DetectionRecorder;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-test-'));
  db = openDatabase(join(dir, 'alpr.db'));
  clock = new ManualClock(Date.UTC(2025, 0, 2, 3, 4, 5));
  queued = 0;
  recorder = new DetectionRecorder(db, {
    clock,
    newId: createIdGenerator(clock),
    hitsTopic: 'alpr/agency1/dev1/hits',
    agency: 'agency1',
    deviceId: 'dev1',
    onHitsQueued: () => queued++,
  });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function counts(): { detections: number; hits: number; outbox: number } {
  return { detections: new DetectionsRepo(db).count(), hits: new HitsRepo(db).count(), outbox: new OutboxRepo(db).depth() };
}

describe('DetectionRecorder.recordDetection', () => {
  it('stores a read without matches as a detection only', () => {
    const r = recorder.recordDetection({ cameraId: 'cam1', capturedAt: clock.now() - 50, read: plateRead('NOHIT1'), crop: null, matches: [] });
    expect(r.hits).toEqual([]);
    expect(counts()).toEqual({ detections: 1, hits: 0, outbox: 0 });
    expect(new DetectionsRepo(db).get(r.detectionId)).toMatchObject({
      plate: 'NOHIT1',
      cameraId: 'cam1',
      capturedAt: clock.now() - 50,
      cropPath: null,
      box: { x: 10, y: 20, w: 120, h: 30 },
      candidates: plateRead('NOHIT1').candidates,
    });
    expect(queued).toBe(0);
  });

  it('stores a hit and its outbox message for every match, with the crop in the payload', () => {
    const detectionId = recorder.newDetectionId();
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
    const capturedAt = clock.now() - 200;
    const r = recorder.recordDetection({
      detectionId,
      cameraId: 'cam1',
      capturedAt,
      read: plateRead(),
      crop: { path: 'crops/2025/01/02/x.jpg', jpeg },
      matches: [exact(entry()), exact(entry({ id: 'entry-2', list: 'amber', reason: null, caseNumber: null }))],
      passId: 'track-9',
      frame: { jpeg, width: 640, height: 360 },
      position: { fixType: '3d', lat: 51.5, lon: -0.12, fixAgeMs: 250, hdop: 1.1, satellites: 8 },
    });
    expect(r.detectionId).toBe(detectionId);
    expect(r.hits.map((h) => h.list)).toEqual(['stolen', 'amber']);
    expect(counts()).toEqual({ detections: 1, hits: 2, outbox: 2 });
    expect(queued).toBe(1);
    expect(new HitsRepo(db).byDetection(detectionId)).toEqual(r.hits);

    const [first] = new OutboxRepo(db).pending();
    expect(first).toMatchObject({ messageId: r.hits[0]?.id, topic: 'alpr/agency1/dev1/hits', qos: 1, attempts: 0 });
    const message = JSON.parse(String(first?.payload)) as HitMessage;
    expect(hitMessageSchema.parse(message)).toEqual(message);
    expect(message).toEqual({
      v: 1,
      id: r.hits[0]?.id,
      passId: 'track-9',
      time: new Date(capturedAt).toISOString(),
      device: 'dev1',
      agency: 'agency1',
      camera: 'cam1',
      plate: 'ABC123',
      confidence: 0.93,
      candidates: plateRead().candidates,
      match: { entryId: 'entry-1', list: 'stolen', reason: 'Stolen vehicle', caseNumber: 'C-42', rule: 'exact' },
      gps: {
        lat: 51.5,
        lon: -0.12,
        fixTime: new Date(capturedAt - 250).toISOString(),
        quality: { fixType: '3d', hdop: 1.1, satellites: 8, ageMs: 250, source: 'serial' },
        speedMps: null,
        headingDeg: null,
      },
      crop: { mime: 'image/jpeg', base64: jpeg.toString('base64') },
      frame: { mime: 'image/jpeg', base64: jpeg.toString('base64'), width: 640, height: 360 },
      notice: HIT_NOTICE,
    });
  });

  it('is atomic: a failing insert rolls back the detection, its hits and their outbox rows', () => {
    db.exec(`CREATE TRIGGER refuse_second BEFORE INSERT ON outbox
      WHEN (SELECT COUNT(*) FROM outbox) >= 1 BEGIN SELECT RAISE(ABORT, 'disk said no'); END`);
    expect(() =>
      recorder.recordDetection({
        cameraId: 'cam1',
        capturedAt: clock.now(),
        read: plateRead(),
        crop: null,
        matches: [exact(entry()), exact(entry({ id: 'entry-2' }))],
      }),
    ).toThrow(/disk said no/);
    expect(counts()).toEqual({ detections: 0, hits: 0, outbox: 0 });
    expect(queued).toBe(0);
  });
});

describe('DetectionRecorder.reviseDetection', () => {
  it('replaces an early decision with the final one and hits only the new entries', () => {
    const first = entry({ id: 'e1', plate: 'ABC1234' });
    const second = entry({ id: 'e2', plate: 'ABC1284' });
    const early = recorder.recordDetection({
      cameraId: 'cam1',
      capturedAt: clock.now(),
      read: plateRead('ABC1234'),
      crop: null,
      matches: [exact(first)],
      position: { fixType: 'surveyed', lat: 10, lon: 20, fixAgeMs: 0 },
    });
    const final = recorder.reviseDetection({
      detectionId: early.detectionId,
      cameraId: 'cam1',
      capturedAt: clock.now() + 400,
      read: { ...plateRead('ABC1284'), confidence: 0.97 },
      crop: { path: 'crops/x.jpg', jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xd9]) },
      matches: [exact(second)],
    });
    expect(final.detectionId).toBe(early.detectionId);
    expect(final.hits.map((h) => h.hotlistEntryId)).toEqual(['e2']);
    expect(counts()).toEqual({ detections: 1, hits: 2, outbox: 2 });
    expect(new DetectionsRepo(db).get(early.detectionId)).toMatchObject({ plate: 'ABC1284', confidence: 0.97, cropPath: 'crops/x.jpg', capturedAt: clock.now() + 400 });
    // The revision's hit carries the position stored with the early detection.
    const revised = new OutboxRepo(db).get(final.hits[0]?.id as string);
    const message = hitMessageSchema.parse(JSON.parse(String(revised?.payload)));
    expect(message.gps).toMatchObject({ lat: 10, lon: 20, quality: { fixType: 'surveyed', source: 'surveyed', ageMs: 0 } });
  });

  it('refuses to revise a detection that is not stored, and stores nothing', () => {
    expect(() =>
      recorder.reviseDetection({ detectionId: 'missing', cameraId: 'cam1', capturedAt: clock.now(), read: plateRead('ABC1234'), crop: null, matches: [exact(entry({ id: 'e1' }))] }),
    ).toThrow(/not in the store/);
    expect(counts()).toEqual({ detections: 0, hits: 0, outbox: 0 });
  });
});

describe('DetectionRecorder.recordDetectionSoon (grouped)', () => {
  it('commits the reads of one turn in one transaction; a bad read fails alone; one notice for the hits', async () => {
    // Counts the outermost transactions (commits); the nested ones are savepoints.
    let commits = 0;
    const transaction = db.transaction.bind(db);
    db.transaction = ((fn: (...a: unknown[]) => unknown) => {
      const t = transaction(fn);
      return (...args: unknown[]) => {
        if (!db.inTransaction) commits++;
        return t(...args);
      };
    }) as typeof db.transaction;
    const dup = recorder.newDetectionId();
    recorder.recordDetection({ detectionId: dup, cameraId: 'cam1', capturedAt: clock.now(), read: plateRead('FIRST1'), crop: null, matches: [] });
    commits = 0;
    const results = await Promise.allSettled([
      recorder.recordDetectionSoon({ cameraId: 'cam1', capturedAt: clock.now(), read: plateRead('GROUP1'), crop: null, matches: [] }),
      recorder.recordDetectionSoon({ detectionId: dup, cameraId: 'cam1', capturedAt: clock.now(), read: plateRead('DUPLI1'), crop: null, matches: [] }),
      recorder.recordDetectionSoon({ cameraId: 'cam1', capturedAt: clock.now(), read: plateRead('ABC123'), crop: null, matches: [exact(entry({ plate: 'ABC123' }))] }),
      recorder.recordDetectionSoon({ cameraId: 'cam1', capturedAt: clock.now(), read: plateRead('ABC123'), crop: null, matches: [exact(entry({ plate: 'ABC123', id: 'e2' }))] }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE|constraint/i);
    expect(counts()).toEqual({ detections: 4, hits: 2, outbox: 2 });
    expect(new DetectionsRepo(db).get(dup)?.plate).toBe('FIRST1');
    expect(queued).toBe(1);
    expect(commits).toBe(1);
  });

  it('resolves only after the shared commit, and a read recorded in a later turn gets its own', async () => {
    const first = recorder.recordDetectionSoon({ cameraId: 'cam1', capturedAt: clock.now(), read: plateRead('ONE111'), crop: null, matches: [] });
    // Not yet committed: the group commits at the end of the turn.
    expect(counts().detections).toBe(0);
    const a = await first;
    expect(new DetectionsRepo(db).get(a.detectionId)?.plate).toBe('ONE111');
    const b = await recorder.recordDetectionSoon({ cameraId: 'cam1', capturedAt: clock.now(), read: plateRead('TWO222'), crop: null, matches: [] });
    expect(new DetectionsRepo(db).get(b.detectionId)?.plate).toBe('TWO222');
  });
});
