/**
 * Runs `alpr-edge eval-video` over every NAME.mp4 + NAME.truth.csv of a folder (made by
 * scripts/fixtures/gen-scene-videos.ts), one video at a time, and adds the figures up:
 * vehicles, reads, correct, duplicates, missed, false reads, the mean single-frame accuracy
 * and the voted accuracy (correct / vehicles). Run with
 *   npx tsx scripts/eval-videos.ts --dir DIR [--every K] [--max-fps N] [--plate-detector gate|off|only] [--region us|eu|br|none] [--json FILE]
 *   npx tsx scripts/eval-videos.ts --summarize FILE      (prints the summary of a saved --json run)
 * --every K keeps every K-th video in name order (1st, K+1-th, ...), for a shorter run.
 * Besides eval-video's own scoring, the summary sorts each pass's reads into plate reads (within
 * edit distance 2 of the plate: the plate, misread or cut) and other text (state names, plate
 * frames, signs) that the reader decided on while the plate was in view.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseTruthCsv, scoreVideo, type TruthPass, type VideoRead, type VideoScore } from '../src/eval/video-score.ts';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

export interface VideoFigures {
  video: string;
  vehicles: number;
  reads: number;
  correct: number;
  duplicates: number;
  missed: number;
  falseReads: number;
  framesRead: number;
  singleFrameTop1: number;
  votedTop1: number;
  /** Passes with a first confident reading (the early hot-list match), how many of those read the plate, and its mean frame from the pass's start. */
  confidentPasses?: number;
  confidentCorrect?: number;
  confidentMeanFrames?: number;
}

export interface VideoResult extends VideoFigures {
  /** The truth plate (one pass per video). */
  plate?: string;
  /** `TEXT frames A-B` per decided read, from eval-video's stderr. */
  readLines: string[];
  /** `N TEXT CONFIDENCE` per single-frame read, and `TEXT frame N` per first confident reading, from eval-video's stderr. */
  frameLines?: string[];
  confidentLines?: string[];
  seconds: number;
}

export interface Totals {
  videos: number;
  vehicles: number;
  reads: number;
  correct: number;
  duplicates: number;
  missed: number;
  falseReads: number;
  framesRead: number;
  /** Mean over videos of each video's single-frame accuracy. */
  meanSingleFrameTop1: number;
  /** correct / vehicles over all videos. */
  votedTop1: number;
  confidentPasses: number;
  confidentCorrect: number;
  /** Mean over passes with a confident reading of its frame from the pass's start. */
  confidentMeanFrames: number;
}

/** Parses eval-video's stdout: the accuracy line, then the score as the last line. */
export function parseEvalOutput(stdout: string): VideoFigures {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{'));
  const score = lines.at(-1);
  const acc = lines.at(-2);
  if (!score || !acc) throw new Error(`eval-video printed no result lines:\n${stdout}`);
  const s = JSON.parse(score) as Record<string, unknown>;
  const a = JSON.parse(acc) as Record<string, unknown>;
  const num = (o: Record<string, unknown>, k: string): number => {
    const v = o[k];
    if (typeof v !== 'number') throw new Error(`eval-video output lacks ${k}: ${JSON.stringify(o)}`);
    return v;
  };
  return {
    video: String(s.video),
    vehicles: num(s, 'vehicles'),
    reads: num(s, 'reads'),
    correct: num(s, 'correct'),
    duplicates: num(s, 'duplicates'),
    missed: num(s, 'missed'),
    falseReads: num(s, 'falseReads'),
    framesRead: num(a, 'framesRead'),
    singleFrameTop1: num(a, 'singleFrameTop1'),
    votedTop1: num(a, 'votedTop1'),
    ...(typeof a.confidentPasses === 'number'
      ? { confidentPasses: num(a, 'confidentPasses'), confidentCorrect: num(a, 'confidentCorrect'), confidentMeanFrames: num(a, 'confidentMeanFrames') }
      : {}),
  };
}

export function aggregate(rows: readonly VideoFigures[]): Totals {
  const sum = (k: keyof VideoFigures): number => rows.reduce((acc, r) => acc + ((r[k] as number | undefined) ?? 0), 0);
  const confidentPasses = sum('confidentPasses');
  const vehicles = sum('vehicles');
  const withPasses = rows.filter((r) => r.vehicles > 0);
  return {
    videos: rows.length,
    vehicles,
    reads: sum('reads'),
    correct: sum('correct'),
    duplicates: sum('duplicates'),
    missed: sum('missed'),
    falseReads: sum('falseReads'),
    framesRead: sum('framesRead'),
    meanSingleFrameTop1: withPasses.length ? withPasses.reduce((a, r) => a + r.singleFrameTop1, 0) / withPasses.length : 0,
    votedTop1: vehicles ? sum('correct') / vehicles : 0,
    confidentPasses,
    confidentCorrect: sum('confidentCorrect'),
    confidentMeanFrames: confidentPasses ? rows.reduce((a, r) => a + (r.confidentMeanFrames ?? 0) * (r.confidentPasses ?? 0), 0) / confidentPasses : 0,
  };
}

/** Every K-th entry in order, starting with the first. */
export function everyKth<T>(items: readonly T[], k: number): T[] {
  return items.filter((_, i) => i % k === 0);
}

/** What happened to a one-pass video, for the failure summary (false reads are added on). */
export function outcome(r: VideoFigures): string {
  const pass = r.missed > 0 ? 'missed' : r.duplicates > 0 ? 'extra reads (duplicates)' : r.correct === r.vehicles ? 'correct' : 'wrong text';
  return r.falseReads > 0 ? `${pass} + false read` : pass;
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

export interface ReadKinds {
  /** Reads within edit distance 2 of the plate (the plate, misread, or cut at an edge). */
  plateReads: string[];
  /** Any other decided text (state name, plate frame, signs). */
  otherText: string[];
}

/** Splits a pass's reads (`TEXT frames A-B`) into plate reads and other text. */
export function readKinds(plate: string, readLines: readonly string[]): ReadKinds {
  const texts = readLines.map((l) => l.split(' ')[0] ?? '');
  return {
    plateReads: texts.filter((t) => editDistance(t, plate) <= 2),
    otherText: texts.filter((t) => editDistance(t, plate) > 2),
  };
}

export interface ReadBreakdown {
  /** Passes with two or more plate reads (the pass was split in two). */
  splitPasses: number;
  /** Passes with at least one other-text read. */
  passesWithOtherText: number;
  otherTextReads: number;
  /** Passes whose only plate read is right, ignoring other text: the voted top-1 if non-plate text were filtered. */
  correctIgnoringOtherText: number;
}

export function readBreakdown(rows: readonly { plate: string; readLines: readonly string[] }[]): ReadBreakdown {
  const out: ReadBreakdown = { splitPasses: 0, passesWithOtherText: 0, otherTextReads: 0, correctIgnoringOtherText: 0 };
  for (const r of rows) {
    const k = readKinds(r.plate, r.readLines);
    if (k.plateReads.length >= 2) out.splitPasses++;
    if (k.otherText.length > 0) out.passesWithOtherText++;
    out.otherTextReads += k.otherText.length;
    if (k.plateReads.length === 1 && k.plateReads[0] === r.plate) out.correctIgnoringOtherText++;
  }
  return out;
}

/** Parses eval-video's `TEXT frames A-B` read line. */
export function parseReadLine(line: string): VideoRead {
  const m = /^(\S*) frames (-?\d+)-(-?\d+)(?: vote (\d+(?:\.\d+)?))?$/.exec(line.trim());
  if (!m) throw new Error(`not a read line: ${line}`);
  return { text: m[1]!, firstFrame: Number(m[2]), lastFrame: Number(m[3]), ...(m[4] === undefined ? {} : { vote: Number(m[4]) }) };
}

/**
 * The score had the tracker dropped passes decided on one frame only (what `track.minFrames: 2`
 * would do), estimated by rescoring the decided reads without those spanning a single frame.
 */
export function scoreWithoutOneFrameReads(passes: readonly TruthPass[], readLines: readonly string[]): VideoScore {
  return scoreVideo(passes, readLines.map(parseReadLine).filter((r) => r.lastFrame > r.firstFrame));
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

export function totalsTable(t: Totals): string {
  return [
    '| videos | vehicles | reads | correct | duplicates | missed | false reads | frames read | single-frame top-1 (mean) | voted top-1 (correct/vehicles) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${t.videos} | ${t.vehicles} | ${t.reads} | ${t.correct} | ${t.duplicates} | ${t.missed} | ${t.falseReads} | ${t.framesRead} | ${pct(t.meanSingleFrameTop1)} | ${pct(t.votedTop1)} |`,
  ].join('\n');
}

async function evalOne(video: string, truth: string, maxFps: string | undefined, plateDetector: string | undefined, region: string | undefined): Promise<VideoResult> {
  const args = [
    'alpr-edge',
    'eval-video',
    '--video',
    video,
    '--truth',
    truth,
    ...(maxFps ? ['--max-fps', maxFps] : []),
    ...(plateDetector ? ['--plate-detector', plateDetector] : []),
    ...(region ? ['--region', region] : []),
  ];
  const started = Date.now();
  const child = spawn('npx', args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`eval-video exited with ${code} on ${video}:\n${stderr.slice(-2000)}`);
  const lines = stderr.split('\n');
  const readLines = lines.filter((l) => l.startsWith('read ')).map((l) => l.slice(5));
  const frameLines = lines.filter((l) => l.startsWith('frame ')).map((l) => l.slice(6));
  const confidentLines = lines.filter((l) => l.startsWith('confident ')).map((l) => l.slice(10));
  return { ...parseEvalOutput(stdout), readLines, frameLines, confidentLines, seconds: (Date.now() - started) / 1000 };
}

const truthOf = (video: string): string => video.replace(/\.mp4$/, '.truth.csv');

/** The one plate of a video's truth CSV ('' when the plate is never whole in frame). */
function plateOf(video: string): string {
  return parseTruthCsv(readFileSync(truthOf(video), 'utf8'), truthOf(video))[0]?.plate ?? '';
}

function videoLine(r: VideoResult): string {
  const name = r.video.replace(/^.*\//, '').replace(/\.mp4$/, '');
  return `${name}: ${outcome(r)}; single ${pct(r.singleFrameTop1)}, reads [${r.readLines.join('; ')}] (${r.seconds.toFixed(0)} s)`;
}

function summary(results: readonly VideoResult[], failed: readonly string[]): string {
  const totals = aggregate(results);
  const outcomes = new Map<string, number>();
  for (const r of results) outcomes.set(outcome(r), (outcomes.get(outcome(r)) ?? 0) + 1);
  const b = readBreakdown(results.map((r) => ({ plate: r.plate ?? plateOf(r.video), readLines: r.readLines })));
  const multi = results.map((r) => scoreWithoutOneFrameReads(parseTruthCsv(readFileSync(truthOf(r.video), 'utf8')), r.readLines));
  const m = (k: keyof VideoScore): number => multi.reduce((a, x) => a + x[k], 0);
  return [
    '',
    totalsTable(totals),
    '',
    `first confident readings (early hot-list match): ${totals.confidentCorrect}/${totals.confidentPasses} read the plate ` +
      `(${pct(totals.confidentPasses ? totals.confidentCorrect / totals.confidentPasses : 0)}), at frame ${totals.confidentMeanFrames.toFixed(2)} of the pass on average`,
    `outcomes: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `reads: split passes (2+ plate reads) ${b.splitPasses}; passes with other-text reads ${b.passesWithOtherText} (${b.otherTextReads} reads); ` +
      `correct ignoring other text ${b.correctIgnoringOtherText}/${totals.vehicles} (${pct(totals.vehicles ? b.correctIgnoringOtherText / totals.vehicles : 0)})`,
    `without one-frame reads (~ track.minFrames 2): reads ${m('reads')}, correct ${m('correct')}, duplicates ${m('duplicates')}, ` +
      `missed ${m('missed')}, false reads ${m('falseReads')}, voted top-1 ${pct(m('vehicles') ? m('correct') / m('vehicles') : 0)}`,
    ...(failed.length ? [`failed to run: ${failed.join(', ')}`] : []),
    `time: ${(results.reduce((a, r) => a + r.seconds, 0) / 60).toFixed(1)} min`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      every: { type: 'string' },
      'max-fps': { type: 'string' },
      'plate-detector': { type: 'string' },
      region: { type: 'string' },
      json: { type: 'string' },
      summarize: { type: 'string' },
    },
    strict: true,
  });
  if (values.summarize) {
    const saved = JSON.parse(readFileSync(values.summarize, 'utf8')) as { results: VideoResult[]; failed: string[] };
    for (const r of saved.results) process.stdout.write(`${videoLine(r)}\n`);
    process.stdout.write(summary(saved.results, saved.failed));
    return;
  }
  if (!values.dir) throw new Error('usage: npx tsx scripts/eval-videos.ts --dir DIR [--every K] [--max-fps N] [--json FILE] | --summarize FILE');
  const dir = resolve(values.dir);
  const every = values.every ? Number(values.every) : 1;
  if (!Number.isInteger(every) || every < 1) throw new Error('--every must be a positive integer');
  const files = new Set(readdirSync(dir));
  const names = [...files].filter((f) => f.endsWith('.mp4') && files.has(f.replace(/\.mp4$/, '.truth.csv'))).sort();
  const chosen = everyKth(names, every);
  process.stdout.write(
    `${chosen.length} of ${names.length} videos in ${dir}${every > 1 ? ` (every ${every}-th in name order, starting with the first)` : ''}` +
      `${values['max-fps'] ? `, --max-fps ${values['max-fps']}` : ''}\n`,
  );
  const results: VideoResult[] = [];
  const failed: string[] = [];
  for (const name of chosen) {
    const video = join(dir, name);
    try {
      const r = { ...(await evalOne(video, truthOf(video), values['max-fps'], values['plate-detector'], values.region)), plate: plateOf(video) };
      results.push(r);
      process.stdout.write(`${videoLine(r)}\n`);
    } catch (err) {
      failed.push(name);
      process.stdout.write(`${name}: FAILED ${(err as Error).message}\n`);
    }
  }
  process.stdout.write(summary(results, failed));
  if (values.json) {
    const saved = { dir, every, maxFps: values['max-fps'] ?? null, totals: aggregate(results), failed, results };
    writeFileSync(values.json, `${JSON.stringify(saved, null, 2)}\n`);
  }
  if (failed.length) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
