/** One decoded camera frame: packed RGB, 8 bits per channel, row-major, no padding. */
export interface Frame {
  readonly cameraId: string;
  /** 0-based index in decode order for this source. */
  readonly index: number;
  /** Capture time, ms since the Unix epoch (replays map media time onto the replay start). */
  readonly capturedAt: number;
  readonly width: number;
  readonly height: number;
  /** width * height * 3 bytes of RGB. Owned by the consumer once yielded. */
  readonly data: Buffer;
}

/**
 * Every camera, file or folder is a FrameSource. `frames()` yields until the source ends
 * (a file replay) or `signal` aborts; a failure to open or decode throws an AlprError.
 */
export interface FrameSource {
  readonly id: string;
  frames(signal?: AbortSignal): AsyncIterable<Frame>;
}
