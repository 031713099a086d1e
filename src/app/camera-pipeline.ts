/**
 * One camera's path through the stages: frames → bounded queue → plate reader → tracker →
 * one decision per vehicle pass, handed to the sink. Owns its loops; holds no decisions itself
 * (the tracker and the vote decide, the sink stores and matches).
 */
import { FrameQueue, type QueuePolicy } from '../capture/frame-queue.ts';
import type { Frame, FrameSource } from '../capture/frame.ts';
import { isLiveFrameSource } from '../capture/live-source.ts';
import type { PlateRead, PlateReader } from '../ocr/types.ts';
import type { Logger } from '../platform/logger.ts';
import type { CameraState } from './health.ts';
import type { PlateTracker, TrackEvent, TrackFinal } from '../track/tracker.ts';
import { reduceRgb } from '../alerts/hit-frame.ts';
import { cropRgb } from '../ocr/crop-rgb.ts';
import { cutPlate, withFrame, type PlatePixels } from './plate-pixels.ts';
import { boxCentreInRoi, roiReadWindow, type Roi } from '../track/roi.ts';

/** A finished vehicle pass: the voted decision and the pixels of its best observation. */
export interface PassDecision {
  cameraId: string;
  track: TrackFinal;
  pixels: PlatePixels | null;
}

export interface PassSink {
  /** Called when a pass's reading first becomes confident (at most once per pass), before its end. */
  passConfident?(pass: PassDecision): Promise<void>;
  /** Called once per vehicle pass, in order, awaited before the next. */
  passEnded(pass: PassDecision): Promise<void>;
  /** A pass found to repeat an earlier one of the same plate (not stored again). */
  passMerged?(pass: PassDecision): Promise<void>;
  /** A pass dropped because it did not look like a plate (not stored; for evaluation and diagnostics). */
  passNotPlate?(pass: PassDecision, reason: string): Promise<void>;
}

/** Hooks for metrics; every method is optional and must not throw. */
export interface PipelineObserver {
  frameRead?(cameraId: string, seconds: number, reads: number): void;
  framesDropped?(cameraId: string, count: number): void;
  passStored?(cameraId: string, seconds: number): void;
  /** A frame not read because nothing moved (motion gating). */
  frameSkipped?(cameraId: string): void;
  /** A pass dropped because it did not look like a plate (track.plateGate). */
  passNotPlate?(cameraId: string, reason: string): void;
}

export interface CameraPipelineOptions {
  minConfidence: number;
  cropMargin: number;
  queuePolicy: QueuePolicy;
  /** Frames buffered between capture and reading. */
  queueCapacity: number;
  observer?: PipelineObserver;
  /** Shares the reader fairly between cameras (one turn each in rotation); absent: no sharing. */
  gate?: { run<T>(camera: string, fn: () => Promise<T>): Promise<T> };
  /** Region of interest: reads whose box centre lies outside are ignored; absent: the whole frame. */
  roi?: Roi;
  /** Read only the region's bounding box (roiReadWindow) instead of the whole frame: fewer pixels for the detector. */
  roiCrop?: boolean;
  /** Motion gating: frames it declines are not read; absent: every frame is read. */
  motion?: { shouldRead(frame: Frame): Promise<boolean> };
}

export interface CameraStats {
  frames: number;
  reads: number;
  passes: number;
  merged: number;
  dropped: number;
  /** Frames not read because nothing moved. */
  skipped: number;
  /** Passes dropped as not a plate. */
  notPlate: number;
}

/** Plate text can only be 2..10 characters after normalisation; anything else is not a plate. */
function usable(read: PlateRead, minConfidence: number): boolean {
  return read.confidence >= minConfidence && read.text.length >= 2 && read.text.length <= 10;
}

export class CameraPipeline {
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;
  private readonly counters = { frames: 0, reads: 0, passes: 0, merged: 0, skipped: 0, notPlate: 0 };
  private queue: FrameQueue<Frame> | null = null;
  private currentState: CameraState = 'starting';
  private failure: Error | null = null;

  constructor(
    private readonly source: FrameSource,
    private readonly reader: PlateReader,
    private readonly tracker: PlateTracker,
    private readonly sink: PassSink,
    private readonly options: CameraPipelineOptions,
    private readonly logger: Logger,
  ) {}

  get cameraId(): string {
    return this.source.id;
  }

  get state(): CameraState {
    // A live camera's own connection state is the truth while the pipeline runs.
    if ((this.currentState === 'streaming' || this.currentState === 'starting') && isLiveFrameSource(this.source)) {
      const live = this.source.status;
      if (live.state === 'connecting' || live.state === 'waiting-retry') return 'reconnecting';
    }
    return this.currentState;
  }

  /** The live camera's last connection error while it reconnects, else the pipeline's failure. */
  get error(): Error | null {
    if (this.failure) return this.failure;
    if (this.state === 'reconnecting' && isLiveFrameSource(this.source) && this.source.status.lastError) {
      return new Error(this.source.status.lastError);
    }
    return null;
  }

  get queueDepth(): number {
    return this.queue?.depth ?? 0;
  }

  get stats(): CameraStats {
    return { ...this.counters, dropped: this.queue?.dropped ?? 0 };
  }

  /** Starts capture and reading; `done` settles when the source ends or fails. */
  start(): void {
    if (this.running) return;
    const queue = new FrameQueue<Frame>(this.options.queueCapacity, this.options.queuePolicy);
    this.queue = queue;
    const capture = this.capture(queue);
    const process = this.process(queue);
    // Both loops always run to their end, so nothing touches the store after `done` settles.
    this.running = Promise.allSettled([capture, process]).then(([c, p]) => {
      const reason: unknown = c.status === 'rejected' ? c.reason : p.status === 'rejected' ? p.reason : null;
      if (reason === null) {
        this.currentState = 'ended';
        return;
      }
      this.currentState = 'failed';
      this.failure = reason instanceof Error ? reason : new Error(String(reason));
      throw this.failure;
    });
    // Marks the failure as handled here; `done` still rejects for whoever awaits it.
    this.running.catch(() => undefined);
  }

  /** Resolves when the source has ended and every frame and pass is handled; rejects on failure. */
  get done(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Stops capture, finishes the frames in hand and reports the open passes. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running?.catch(() => undefined);
  }

  private async capture(queue: FrameQueue<Frame>): Promise<void> {
    try {
      for await (const frame of this.source.frames(this.abort.signal)) {
        this.currentState = 'streaming';
        const droppedBefore = queue.dropped;
        await queue.put(frame);
        if (queue.dropped > droppedBefore) this.options.observer?.framesDropped?.(this.source.id, queue.dropped - droppedBefore);
        if (this.abort.signal.aborted) break;
      }
    } finally {
      queue.close();
    }
  }

  private async process(queue: FrameQueue<Frame>): Promise<void> {
    try {
      await this.readAll(queue);
    } catch (err) {
      // The reader or the store failed: stop capture too, or a blocking queue would wait forever.
      this.abort.abort();
      queue.close();
      throw err;
    }
  }

  private async readAll(queue: FrameQueue<Frame>): Promise<void> {
    let lastTime = 0;
    for await (const frame of queue) {
      lastTime = frame.capturedAt;
      if (this.options.motion && !(await this.options.motion.shouldRead(frame))) {
        this.counters.skipped++;
        this.options.observer?.frameSkipped?.(this.source.id);
        // Unread frames still move time on, so passes end when their vehicle is gone.
        await this.handle(this.tracker.tick(frame.capturedAt));
        continue;
      }
      this.counters.frames++;
      const started = performance.now();
      const read = (): Promise<PlateRead[]> => this.readFrame(frame);
      const all = this.options.gate ? await this.options.gate.run(this.source.id, read) : await read();
      const roi = this.options.roi;
      const reads = all.filter(
        (r) => usable(r, this.options.minConfidence) && (roi === undefined || boxCentreInRoi(roi, r.box, frame.width, frame.height)),
      );
      this.options.observer?.frameRead?.(this.source.id, (performance.now() - started) / 1000, reads.length);
      this.counters.reads += reads.length;
      // One reduced copy of the frame per frame with reads: a hit's message shows the whole scene.
      const reduced = reads.length > 0 ? reduceRgb(frame) : undefined;
      const tracked = reads.map((r) => ({ ...r, ref: withFrame(cutPlate(frame, r.box, this.options.cropMargin), reduced) }));
      await this.handle(this.tracker.update(frame.capturedAt, tracked));
    }
    // The source ended (or was stopped): every open pass is decided now rather than lost.
    await this.handle(this.tracker.flush(lastTime));
  }

  /** Reads the frame, or only its region-of-interest window (boxes mapped back to the frame). */
  private async readFrame(frame: Frame): Promise<PlateRead[]> {
    const roi = this.options.roi;
    const window = roi && this.options.roiCrop ? roiReadWindow(roi, frame.width, frame.height) : null;
    if (!window) return this.reader.read(frame);
    const reads = await this.reader.read({ ...frame, ...cropRgb(frame, window), sceneSize: { width: frame.width, height: frame.height } });
    return reads.map((r) => ({ ...r, box: { ...r.box, x: r.box.x + window.x, y: r.box.y + window.y } }));
  }

  private async handle(events: TrackEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'end') {
        this.counters.passes++;
        const pixels = (event.best.ref as PlatePixels | null | undefined) ?? null;
        const started = performance.now();
        await this.sink.passEnded({ cameraId: this.source.id, track: event, pixels });
        this.options.observer?.passStored?.(this.source.id, (performance.now() - started) / 1000);
      } else if (event.type === 'firstConfident') {
        const pixels = (event.best.ref as PlatePixels | null | undefined) ?? null;
        await this.sink.passConfident?.({ cameraId: this.source.id, track: event, pixels });
      } else if (event.type === 'dropped') {
        this.counters.notPlate++;
        this.options.observer?.passNotPlate?.(this.source.id, event.reason);
        await this.sink.passNotPlate?.({ cameraId: this.source.id, track: event, pixels: null }, event.reason);
        this.logger.debug({ camera: this.source.id, track: event.trackId, text: event.vote.text, reason: event.reason }, 'pass dropped: not a plate');
      } else if (event.type === 'merged') {
        this.counters.merged++;
        const pixels = (event.best.ref as PlatePixels | null | undefined) ?? null;
        await this.sink.passMerged?.({ cameraId: this.source.id, track: event, pixels });
        this.logger.debug({ camera: this.source.id, track: event.trackId, into: event.mergedInto }, 'duplicate pass merged');
      }
    }
  }
}
