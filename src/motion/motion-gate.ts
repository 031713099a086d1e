/**
 * Motion gating: whether a frame is worth reading. Reading a frame costs ~1 s of CPU here,
 * comparing two small grey thumbnails well under a millisecond, so frames in which nothing
 * moved are skipped. Pure: thumbnails and times are passed in.
 *
 * The reference is the last frame that was READ, not the previous frame: a slow vehicle that
 * changes little from one frame to the next still adds up to a read, and sensor noise does not
 * accumulate. A frame is read when it is the first, when at least `threshold` of the (region of
 * interest's) thumbnail pixels changed by `pixelDelta` grey levels or more since the reference,
 * or when `maxSkipMs` passed since the last read (so a vehicle that stopped in view, or a scene
 * that changed while the thumbnail stayed the same, is still read now and then).
 */

export interface MotionOptions {
  /** Share (0..1) of compared pixels that must change for a frame to be read. */
  threshold: number;
  /** Grey-level difference (1..255) at which a pixel counts as changed. */
  pixelDelta: number;
  /** At most this long (ms) between two reads, motion or not. */
  maxSkipMs: number;
}

/** A greyscale thumbnail, one byte per pixel, row-major. */
export interface GreyThumb {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface MotionState {
  /** Thumbnail of the last frame read. */
  reference: GreyThumb | null;
  /** Capture time (ms) of the last frame read. */
  lastReadAt: number | null;
}

export const initialMotionState: MotionState = Object.freeze({ reference: null, lastReadAt: null });

export type MotionReason = 'first' | 'motion' | 'interval' | 'still';

export interface MotionDecision {
  read: boolean;
  reason: MotionReason;
  /** Share of compared pixels that changed (0 when there was nothing to compare). */
  changed: number;
  state: MotionState;
}

/** Share of pixels (those with mask 1, when a mask is given) that differ by at least `pixelDelta`. */
export function changedShare(a: GreyThumb, b: GreyThumb, pixelDelta: number, mask?: Uint8Array): number {
  if (a.width !== b.width || a.height !== b.height) return 1;
  let compared = 0;
  let changed = 0;
  for (let i = 0; i < a.data.length; i++) {
    if (mask && mask[i] === 0) continue;
    compared++;
    if (Math.abs((a.data[i] as number) - (b.data[i] as number)) >= pixelDelta) changed++;
  }
  return compared === 0 ? 0 : changed / compared;
}

export function decideMotion(state: MotionState, thumb: GreyThumb, at: number, options: MotionOptions, mask?: Uint8Array): MotionDecision {
  const readNow = (reason: MotionReason, changed: number): MotionDecision => ({ read: true, reason, changed, state: { reference: thumb, lastReadAt: at } });
  if (state.reference === null || state.lastReadAt === null) return readNow('first', 0);
  const changed = changedShare(state.reference, thumb, options.pixelDelta, mask);
  if (changed >= options.threshold) return readNow('motion', changed);
  // A clock that stepped back (camera reconnect, replay loop) also forces a read.
  if (at - state.lastReadAt >= options.maxSkipMs || at < state.lastReadAt) return readNow('interval', changed);
  return { read: false, reason: 'still', changed, state };
}
