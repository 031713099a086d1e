/**
 * The thin path end to end, all real: the bundled fixture video decoded by ffmpeg → PP-OCR
 * reader on onnxruntime → tracker → SQLite detections with crop files → a hot-listed plate
 * produces a hit → a subscriber on a real Mosquitto broker receives it with the crop image.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/app/app.ts';
import type { ReadEvent } from '../../src/app/pass-recorder.ts';
import { parseConfigText } from '../../src/config/load.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { FLUSH_MARK_FILE, isWholeJpeg, writeFlushMark } from '../../src/store/crop-flush-mark.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { packageRoot } from '../../src/platform/paths.ts';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.ts';
import { subscribe, type Subscriber } from './mqtt-client.ts';

const video = resolve(packageRoot, 'fixtures/video/plates-demo.mp4');
const truthCsv = resolve(packageRoot, 'fixtures/video/plates-demo.truth.csv');
const hotlist = resolve(packageRoot, 'fixtures/hotlists/demo.csv');

function truthPlates(): string[] {
  return readFileSync(truthCsv, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0] as string);
}

describe('fixture replay end to end', () => {
  let broker: MosquittoBroker;
  let sub: Subscriber;
  let dataDir: string;
  const reads: ReadEvent[] = [];

  beforeAll(async () => {
    broker = await startMosquitto();
    sub = await subscribe(broker.url, ['alpr/test-agency/pole-7/hits']);
    dataDir = mkdtempSync(join(tmpdir(), 'alpr-e2e-'));
    const config = parseConfigText(
      [
        'device: {id: pole-7, agency: test-agency}',
        `cameras: [{type: video-file, id: cam-a, path: ${JSON.stringify(video)}, replay: fast, maxFps: 5}]`,
        `store: {dataDir: ${JSON.stringify(dataDir)}}`,
        `hotlist: {importOnStart: [${JSON.stringify(hotlist)}]}`,
        `mqtt: {url: ${JSON.stringify(broker.url)}}`,
        // A free port: other tests may run a daemon at the same time.
        'http: {port: 0}',
      ].join('\n'),
      'e2e.yaml',
    );
    const app = new App(config, { clock: systemClock, logger: silentLogger(), onRead: (e) => reads.push(e) });
    await app.start();
    const outcomes = await app.camerasEnded();
    expect(outcomes.map((o) => o.error)).toEqual([null]);
    expect(await app.drainOutbox(20_000)).toBe(true);
    await app.stop();
  }, 240_000);

  afterAll(async () => {
    await sub?.end();
    await broker?.stop();
  });

  it('stores one detection per vehicle pass, with its crop on disk', () => {
    const db = new Database(join(dataDir, 'alpr.db'), { readonly: true });
    const rows = db.prepare('SELECT plate, camera_id, crop_path FROM detections ORDER BY captured_at').all() as {
      plate: string;
      camera_id: string;
      crop_path: string;
    }[];
    db.close();
    expect(rows.map((r) => r.plate).sort()).toEqual(truthPlates().sort());
    for (const row of rows) {
      expect(row.camera_id).toBe('cam-a');
      expect(existsSync(join(dataDir, row.crop_path))).toBe(true);
    }
    expect(reads.filter((r) => r.stage === 'final')).toHaveLength(rows.length);
  });

  it('publishes the hot-listed plate as a hit carrying its crop image', async () => {
    // No central receiver acks here: a replay longer than mqtt.ackTimeoutS sees the hit published
    // again with the same id, which a receiver de-duplicates (docs/mqtt.md). One hit, by id.
    const all = sub.on('alpr/test-agency/pole-7/hits');
    const hits = [...new Map(all.map((m) => [(JSON.parse(m.payload.toString('utf8')) as { id: string }).id, m])).values()];
    expect(hits).toHaveLength(1);
    const message = JSON.parse((hits[0] as { payload: Buffer }).payload.toString('utf8')) as {
      id: string;
      plate: string;
      camera: string;
      match: { list: string; caseNumber: string | null };
      crop: { mime: string; base64: string };
      notice: string;
    };
    expect(message).toMatchObject({ plate: '6TRK902', camera: 'cam-a', match: { list: 'stolen-vehicle', caseNumber: '26-004512' } });
    expect(message.notice).toMatch(/verify/i);
    const crop = await sharp(Buffer.from(message.crop.base64, 'base64')).metadata();
    expect(crop.format).toBe('jpeg');
    expect(crop.width).toBeGreaterThan(50);
    // The hit was stored on the pass's first confident reading, while the car was still in view,
    // and the pass's final decision did not hit the same entry again.
    const readOfHit = reads.find((r) => r.hits.some((h) => h.id === message.id));
    expect(readOfHit).toMatchObject({ plate: '6TRK902', stage: 'early' });
    const final = reads.find((r) => r.stage === 'final' && r.detectionId === readOfHit?.detectionId);
    expect(final?.hits).toEqual([]);
    expect(final?.frames).toBeGreaterThan(readOfHit?.frames ?? Infinity);
  });

  it('flushes every crop at the stop and records the flush mark; after a power cut, a restart clears the crops that did not survive', async () => {
    const open = (): Database.Database => new Database(join(dataDir, 'alpr.db'));
    let db = open();
    const rows = db
      .prepare('SELECT rowid AS rid, id, crop_path, EXISTS (SELECT 1 FROM hits h WHERE h.detection_id = d.id) AS hit FROM detections d ORDER BY rowid')
      .all() as { rid: number; id: string; crop_path: string; hit: number }[];
    db.close();
    const top = rows.at(-1)?.rid as number;
    expect(JSON.parse(readFileSync(join(dataDir, FLUSH_MARK_FILE), 'utf8'))).toEqual({ rowid: top });
    for (const r of rows) expect(await isWholeJpeg(join(dataDir, r.crop_path))).toBe(true);

    // A power cut right after the first pass: later flushes never reached the disk, and two
    // crops written lazily since are lost (one gone, one cut short). The hit's crop was flushed
    // before its row, so it survives whatever the mark says.
    const first = rows[0] as (typeof rows)[number];
    const ordinary = rows.filter((r) => r.hit === 0 && r.rid > first.rid);
    const gone = ordinary.at(-1) as (typeof rows)[number];
    const cut = ordinary.at(-2) as (typeof rows)[number];
    rmSync(join(dataDir, gone.crop_path));
    writeFileSync(join(dataDir, cut.crop_path), readFileSync(join(dataDir, cut.crop_path)).subarray(0, 100));
    await writeFlushMark(dataDir, first.rid);

    const emptyFolder = join(dataDir, 'no-frames');
    mkdirSync(emptyFolder);
    const config = parseConfigText(
      [
        'device: {id: pole-7, agency: test-agency}',
        `cameras: [{type: image-folder, id: cam-a, path: ${JSON.stringify(emptyFolder)}}]`,
        `store: {dataDir: ${JSON.stringify(dataDir)}}`,
        'http: {enabled: false}',
      ].join('\n'),
      'restart.yaml',
    );
    const app = new App(config, { clock: systemClock, logger: silentLogger() });
    await app.start();
    await app.stop();

    db = open();
    const after = new Map((db.prepare('SELECT id, crop_path FROM detections').all() as { id: string; crop_path: string | null }[]).map((r) => [r.id, r.crop_path]));
    db.close();
    expect(after.size).toBe(rows.length); // every read kept
    expect(after.get(gone.id)).toBeNull();
    expect(after.get(cut.id)).toBeNull();
    expect(existsSync(join(dataDir, cut.crop_path))).toBe(false);
    for (const r of rows.filter((x) => x.id !== gone.id && x.id !== cut.id)) expect(after.get(r.id)).toBe(r.crop_path);
    expect(JSON.parse(readFileSync(join(dataDir, FLUSH_MARK_FILE), 'utf8'))).toEqual({ rowid: top });
  }, 60_000);
});
