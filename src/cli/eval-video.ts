/**
 * `alpr-edge eval-video --video FILE --truth FILE [--max-fps N]`: replays a video through the
 * reader and tracker as the daemon would and scores one read per vehicle pass. Prints a line
 * with single-frame accuracy and how often each pass's first confident reading (when the daemon
 * matches the hot list early) was the plate, then as the LAST stdout line
 * `{"video","vehicles","reads","correct","duplicates","missed","falseReads"}`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { VideoFileSource } from '../capture/video-file.ts';
import { configSchema } from '../config/schema.ts';
import { AlprError } from '../errors.ts';
import { earlyReadings, runVideo, singleFrameAccuracy } from '../eval/video-run.ts';
import { parseTruthCsv, scoreVideo, type VideoRead } from '../eval/video-score.ts';
import { createPlateReader } from '../ocr/reader.ts';
import { systemClock } from '../platform/clock.ts';
import { silentLogger } from '../platform/logger.ts';
import { plateGateFrom } from '../track/plate-gate.ts';
import { PlateTracker, sequentialIds } from '../track/tracker.ts';
import { parseOrUsage, READER_FLAGS, readerOptionsFrom } from './read.ts';

const USAGE =
  'usage: alpr-edge eval-video --video FILE --truth FILE [--max-fps N] [--det-max-side N] [--threads N] [--models-dir DIR] [--recognizer ppocr|plate|ensemble] [--plate-detector gate|off|only] [--region us|eu|br|none]';

export async function evalVideoCommand(args: string[]): Promise<number> {
  const { values } = parseOrUsage(
    () =>
      parseArgs({
        args,
        options: { ...READER_FLAGS, video: { type: 'string' }, truth: { type: 'string' }, 'max-fps': { type: 'string' } },
        strict: true,
      }),
    USAGE,
  );
  if (!values.video || !values.truth) throw new AlprError('USAGE', USAGE);
  let truthText: string;
  try {
    truthText = readFileSync(values.truth, 'utf8');
  } catch (err) {
    throw new AlprError('DATASET_INVALID', `cannot read truth file ${values.truth}: ${(err as Error).message}`);
  }
  let passes;
  try {
    passes = parseTruthCsv(truthText, values.truth);
  } catch (err) {
    throw new AlprError('DATASET_INVALID', (err as Error).message);
  }
  const maxFps = values['max-fps'] === undefined ? undefined : Number(values['max-fps']);
  if (maxFps !== undefined && !(maxFps > 0 && maxFps <= 120)) throw new AlprError('USAGE', `--max-fps must be a number in (0, 120]\n${USAGE}`);

  // The daemon's defaults for reading and tracking, so the figures describe what it does.
  const defaults = configSchema.parse({ cameras: [{ type: 'video-file', id: 'eval', path: values.video }] });
  const reader = await createPlateReader(readerOptionsFrom(values, USAGE));
  try {
    const source = new VideoFileSource(
      { type: 'video-file', id: 'eval', path: values.video, replay: 'fast', loop: false, ...(maxFps === undefined ? {} : { maxFps }) },
      { clock: systemClock },
    );
    const tracker = new PlateTracker(sequentialIds(), {
      maxGapMs: defaults.track.maxGapMs,
      mergeWindowMs: defaults.track.mergeWindowMs,
      minFrames: defaults.track.minFrames,
      confidentMinFrames: defaults.track.confidentFrames,
      confidentConfidence: defaults.track.confidentConfidence,
      plateGate: plateGateFrom(defaults.track.plateGate),
    });
    const result = await runVideo(
      source,
      reader,
      tracker,
      { minConfidence: defaults.reader.minConfidence, cropMargin: defaults.store.cropMargin },
      silentLogger(),
    );
    const score = scoreVideo(passes, result.reads);
    const vote = (r: VideoRead) => (r.vote === undefined ? '' : ` vote ${r.vote.toFixed(3)}`);
    for (const r of result.reads) process.stderr.write(`read ${r.text} frames ${r.firstFrame}-${r.lastFrame}${vote(r)}\n`);
    for (const r of result.notPlateReads) process.stderr.write(`not-a-plate ${r.text} frames ${r.firstFrame}-${r.lastFrame}${vote(r)}\n`);
    for (const [frame, reads] of result.frameConfidences) {
      for (const r of reads) process.stderr.write(`frame ${frame} ${r.text} ${r.confidence.toFixed(4)}\n`);
    }
    for (const r of result.confidentReads) process.stderr.write(`confident ${r.text} frame ${r.lastFrame}\n`);
    const single = singleFrameAccuracy(passes, result.frameReads);
    const early = earlyReadings(passes, result.confidentReads, [...result.reads, ...result.notPlateReads]);
    process.stdout.write(
      `${JSON.stringify({ framesRead: result.framesRead, notPlate: result.notPlate, singleFrameTop1: Number(single.toFixed(4)), votedTop1: Number((score.vehicles ? score.correct / score.vehicles : 0).toFixed(4)), confidentPasses: early.passes, confidentCorrect: early.correct, confidentMeanFrames: Number(early.meanFrames.toFixed(2)) })}\n`,
    );
    process.stdout.write(`${JSON.stringify({ video: values.video, ...score })}\n`);
    return 0;
  } finally {
    await reader.close();
  }
}
