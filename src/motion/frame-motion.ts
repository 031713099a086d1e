/**
 * Adapter: one camera's motion gate over whole frames. Shrinks each frame to a small grey
 * thumbnail with sharp (area-averaged, which also smooths sensor noise away) and asks the pure
 * decision in motion-gate.ts. Only the region of interest is compared, when the camera has one.
 */
import sharp from 'sharp';
import type { Frame } from '../capture/frame.ts';
import { roiMask, type Roi } from '../track/roi.ts';
import { decideMotion, initialMotionState, type GreyThumb, type MotionDecision, type MotionOptions, type MotionState } from './motion-gate.ts';

export interface FrameMotionOptions extends MotionOptions {
  /** Thumbnail width in pixels (height keeps the aspect). */
  thumbWidth: number;
}

/** RGB frame → grey thumbnail `thumbWidth` wide. */
export async function greyThumb(frame: Pick<Frame, 'width' | 'height' | 'data'>, thumbWidth: number): Promise<GreyThumb> {
  const width = Math.max(1, Math.min(thumbWidth, frame.width));
  const height = Math.max(1, Math.round((frame.height * width) / frame.width));
  const data = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, width * height) };
}

export class FrameMotionGate {
  private state: MotionState = initialMotionState;
  private mask: { width: number; height: number; data: Uint8Array } | null = null;

  constructor(
    private readonly options: FrameMotionOptions,
    private readonly roi?: Roi,
  ) {}

  /** Decides for one frame and, when it is to be read, makes it the new reference. */
  async decide(frame: Frame): Promise<MotionDecision> {
    const thumb = await greyThumb(frame, this.options.thumbWidth);
    const decision = decideMotion(this.state, thumb, frame.capturedAt, this.options, this.maskFor(thumb));
    this.state = decision.state;
    return decision;
  }

  async shouldRead(frame: Frame): Promise<boolean> {
    return (await this.decide(frame)).read;
  }

  private maskFor(thumb: GreyThumb): Uint8Array | undefined {
    if (!this.roi) return undefined;
    if (this.mask?.width !== thumb.width || this.mask.height !== thumb.height) {
      this.mask = { width: thumb.width, height: thumb.height, data: roiMask(this.roi, thumb.width, thumb.height) };
    }
    return this.mask.data;
  }
}
