/**
 * Whether a finished track is a plate at all. The reader also reports text that is not a plate
 * (state names printed on the plate, badges, signs, burned-in timestamps); followed over many
 * frames, such text becomes a stable track of its own and would be stored as an extra pass.
 * Pure: the decision depends on the track's frames and its vote only.
 *
 * A frame looks like a plate when its text has `minChars`..`maxChars` characters and its shape
 * score reaches `minFrameScore`. The shape score is the reader's own plate-likeness score when it
 * gives one (src/ocr/select.ts: the text rules below times the region's junk, aspect, height and
 * height relative to the tallest plausible text, so a burned-in timestamp read as `DER5485` at a
 * third of the plate's height scores 0.3–0.4), else the text rules alone: plausible length ×
 * letter and digit mix. With the default 0.45, letters-only words (TEXAS, TITAN, EXIT: at most 0.4)
 * never count, mixed texts of 4–8 characters (0.8–1) and digits-only texts of 5–7 (0.5) do. The
 * plate detector's reading (reader.plateDetector 'only') gives the detector's score.
 *
 * A plate's frames agree on its text; other text does not, even when each reading looks like a
 * plate. Over the 67 scene videos (docs/accuracy.md, 2026-11-29 20:45 UTC) the five decided
 * reads of other text (two date overlays, a logo, a gate, other digits in the scene) voted
 * 0.15–0.28, as did a plate misread past recognition (`F215G` for `YF2L6G`, 0.22); every other
 * plate's vote was 0.38 or more. A vote under `minVoteConfidence` (0.3) is not a read.
 */
import { lengthScore, mixScore } from '../ocr/select.ts';

export interface PlateGateOptions {
  /** Share (0..1) of a track's frames that must look like a plate for it to become a read. */
  minPlateShare: number;
  /** Shape score (0..1) from which one frame's text counts as plate-like. */
  minFrameScore: number;
  /** Fewest characters a plate-like text has. */
  minChars: number;
  /** Most characters a plate-like text has. */
  maxChars: number;
  /** Least confidence (0..1) of the track's vote, which falls as its frames disagree (vote.ts). */
  minVoteConfidence: number;
}

export const defaultPlateGateOptions: Readonly<PlateGateOptions> = Object.freeze({
  minPlateShare: 0.5,
  minFrameScore: 0.45,
  minChars: 2,
  maxChars: 8,
  minVoteConfidence: 0.3,
});

/** Shape score of a text alone: plausible length × letter+digit mix (0..1). */
export function textPlateScore(text: string): number {
  return lengthScore(text.length) * mixScore(text);
}

/** Whether one frame's reading looks like a plate; `readerScore` is the reader's plate-likeness score when it has one. */
export function looksLikePlate(text: string, options: PlateGateOptions, readerScore?: number): boolean {
  if (text.length < options.minChars || text.length > options.maxChars) return false;
  return (readerScore ?? textPlateScore(text)) >= options.minFrameScore;
}

export type GateVerdict = { plate: true } | { plate: false; reason: 'few-plate-frames' | 'text-not-plate' | 'frames-disagree' };

/**
 * The verdict on a track seen in `frames` frames, `plateFrames` of them plate-like, whose vote
 * decided `vote.text` at `vote.confidence`: a plate needs enough plate-like frames, a plate-like
 * final text and frames that agree on it. Text that is not a plate but passes the shape rules
 * (a burned-in date read `2014812`, a logo read `STI1`) is mostly read differently from frame
 * to frame, and its vote stays low; clean print read alike in every frame (a phone number, a
 * fleet number) is not caught by this.
 */
export function judgeTrack(frames: number, plateFrames: number, vote: { text: string; confidence: number }, options: PlateGateOptions): GateVerdict {
  if (frames <= 0 || plateFrames / frames < options.minPlateShare) return { plate: false, reason: 'few-plate-frames' };
  if (!looksLikePlate(vote.text, options)) return { plate: false, reason: 'text-not-plate' };
  if (vote.confidence < options.minVoteConfidence) return { plate: false, reason: 'frames-disagree' };
  return { plate: true };
}

/** The tracker's gate from the config's `track.plateGate` (null when disabled). */
export function plateGateFrom(config: PlateGateOptions & { enabled: boolean }): PlateGateOptions | null {
  if (!config.enabled) return null;
  const { minPlateShare, minFrameScore, minChars, maxChars, minVoteConfidence } = config;
  return { minPlateShare, minFrameScore, minChars, maxChars, minVoteConfidence };
}
