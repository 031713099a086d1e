/**
 * Whether a finished track is a plate at all. The reader also reports text that is not a plate
 * (state names printed on the plate, badges, signs, burned-in timestamps); followed over many
 * frames, such text becomes a stable track of its own and would be stored as an extra pass.
 * Pure: the decision depends on the track's frames and its voted text only.
 *
 * A frame looks like a plate when its text has `minChars`..`maxChars` characters and its shape
 * score reaches `minFrameScore`. The shape score is the reader's own plate-likeness score when it
 * gives one (src/ocr/select.ts: the text rules below times the region's junk, aspect, height and
 * height relative to the tallest plausible text, so a burned-in timestamp read as `DER5485` at a
 * third of the plate's height scores 0.3–0.4), else the text rules alone: plausible length ×
 * letter and digit mix. With the default 0.45, letters-only words (TEXAS, TITAN, EXIT: at most 0.4)
 * never count, mixed texts of 4–8 characters (0.8–1) and digits-only texts of 5–7 (0.5) do.
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
}

export const defaultPlateGateOptions: Readonly<PlateGateOptions> = Object.freeze({
  minPlateShare: 0.5,
  minFrameScore: 0.45,
  minChars: 2,
  maxChars: 8,
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

export type GateVerdict = { plate: true } | { plate: false; reason: 'few-plate-frames' | 'text-not-plate' };

/**
 * The verdict on a track seen in `frames` frames, `plateFrames` of them plate-like, whose vote
 * decided `votedText`: a plate needs enough plate-like frames and a plate-like final text.
 */
export function judgeTrack(frames: number, plateFrames: number, votedText: string, options: PlateGateOptions): GateVerdict {
  if (frames <= 0 || plateFrames / frames < options.minPlateShare) return { plate: false, reason: 'few-plate-frames' };
  if (!looksLikePlate(votedText, options)) return { plate: false, reason: 'text-not-plate' };
  return { plate: true };
}

/** The tracker's gate from the config's `track.plateGate` (null when disabled). */
export function plateGateFrom(config: PlateGateOptions & { enabled: boolean }): PlateGateOptions | null {
  if (!config.enabled) return null;
  const { minPlateShare, minFrameScore, minChars, maxChars } = config;
  return { minPlateShare, minFrameScore, minChars, maxChars };
}
