/**
 * Store bench: (1) ingest rate of detections with crops through the real store path (crop file,
 * then DetectionRecorder.recordDetectionSoon with a position): lazy crops flushed every second
 * (the daemon's default for reads that do not hit), crops made durable before their rows (the
 * CropWriter's group commit: hits), and one fsync'd file at a time; and (2) a retention purge of 30
 * days at 1 read/s (~2.6 million rows, crops in hour folders) while reads keep arriving,
 * reporting the time until every expired read is deleted and every expired hour folder is out of
 * crops/ (in the trash), the time to empty the trash, and the worst latency a concurrent read saw.
 *
 *   npm run bench -- store     (STORE_BENCH_DAYS (0: ingest only), STORE_BENCH_FILES_PER_HOUR,
 *                               STORE_BENCH_HELD, STORE_BENCH_INGEST, STORE_BENCH_READ_MS to scale)
 *
 * Crop files for all 2.6 million purged reads would be ~25 GB here (10 KB JPEGs) and take longer
 * to create than the bench may run. Every row names its crop in its hour folder, but only the
 * first STORE_BENCH_FILES_PER_HOUR (default 60) reads of each hour have a real file (43,200
 * files over 720 folders, flushed to disk first: unlinking files on disk, as 30-day-old crops
 * are, costs far more than unlinking files still in the page cache). Dropping a folder is one
 * rename whatever it holds, so the expiry phase is measured in full; emptying the trash costs
 * one unlink per file, so its time for every crop is extrapolated from the measured rate.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { DetectionRecorder } from '../../src/alerts/recorder.ts';
import { retentionSchema } from '../../src/config/schema.ts';
import { systemClock, type Clock } from '../../src/platform/clock.ts';
import { RetentionSweeper } from '../../src/retention/sweeper.ts';
import { CropFlusher } from '../../src/store/crop-flusher.ts';
import { lastDetectionRowid } from '../../src/store/crop-flush-mark.ts';
import { CropWriter } from '../../src/store/crop-writer.ts';
import { cropRelativePath, writeFileAtomic } from '../../src/store/crops.ts';
import { HoldsRepo } from '../../src/store/holds-repo.ts';
import { databaseFile, openDatabase, type Database } from '../../src/store/db.ts';
import { createIdGenerator, formatUuidV7 } from '../../src/store/ids.ts';
import type { DetectionPosition } from '../../src/store/position.ts';
import type { BenchContext, BenchFigure } from './types.ts';

const DAY = 86_400_000;
const envInt = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v >= 0 ? v : fallback;
};

async function plateJpeg(): Promise<Buffer> {
  const w = 240;
  const h = 60;
  const data = Buffer.alloc(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + ((i / 3 / w) | 0) * 11) & 0xff;
  return sharp(data, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
}

function recorderFor(db: Database, clock: Clock): DetectionRecorder {
  return new DetectionRecorder(db, { clock, newId: createIdGenerator(clock), hitsTopic: 'alpr/bench/dev/hits', agency: 'bench', deviceId: 'dev' });
}

const position = (i: number): DetectionPosition => ({
  fixType: '3d',
  lat: 40.7 + (i % 1000) / 10_000,
  lon: -74 + (i % 997) / 10_000,
  fixAgeMs: 200,
  hdop: 0.9,
  satellites: 10,
  speedMps: 12,
  headingDeg: 90,
});

/**
 * How a crop is stored: 'lazy' (the default for reads that do not hit: written, flushed with the
 * others every second by a CropFlusher), 'durable' (reads that hit, and every read with
 * store.cropFlushIntervalMs 0: flushed before the row commits, group commit), 'alone' (no
 * CropWriter: temporary file, fsync, rename, folder fsync, one crop at a time).
 */
type CropMode = 'lazy' | 'durable' | 'alone';

/** One read through the store path as PassRecorder takes it: the crop file, then the detection row (grouped with the rows of the same turn). */
async function storeRead(dataDir: string, recorder: DetectionRecorder, jpeg: Buffer, i: number, capturedAt: number, writer: CropWriter, mode: CropMode): Promise<void> {
  const id = recorder.newDetectionId();
  const path = cropRelativePath(id, capturedAt);
  if (mode === 'lazy') await writer.writeLazy(path, jpeg);
  else if (mode === 'durable') await writer.write(path, jpeg);
  else await writeFileAtomic(join(dataDir, ...path.split('/')), jpeg);
  await recorder.recordDetectionSoon({
    detectionId: id,
    cameraId: `cam${i % 4}`,
    capturedAt,
    read: { text: `P${(i * 7919) % 1_000_000}`, confidence: 0.9, box: { x: 10, y: 20, w: 120, h: 30 }, candidates: [] },
    crop: { path, jpeg },
    matches: [],
    position: position(i),
  });
}

/** A CropWriter and its CropFlusher (every 1 s), as the daemon runs them. */
function cropStore(db: Database, dataDir: string): { writer: CropWriter; flusher: CropFlusher } {
  const writer = new CropWriter(dataDir);
  const flusher = new CropFlusher({
    writer,
    dataDir,
    lastRowid: () => lastDetectionRowid(db),
    walFile: `${databaseFile(dataDir)}-wal`,
    intervalMs: 1_000,
    initialMark: 0,
    onError: (err) => {
      throw err;
    },
  });
  flusher.start();
  return { writer, flusher };
}

async function ingest(ctx: BenchContext, jpeg: Buffer, n: number, concurrency: number, mode: CropMode): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'alpr-bench-ingest-'));
  const db = openDatabase(databaseFile(dataDir));
  const recorder = recorderFor(db, systemClock);
  const { writer, flusher } = cropStore(db, dataDir);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        await storeRead(dataDir, recorder, jpeg, i, Date.now(), writer, mode);
      }
    }),
  );
  // Lazy crops count once flushed, with the flush mark recorded.
  await flusher.stop();
  const rate = n / ((performance.now() - t0) / 1000);
  const how =
    mode === 'lazy'
      ? `lazy, ${flusher.count} flushes (${await writer.lazyFlushMode()})`
      : mode === 'durable'
        ? `durable, ${writer.commits} commits (${(n / writer.commits).toFixed(1)} files each)`
        : 'one fsync per file';
  ctx.log(`ingest: ${n} reads with crops, ${concurrency} in flight: ${rate.toFixed(0)}/s, ${how}`);
  await writer.close();
  db.close();
  rmSync(dataDir, { recursive: true, force: true });
  return rate;
}

/** The ceiling the disk sets: durable new files and nothing else (no rows, no renames, no folder fsync). */
async function durableFilesOnly(ctx: BenchContext, jpeg: Buffer, n: number, concurrency: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-bench-disk-'));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const h = await open(join(dir, `${next++}.jpg`), 'wx');
        try {
          await h.writeFile(jpeg);
          await h.datasync();
        } finally {
          await h.close();
        }
      }
    }),
  );
  const rate = n / ((performance.now() - t0) / 1000);
  ctx.log(`disk alone: ${n} durable files, ${concurrency} in flight: ${rate.toFixed(0)}/s`);
  rmSync(dir, { recursive: true, force: true });
  return rate;
}

function dbOnlyRate(n: number): number {
  const dataDir = mkdtempSync(join(tmpdir(), 'alpr-bench-db-'));
  const db = openDatabase(databaseFile(dataDir));
  const recorder = recorderFor(db, systemClock);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    recorder.recordDetection({
      cameraId: 'cam0',
      capturedAt: Date.now(),
      read: { text: `P${i}`, confidence: 0.9, box: { x: 1, y: 2, w: 3, h: 4 }, candidates: [] },
      crop: { path: `crops/2025/01/01/x${i}.jpg`, jpeg: Buffer.alloc(0) },
      matches: [],
      position: position(i),
    });
  }
  const rate = n / ((performance.now() - t0) / 1000);
  db.close();
  rmSync(dataDir, { recursive: true, force: true });
  return rate;
}

/**
 * Fills `days` days at 1 read/s, all expired at `now` (captured 30 + `days` .. 30 days ago),
 * every read naming its crop in its hour folder, the first `filesPerHour` reads of each hour with
 * a real crop file; plus one recent day (likewise) that must survive; and `held`
 * expired reads with files under an evidence hold.
 */
function generate(ctx: BenchContext, db: Database, dataDir: string, jpeg: Buffer, now: number, days: number, filesPerHour: number, held: number): number {
  const expired = days * 86_400;
  const n = expired + 86_400;
  const start = now - (30 + days) * DAY - 1000;
  const t0 = performance.now();
  // Bulk load without the random-order indices, then build them once.
  db.exec('DROP INDEX detections_plate; DROP INDEX detections_location;');
  const insert = db.prepare(`INSERT INTO detections (id, captured_at, camera_id, plate, confidence, candidates, box_x, box_y, box_w, box_h,
    crop_path, created_at, gps_lat, gps_lon, gps_fix_type, gps_fix_age_ms, gps_hdop, gps_satellites, gps_speed_mps, gps_heading_deg)
    VALUES (?, ?, 'cam0', ?, 0.9, '[]', 10, 20, 120, 30, ?, ?, ?, ?, '3d', 200, 0.9, 10, 12, 90)`);
  const rand = new Uint8Array(8);
  const dirs = new Set<string>();
  const withFiles: string[] = [];
  let files = 0;
  for (let base = 0; base < n; base += 100_000) {
    db.transaction(() => {
      for (let i = base; i < Math.min(n, base + 100_000); i++) {
        const t = i < expired ? start + i * 1000 : now - DAY + (i - expired) * 1000;
        const id = formatUuidV7(t, i & 0xfff, rand);
        const cropPath = cropRelativePath(id, t);
        if (Math.floor(t / 1000) % 3600 < filesPerHour) {
          files++;
          if (i < expired && withFiles.length < held && Math.floor(t / 1000) % 86_400 === 0) withFiles.push(id); // one a day
          const dir = join(dataDir, ...cropPath.split('/').slice(0, -1));
          if (!dirs.has(dir)) {
            mkdirSync(dir, { recursive: true });
            dirs.add(dir);
          }
          writeFileSync(join(dataDir, ...cropPath.split('/')), jpeg);
        }
        insert.run(id, t, `P${(i * 7919) % 1_000_000}`, cropPath, t, 40.7 + (i % 1000) / 10_000, -74 + (i % 997) / 10_000);
      }
    })();
  }
  db.exec(`CREATE INDEX detections_plate ON detections(plate);
    CREATE INDEX detections_location ON detections(gps_lat, gps_lon) WHERE gps_lat IS NOT NULL;`);
  const holds = new HoldsRepo(db);
  for (const [k, id] of withFiles.entries()) {
    holds.add({ id: `bench-hold-${k}`, detectionId: id, caseNumber: `C-${k}`, heldBy: 'bench', reason: 'bench', createdAt: now });
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  execFileSync('sync'); // old crops are on disk, not in the page cache
  ctx.log(
    `generated ${n} rows (${expired} expired, ${withFiles.length} of them held; ${files} crop files in ${dirs.size} hour folders) ` +
      `in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return n;
}

interface PurgeFigures {
  days: number;
  rows: number;
  /** From the sweep's start until every expired read was deleted and every expired hour folder was in the trash. */
  expireS: number;
  /** The whole sweep: the above, then emptying the trash. */
  wallS: number;
  images: number;
  dirsDropped: number;
  heldRelocated: number;
  readsDuring: number;
  maxReadLatencyMs: number;
  p99ReadLatencyMs: number;
  maxLoopDelayMs: number;
  /** The same reads for 5 s before the purge. */
  baselineMaxMs: number;
  baselineP99Ms: number;
  baselineReadsPerS: number;
}

async function purgeWhileReading(ctx: BenchContext, jpeg: Buffer, days: number, filesPerHour: number, held: number, chunkSize: number): Promise<PurgeFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'alpr-bench-purge-'));
  const db = openDatabase(databaseFile(dataDir));
  const now = Date.now();
  const rows = generate(ctx, db, dataDir, jpeg, now, days, filesPerHour, held);
  const sweeper = new RetentionSweeper({
    db,
    dataDir,
    clock: systemClock,
    config: retentionSchema.parse({ chunkSize, diskFloorMb: 0 }),
  });

  // Reads keep arriving every `readEveryMs` (default 50 ms: 20/s, 20x a busy lane) through the
  // full store path (lazy crop write, flushed every second, then the row): first 5 s alone
  // (the baseline on this machine now), then during the purge.
  const readEveryMs = envInt('STORE_BENCH_READ_MS', 50);
  const recorder = recorderFor(db, systemClock);
  const { writer, flusher } = cropStore(db, dataDir);
  let i = 0;
  const readWhile = async (busy: () => boolean, latencies: number[]): Promise<void> => {
    while (busy()) {
      const intended = performance.now() + readEveryMs;
      await new Promise((r) => setTimeout(r, readEveryMs));
      await storeRead(dataDir, recorder, jpeg, i++, Date.now(), writer, 'lazy');
      latencies.push(performance.now() - intended);
    }
  };
  const baseline: number[] = [];
  const baselineEnd = performance.now() + 5_000;
  await readWhile(() => performance.now() < baselineEnd, baseline);
  baseline.sort((a, b) => a - b);

  const latencies: number[] = [];
  let running = true;
  const reader = readWhile(() => running, latencies);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const startedAt = Date.now();
  const t0 = performance.now();
  const r = await sweeper.sweepOnce();
  const wallS = (performance.now() - t0) / 1000;
  loop.disable();
  running = false;
  await reader;
  latencies.sort((a, b) => a - b);
  await flusher.stop();
  await writer.close();
  const figures: PurgeFigures = {
    days,
    rows: r.age.rowsDeleted,
    expireS: (r.age.expiredAt - startedAt) / 1000,
    wallS,
    images: r.age.imagesDeleted,
    dirsDropped: r.age.dirsDropped,
    heldRelocated: r.age.heldRelocated,
    readsDuring: latencies.length,
    maxReadLatencyMs: latencies.at(-1) ?? 0,
    p99ReadLatencyMs: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
    maxLoopDelayMs: loop.max / 1e6,
    baselineMaxMs: baseline.at(-1) ?? 0,
    baselineP99Ms: baseline[Math.floor(baseline.length * 0.99)] ?? 0,
    baselineReadsPerS: baseline.length / 5,
  };
  ctx.log(
    `purge (chunk ${chunkSize}): ${figures.rows} of ${rows} rows deleted and ${figures.dirsDropped} hour folders dropped ` +
      `(${figures.heldRelocated} held crops moved out) in ${figures.expireS.toFixed(1)} s; trash of ${figures.images} files emptied by ` +
      `${wallS.toFixed(1)} s; ${figures.readsDuring} reads stored meanwhile (one every ${readEveryMs} ms, ${(figures.readsDuring / wallS).toFixed(1)}/s), ` +
      `latency max ${figures.maxReadLatencyMs.toFixed(0)} ms, p99 ${figures.p99ReadLatencyMs.toFixed(0)} ms; ` +
      `before the purge ${figures.baselineReadsPerS.toFixed(1)}/s, max ${figures.baselineMaxMs.toFixed(0)} ms, p99 ${figures.baselineP99Ms.toFixed(0)} ms`,
  );
  db.close();
  rmSync(dataDir, { recursive: true, force: true });
  return figures;
}

export default async function storeBench(ctx: BenchContext): Promise<BenchFigure[]> {
  const jpeg = await plateJpeg();
  ctx.log(`crop JPEG: ${jpeg.length} bytes`);
  const nIngest = envInt('STORE_BENCH_INGEST', 10_000);
  const seq = await ingest(ctx, jpeg, Math.min(nIngest, 1_000), 1, 'lazy');
  // Alternated, so a change in the box's load hits every case alike.
  const runs: Record<string, number[]> = { lazy16: [], lazy64: [], durable64: [], alone16: [], disk: [] };
  for (let k = 0; k < 2; k++) {
    runs.lazy16?.push(await ingest(ctx, jpeg, nIngest, 16, 'lazy'));
    runs.lazy64?.push(await ingest(ctx, jpeg, nIngest, 64, 'lazy'));
    runs.durable64?.push(await ingest(ctx, jpeg, nIngest, 64, 'durable'));
    runs.alone16?.push(await ingest(ctx, jpeg, nIngest, 16, 'alone'));
    runs.disk?.push(await durableFilesOnly(ctx, jpeg, nIngest, 64));
  }
  const best = (k: string): number => Math.round(Math.max(...(runs[k] ?? [0])));
  const dbRate = dbOnlyRate(20_000);
  ctx.log(`recordDetection alone (no file): ${dbRate.toFixed(0)}/s`);

  const ingestFigures: BenchFigure[] = [
    { name: 'ingest with crop (lazy: flushed every 1 s, the default for reads that do not hit), 1 in flight', value: Math.round(seq), unit: 'reads/s' },
    { name: 'ingest with crop (lazy), 16 in flight (best of 2)', value: best('lazy16'), unit: 'reads/s', target: '>= 2000' },
    { name: 'ingest with crop (lazy), 64 in flight (best of 2)', value: best('lazy64'), unit: 'reads/s', target: '>= 2000' },
    { name: 'ingest with crop (durable before the row: hits, or cropFlushIntervalMs 0; group commit), 64 in flight (best of 2)', value: best('durable64'), unit: 'reads/s' },
    { name: 'ingest with crop, each crop flushed alone (no CropWriter), 16 in flight (best of 2)', value: best('alone16'), unit: 'reads/s' },
    { name: 'the disk alone: new 10 KB files made durable (open, write, fdatasync, close), 64 in flight, no database (best of 2)', value: best('disk'), unit: 'files/s' },
    { name: 'recordDetection alone (row + position, no file)', value: Math.round(dbRate), unit: 'reads/s' },
  ];
  const days = envInt('STORE_BENCH_DAYS', 30);
  if (days === 0) return ingestFigures; // STORE_BENCH_DAYS=0: ingest only
  const filesPerHour = envInt('STORE_BENCH_FILES_PER_HOUR', 60);
  const p = await purgeWhileReading(ctx, jpeg, days, filesPerHour, envInt('STORE_BENCH_HELD', 30), 5_000);
  const trashS = p.wallS - p.expireS;
  const filesPerS = p.images / trashS;
  const expiredReads = days * 86_400;
  return [
    ...ingestFigures,
    {
      name: `purge ${p.rows} rows (${days} d at 1/s) and drop ${p.dirsDropped} expired hour folders (${p.heldRelocated} held crops moved out)`,
      value: Number(p.expireS.toFixed(1)),
      unit: 's',
      target: '< 60',
    },
    { name: `then empty the trash: ${p.images} files (${filesPerHour} per hour folder)`, value: Number(trashS.toFixed(1)), unit: 's' },
    { name: 'trash emptying rate', value: Math.round(filesPerS), unit: 'files/s' },
    {
      name: `estimated trash emptying with every crop file (${expiredReads}, at the measured rate; in the background, nothing expired reachable)`,
      value: Math.round(expiredReads / filesPerS),
      unit: 's',
    },
    { name: 'reads stored per second during the sweep', value: Number((p.readsDuring / p.wallS).toFixed(1)), unit: 'reads/s' },
    { name: 'reads stored per second before the sweep', value: Number(p.baselineReadsPerS.toFixed(1)), unit: 'reads/s' },
    { name: 'max latency of a read before the sweep', value: Math.round(p.baselineMaxMs), unit: 'ms' },
    { name: 'max latency of a read during the sweep', value: Math.round(p.maxReadLatencyMs), unit: 'ms' },
    { name: 'p99 latency of a read during the sweep', value: Math.round(p.p99ReadLatencyMs), unit: 'ms' },
    { name: 'max event-loop delay during the sweep', value: Math.round(p.maxLoopDelayMs), unit: 'ms' },
  ];
}
