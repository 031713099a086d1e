/**
 * The sink of every camera pipeline: turns a decided vehicle pass into a stored detection with
 * its crop, matches it against the hot list and records hits (with their outbox rows) in the
 * same transaction. Reports what happened to listeners (the console, the API later).
 */
import type { DetectionRecorder } from '../alerts/recorder.ts';
import type { HotlistMatcher } from '../hotlist/cache.ts';
import { matchExact } from '../hotlist/match.ts';
import type { HotlistRepo } from '../hotlist/repo.ts';
import type { PlateRead } from '../ocr/types.ts';
import { writeCrop } from '../store/crops.ts';
import type { Hit } from '../store/hits-repo.ts';
import type { DetectionPosition } from '../store/position.ts';
import type { PassDecision, PassSink } from './camera-pipeline.ts';

export interface ReadEvent {
  detectionId: string;
  cameraId: string;
  capturedAt: number;
  plate: string;
  confidence: number;
  frames: number;
  cropPath: string | null;
  hits: Hit[];
}

export interface PassRecorderOptions {
  dataDir: string;
  cropQuality: number;
  recorder: DetectionRecorder;
  /** Exact matching straight from the database; used only when no `matcher` is given. */
  hotlist: HotlistRepo;
  /**
   * The hot-list matcher (a HotlistCache): exact, confusable and partial matching over the read
   * and its alternatives, with staleness. Preferred over `hotlist`.
   */
  matcher?: HotlistMatcher;
  /** Where the vehicle was seen at a capture time (GPS fix cache or surveyed position), if known. */
  position?: (capturedAt: number) => DetectionPosition | null;
  onRead: (event: ReadEvent) => void;
}

export class PassRecorder implements PassSink {
  constructor(private readonly o: PassRecorderOptions) {}

  async passEnded(pass: PassDecision): Promise<void> {
    const { track } = pass;
    const read: PlateRead = {
      text: track.vote.text,
      confidence: track.vote.confidence,
      box: track.best.box,
      candidates: track.vote.alternatives.map((a) => ({ text: a.text, confidence: a.score })),
    };
    if (read.text.length === 0) return;
    const capturedAt = track.best.capturedAt;
    const detectionId = this.o.recorder.newDetectionId();
    // The crop is on disk before its row commits: a crash in between leaves an orphan file for
    // the sweeper, never a row pointing at a missing image.
    const crop = pass.pixels
      ? await writeCrop(this.o.dataDir, detectionId, capturedAt, pass.pixels.image, pass.pixels.box, {
          margin: 0,
          quality: this.o.cropQuality,
        })
      : null;
    const matches = this.o.matcher
      ? this.o.matcher.match({ text: read.text, candidates: read.candidates })
      : matchExact(this.o.hotlist, read.text);
    const recorded = this.o.recorder.recordDetection({ detectionId, cameraId: pass.cameraId, capturedAt, read, crop, matches, position: this.o.position?.(capturedAt) ?? null });
    this.o.onRead({
      detectionId: recorded.detectionId,
      cameraId: pass.cameraId,
      capturedAt,
      plate: read.text,
      confidence: read.confidence,
      frames: track.frames,
      cropPath: crop?.path ?? null,
      hits: recorded.hits,
    });
  }
}
