/**
 * Runs a video through the daemon's own camera pipeline (reader → tracker → one decision per
 * pass) without a store, recording which frames each pass spans and what each single frame
 * read, for `alpr-edge eval-video`.
 */
import type { CameraPipelineOptions, PassDecision } from '../app/camera-pipeline.ts';
import { CameraPipeline } from '../app/camera-pipeline.ts';
import type { Frame, FrameSource } from '../capture/frame.ts';
import type { PlateRead, PlateReader, RgbImage } from '../ocr/types.ts';
import type { Logger } from '../platform/logger.ts';
import type { PlateTracker } from '../track/tracker.ts';
import { passOf, type TruthPass, type VideoRead } from './video-score.ts';

export interface VideoRunResult {
  reads: VideoRead[];
  /** Best single-frame text per decoded-and-read frame index. */
  frameReads: Map<number, string[]>;
  /** The same reads with their confidences, per frame index. */
  frameConfidences: Map<number, { text: string; confidence: number }[]>;
  framesRead: number;
  /** Passes dropped as not a plate (track.plateGate): not reads, listed for the record. */
  notPlate: number;
  notPlateReads: VideoRead[];
  /** Each pass's first confident reading (when the daemon matches the hot list early): its text, and its frame as `lastFrame`. */
  confidentReads: VideoRead[];
}

export async function runVideo(
  source: FrameSource,
  reader: PlateReader,
  tracker: PlateTracker,
  options: Omit<CameraPipelineOptions, 'queuePolicy' | 'queueCapacity'>,
  logger: Logger,
): Promise<VideoRunResult> {
  const frameOfTime = new Map<number, number>();
  const frameReads = new Map<number, string[]>();
  const frameConfidences = new Map<number, { text: string; confidence: number }[]>();
  const recording: FrameSource = {
    id: source.id,
    async *frames(signal) {
      for await (const frame of source.frames(signal)) {
        frameOfTime.set(frame.capturedAt, frame.index);
        yield frame;
      }
    },
  };
  const recordingReader: PlateReader = {
    async read(image: RgbImage): Promise<PlateRead[]> {
      const reads = await reader.read(image);
      const kept = reads.filter((r) => r.confidence >= options.minConfidence);
      frameReads.set((image as Frame).index, kept.map((r) => r.text));
      frameConfidences.set((image as Frame).index, kept.map((r) => ({ text: r.text, confidence: r.confidence })));
      return reads;
    },
    close: () => reader.close(),
  };
  const reads: VideoRead[] = [];
  const notPlateReads: VideoRead[] = [];
  const span = (pass: PassDecision): VideoRead => ({
    text: pass.track.vote.text,
    firstFrame: frameOfTime.get(pass.track.firstSeen) ?? -1,
    lastFrame: frameOfTime.get(pass.track.lastSeen) ?? -1,
    trackId: pass.track.trackId,
  });
  const decided = (pass: PassDecision): VideoRead => ({ ...span(pass), vote: pass.track.vote.confidence });
  const confidentReads: VideoRead[] = [];
  const sink = {
    passConfident: async (pass: PassDecision): Promise<void> => {
      confidentReads.push(span(pass));
    },
    passNotPlate: async (pass: PassDecision): Promise<void> => {
      notPlateReads.push(decided(pass));
    },
    passEnded: async (pass: PassDecision): Promise<void> => {
      reads.push(decided(pass));
    },
  };
  const pipeline = new CameraPipeline(recording, recordingReader, tracker, sink, { ...options, queuePolicy: 'block', queueCapacity: 2 }, logger);
  pipeline.start();
  await pipeline.done;
  return { reads, frameReads, frameConfidences, framesRead: pipeline.stats.frames, notPlate: notPlateReads.length, notPlateReads, confidentReads };
}

/** Fraction of (pass, read frame) pairs in which a single frame's reads include the plate. */
export function singleFrameAccuracy(passes: readonly TruthPass[], frameReads: ReadonlyMap<number, readonly string[]>): number {
  let seen = 0;
  let right = 0;
  for (const pass of passes) {
    for (let f = pass.firstFrame; f <= pass.lastFrame; f++) {
      const texts = frameReads.get(f);
      if (texts === undefined) continue; // frame skipped by maxFps
      seen++;
      if (texts.includes(pass.plate)) right++;
    }
  }
  return seen === 0 ? 0 : right / seen;
}

/**
 * The first confident readings scored against the truth: of the passes that had one, how many
 * read the plate (a hit on a wrong early reading would alert an officer to the wrong plate), and
 * the mean frames from the pass's first frame to that reading (how early a hit comes; negative
 * when it came before the whole plate was in view). A confident reading belongs to the pass its
 * track's decided read (`decided`, reads and not-a-plate passes, matched by track id) belongs to;
 * one whose track has no decided read, to a pass its frames so far overlap.
 */
export function earlyReadings(
  passes: readonly TruthPass[],
  confident: readonly VideoRead[],
  decided: readonly VideoRead[] = [],
): { passes: number; correct: number; meanFrames: number } {
  const passOfTrack = new Map<string, number>();
  for (const r of decided) if (r.trackId !== undefined) passOfTrack.set(r.trackId, passOf(passes, r));
  const belongs = (r: VideoRead, i: number, pass: TruthPass): boolean => {
    const own = r.trackId === undefined ? undefined : passOfTrack.get(r.trackId);
    return own !== undefined ? own === i : r.lastFrame >= pass.firstFrame && r.firstFrame <= pass.lastFrame;
  };
  let n = 0;
  let correct = 0;
  let frames = 0;
  passes.forEach((pass, i) => {
    const first = confident.filter((r) => belongs(r, i, pass)).sort((a, b) => a.lastFrame - b.lastFrame)[0];
    if (!first) return;
    n++;
    if (first.text === pass.plate) correct++;
    frames += first.lastFrame - pass.firstFrame;
  });
  return { passes: n, correct, meanFrames: n === 0 ? 0 : frames / n };
}
