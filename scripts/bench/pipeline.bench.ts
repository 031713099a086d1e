/**
 * The daemon's pipeline on the bundled fixture, in real time at 10 fps (as a camera would feed
 * it): frames/s and reads/s per camera with 1 and 2 cameras sharing the CPU, frames dropped, and
 * the hit latency from the first frame in which the hot-listed plate is wholly visible to the
 * commit of its hit row (PIPELINE_BENCH_RUNS replays, default 3, for more latency samples; also
 * with a left-lane region of interest, the frame cropped to it). Also the reader alone: ms and
 * CPU ms per 1280x720 frame, peak RSS.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from '../../src/app/app.ts';
import type { Frame } from '../../src/capture/frame.ts';
import { VideoFileSource } from '../../src/capture/video-file.ts';
import { z } from 'zod';
import { parseConfigText } from '../../src/config/load.ts';
import { configSchema } from '../../src/config/schema.ts';
import { parseTruthCsv } from '../../src/eval/video-score.ts';
import { createPlateReader } from '../../src/ocr/reader.ts';
import { createWorkerPlateReader } from '../../src/ocr/worker-reader.ts';
import type { PlateReader, RgbImage } from '../../src/ocr/types.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { packageRoot } from '../../src/platform/paths.ts';
import type { BenchContext, BenchFigure } from './types.ts';

const video = resolve(packageRoot, 'fixtures/video/plates-demo.mp4');
const hotlist = resolve(packageRoot, 'fixtures/hotlists/demo.csv');
const truth = parseTruthCsv(readFileSync(resolve(packageRoot, 'fixtures/video/plates-demo.truth.csv'), 'utf8'));
const HOT = '6TRK902';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function readerAlone(reader: PlateReader, ctx: BenchContext): Promise<BenchFigure[]> {
  const source = new VideoFileSource({ type: 'video-file', id: 'b', path: video, replay: 'fast', loop: false, maxFps: 2 }, { clock: systemClock });
  const ms: number[] = [];
  const cpu: number[] = [];
  let peakRss = 0;
  for await (const frame of source.frames()) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await reader.read(frame);
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }
  ms.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  ctx.log(`reader alone: ${ms.length} frames`);
  return [
    { name: 'read 1280x720 frame, wall median', value: Math.round(percentile(ms, 50)), unit: 'ms' },
    { name: 'read 1280x720 frame, wall p90', value: Math.round(percentile(ms, 90)), unit: 'ms' },
    { name: 'read 1280x720 frame, CPU median (all threads)', value: Math.round(percentile(cpu, 50)), unit: 'ms', target: '<= 60 ms (issue 3)' },
    { name: 'reading process peak RSS', value: Math.round(peakRss / 2 ** 20), unit: 'MB', target: '<= 400 MB' },
  ];
}

interface RealtimeRun {
  frames: number;
  reads: number;
  dropped: number;
  seconds: number;
  latencies: number[];
}

/** One real-time replay of the fixture on `cameras` cameras; `roi`: a region (YAML flow map) for each camera. */
async function realtimeRun(cameras: number, reader: PlateReader, ctx: BenchContext, roi?: string): Promise<RealtimeRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'alpr-bench-'));
  const roiPart = roi ? `, roi: ${roi}` : '';
  const camLines = Array.from({ length: cameras }, (_, i) => `  - {type: video-file, id: cam${i}, path: ${JSON.stringify(video)}, replay: realtime${roiPart}}`);
  const config = parseConfigText(
    ['cameras:', ...camLines, `store: {dataDir: ${JSON.stringify(dataDir)}}`, `hotlist: {importOnStart: [${JSON.stringify(hotlist)}]}`, 'mqtt: {enabled: false}', 'http: {enabled: false}'].join('\n'),
    'bench.yaml',
  );
  // Frame 0's capture time per camera gives every frame's due time: start + index * 100 ms.
  const start = new Map<string, number>();
  const timed: PlateReader = {
    read: (image: RgbImage) => {
      const f = image as Frame;
      if (f.index === 0) start.set(f.cameraId, f.capturedAt);
      return reader.read(image);
    },
    close: async () => undefined,
  };
  const latencies: number[] = [];
  const hotFirst = truth.find((t) => t.plate === HOT)?.firstFrame ?? 0;
  const app = new App(config, {
    clock: systemClock,
    logger: silentLogger(),
    reader: timed,
    onRead: (e) => {
      const t0 = start.get(e.cameraId);
      if (e.hits.length > 0 && t0 !== undefined) latencies.push(systemClock.now() - (t0 + hotFirst * 100));
    },
  });
  const began = performance.now();
  await app.start();
  const outcomes = await app.camerasEnded();
  const seconds = (performance.now() - began) / 1000;
  await app.stop();
  rmSync(dataDir, { recursive: true, force: true });
  const frames = outcomes.reduce((n, o) => n + o.stats.frames, 0);
  const reads = outcomes.reduce((n, o) => n + o.stats.reads, 0);
  const dropped = outcomes.reduce((n, o) => n + o.stats.dropped, 0);
  ctx.log(`${cameras} camera(s)${roi ? ' with ROI' : ''}: ${frames} frames read, ${dropped} dropped in ${seconds.toFixed(1)} s; hit latencies ${latencies.join(', ')}`);
  return { frames, reads, dropped, seconds, latencies };
}

/** Figures over `runs` replays (each replay gives one hit per camera: more runs, more latency samples). */
async function realtime(cameras: number, reader: PlateReader, ctx: BenchContext, runs = 1, roi?: { yaml: string; label: string }): Promise<BenchFigure[]> {
  const all: RealtimeRun[] = [];
  for (let k = 0; k < runs; k++) all.push(await realtimeRun(cameras, reader, ctx, roi?.yaml));
  const sum = (f: (r: RealtimeRun) => number): number => all.reduce((n, r) => n + f(r), 0);
  const frames = sum((r) => r.frames);
  const reads = sum((r) => r.reads);
  const dropped = sum((r) => r.dropped);
  const seconds = sum((r) => r.seconds);
  const latencies = all.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const label = `${cameras} camera${cameras > 1 ? 's' : ''} at 10 fps${roi ? `, ${roi.label}` : ''} (${runs} replay${runs > 1 ? 's' : ''}, ${latencies.length} hits)`;
  return [
    { name: `${label}: frames read per second per camera`, value: Number((frames / cameras / seconds).toFixed(2)), unit: 'fps' },
    { name: `${label}: plate reads per second (all cameras)`, value: Number((reads / seconds).toFixed(2)), unit: 'reads/s' },
    { name: `${label}: frames dropped (reader behind)`, value: dropped, unit: 'frames' },
    { name: `${label}: hit latency p50 (first full view -> hit committed)`, value: Math.round(percentile(latencies, 50)), unit: 'ms', target: '< 500 ms' },
    { name: `${label}: hit latency p99`, value: Math.round(percentile(latencies, 99)), unit: 'ms', target: '< 500 ms' },
  ];
}

export default async function bench(ctx: BenchContext): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  // The config's reader.plateDetector unless PIPELINE_BENCH_PLATE_DETECTOR (gate|off|only) says otherwise.
  const plateDetector = z.enum(['gate', 'off', 'only']).parse(process.env.PIPELINE_BENCH_PLATE_DETECTOR ?? configSchema.shape.reader.parse(undefined).plateDetector);
  ctx.log(`reader.plateDetector: ${plateDetector}`);
  const inThread = await createPlateReader({ detMaxSide: 1280, threads: 2, plateDetector });
  try {
    figures.push(...(await readerAlone(inThread, ctx)));
  } finally {
    await inThread.close();
  }
  // The daemon reads in a worker thread (as App does), so capture keeps real time and drops stale frames.
  const worker = await createWorkerPlateReader({ detMaxSide: 1280, threads: 2, plateDetector });
  try {
    const runs = Number(process.env.PIPELINE_BENCH_RUNS ?? 3);
    figures.push(...(await realtime(1, worker, ctx, runs)));
    // The vehicles use both lanes; a region over the left lane (where 6TRK902 passes) halves the pixels read.
    const lane = { yaml: '{polygon: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]], crop: true}', label: 'left-lane ROI, frame cropped to it' };
    figures.push(...(await realtime(1, worker, ctx, runs, lane)));
    figures.push(...(await realtime(2, worker, ctx, 1)));
  } finally {
    await worker.close();
  }
  return figures;
}
