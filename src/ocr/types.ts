/** Axis-aligned box in pixels of the image that was read. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PlateCandidate {
  /** Normalised plate text: A-Z and 0-9 only. */
  text: string;
  /** 0..1 */
  confidence: number;
}

/** One plate found in an image. */
export interface PlateRead {
  /** Normalised best text (A-Z0-9). */
  text: string;
  /** 0..1 confidence of `text`. */
  confidence: number;
  box: Box;
  /** Other readings of this plate region and other text lines that could be the plate, best first. */
  candidates: PlateCandidate[];
  /** Per-character confidences of `text` (0..1), when the plate recogniser read it. */
  chars?: PlateChar[];
  /**
   * How much the region looks like a plate (0..1), independent of the recogniser's confidence:
   * plausible length, letter+digit mix, little junk, aspect, height, and height relative to the
   * tallest plausible text in the image (select.ts). Absent on reads made before it existed.
   */
  plateScore?: number;
  /**
   * The plate detector's best score (0..1) for a detection at this plate, when the reader is
   * gated by it (reader.plateDetector 'gate'); absent with the gate off, and for plates read by
   * the whole-frame fallback after the detector's windows gave none.
   */
  detectorScore?: number;
}

export interface PlateChar {
  char: string;
  confidence: number;
}

/** An RGB image in memory (same layout as a Frame). */
export interface RgbImage {
  width: number;
  height: number;
  data: Buffer;
  /**
   * When the image is a window cut from a larger frame (a region of interest): that frame's size.
   * The detector then reads the window at the scale it would read the whole frame, instead of
   * enlarging the window to its full input size.
   */
  sceneSize?: { width: number; height: number };
}

export interface PlateReader {
  /** Reads every plate in the image, best first. */
  read(image: RgbImage): Promise<PlateRead[]>;
  close(): Promise<void>;
}
