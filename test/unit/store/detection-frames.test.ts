/** The reduced full frame of a hit is committed with the hit (recorder), kept only for reads that hit. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DetectionRecorder } from '../../../src/alerts/recorder.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import type { Database } from '../../../src/store/db.ts';
import { DetectionFramesRepo } from '../../../src/store/detection-frames.ts';
import { createIdGenerator } from '../../../src/store/ids.ts';
import { entry, exact, plateRead } from '../alerts/fixtures.ts';
import { openApiDatabase } from '../../support/api-db.ts';

let dir: string;
let db: Database;
let recorder: DetectionRecorder;
const frame = (w: number) => ({ jpeg: Buffer.from([0xff, 0xd8, w & 0xff]), width: w, height: 360 });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-frames-'));
  db = openApiDatabase(join(dir, 'alpr.db'));
  const clock = new ManualClock(Date.UTC(2026, 10, 28));
  recorder = new DetectionRecorder(db, { clock, newId: createIdGenerator(clock), hitsTopic: 'alpr/a/d/hits', agency: 'a', deviceId: 'd' });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('frames of hits', () => {
  it('stores the frame with a read that hits, and not with one that does not', () => {
    const frames = new DetectionFramesRepo(db);
    const miss = recorder.recordDetection({ cameraId: 'c', capturedAt: 1, read: plateRead('NOHIT1'), crop: null, matches: [], frame: frame(640) });
    const hit = recorder.recordDetection({ cameraId: 'c', capturedAt: 2, read: plateRead(), crop: null, matches: [exact(entry())], frame: frame(640) });
    expect(frames.has(miss.detectionId)).toBe(false);
    expect(frames.get(hit.detectionId)).toMatchObject({ width: 640, height: 360 });
  });

  it("keeps the early hit's frame when the pass's final decision brings no new hit, and replaces it when it does", () => {
    const frames = new DetectionFramesRepo(db);
    const early = recorder.recordDetection({ cameraId: 'c', capturedAt: 2, read: plateRead(), crop: null, matches: [exact(entry())], frame: frame(320) });
    recorder.reviseDetection({ detectionId: early.detectionId, cameraId: 'c', capturedAt: 3, read: plateRead(), crop: null, matches: [], frame: null });
    expect(frames.get(early.detectionId)?.width).toBe(320);
    recorder.reviseDetection({ detectionId: early.detectionId, cameraId: 'c', capturedAt: 3, read: plateRead(), crop: null, matches: [exact(entry({ id: 'entry-2' }))], frame: frame(640) });
    expect(frames.get(early.detectionId)?.width).toBe(640);
  });
});
