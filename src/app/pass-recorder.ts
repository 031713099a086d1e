/**
 * The sink of every camera pipeline: turns a decided vehicle pass into a stored detection with
 * its crop, matches it against the hot list and records hits (with their outbox rows) in the
 * same transaction. Reports what happened to listeners (the console, the API later).
 */
import { encodeHitFrame } from '../alerts/hit-frame.ts';
import type { HitFrameImage } from '../alerts/hit-message.ts';
import { RecentHits } from '../alerts/recent-hits.ts';
import type { DetectionRecorder, RecordedDetection } from '../alerts/recorder.ts';
import type { HotlistMatcher } from '../hotlist/cache.ts';
import { matchExact } from '../hotlist/match.ts';
import type { HotlistRepo } from '../hotlist/repo.ts';
import type { HotlistMatch } from '../hotlist/types.ts';
import type { PlateCandidate, PlateRead } from '../ocr/types.ts';
import type { CropWriter } from '../store/crop-writer.ts';
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
  /** 'early': stored on the pass's first confident reading because it hit; 'final': the pass's decision. */
  stage: 'early' | 'final';
  /** The vehicle pass (track id). */
  passId?: string;
  /** The read's alternatives, best first. */
  candidates?: PlateCandidate[];
}

export interface PassRecorderOptions {
  dataDir: string;
  cropQuality: number;
  /** Writes the crops; its owner flushes lazy crops (CropFlusher) and closes it. */
  cropWriter: CropWriter;
  /** A hot-list entry hit by the same plate on the same camera within this many ms (of capture time) is not hit again (track.mergeWindowMs). Default 10000. */
  hitWindowMs?: number;
  /** Crops of reads that do not hit are written lazily (durable at the next CropFlusher flush); hits' crops always durably. */
  lazyCrops: boolean;
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
  /** Passes that hit on their first confident reading: their stored detection and the entries hit. */
  private readonly early = new Map<string, { detectionId: string; entries: Set<string> }>();
  /** Entries hit per camera and plate lately: a pass split in two tracks alerts once. */
  private readonly recentHits: RecentHits;

  constructor(private readonly o: PassRecorderOptions) {
    this.recentHits = new RecentHits(o.hitWindowMs ?? 10_000);
  }

  /**
   * The pass's reading first became confident: if it matches the hot list, the detection and its
   * hits are stored now, so an officer is not kept waiting until the vehicle has left the frame.
   */
  async passConfident(pass: PassDecision): Promise<void> {
    const read = readOf(pass);
    const capturedAt = pass.track.best.capturedAt;
    if (read.text.length === 0) return;
    const matches = this.recentHits.admit(pass.cameraId, read.text, pass.track.lastSeen, this.match(read));
    if (matches.length === 0) return;
    const detectionId = this.o.recorder.newDetectionId();
    let recorded: RecordedDetection;
    let crop: { path: string; jpeg: Buffer } | null;
    try {
      // The crop's encode and flush and the reduced frame's encode overlap: both delay the hit.
      let frame: HitFrameImage | null;
      [crop, frame] = await Promise.all([this.crop(pass, detectionId, capturedAt, false), this.frame(pass)]);
      recorded = this.o.recorder.recordDetection({
        detectionId,
        cameraId: pass.cameraId,
        capturedAt,
        read,
        crop,
        matches,
        passId: pass.track.trackId,
        frame,
        position: this.o.position?.(capturedAt) ?? null,
      });
    } catch (err) {
      // Not stored: the pass's final decision (or a later pass) may still hit these entries.
      this.recentHits.forget(pass.cameraId, read.text, matches);
      throw err;
    }
    this.early.set(pass.track.trackId, { detectionId, entries: new Set(matches.map((m) => m.entry.id)) });
    this.report(pass, read, capturedAt, recorded, crop, 'early');
  }

  async passEnded(pass: PassDecision): Promise<void> {
    const read = readOf(pass);
    const early = this.early.get(pass.track.trackId);
    this.early.delete(pass.track.trackId);
    if (read.text.length === 0 && !early) return;
    const capturedAt = pass.track.best.capturedAt;
    const detectionId = early?.detectionId ?? this.o.recorder.newDetectionId();
    // One hit per pass and hot-list entry: entries already hit early are not hit again.
    const fresh = this.match(read).filter((m) => !early?.entries.has(m.entry.id));
    const matches = read.text.length > 0 ? this.recentHits.admit(pass.cameraId, read.text, pass.track.lastSeen, fresh) : fresh;
    // A read that hit (now or early) is evidence: its crop is on disk before its row commits.
    const [crop, frame] = await Promise.all([
      this.crop(pass, detectionId, capturedAt, early === undefined && matches.length === 0),
      matches.length > 0 ? this.frame(pass) : null,
    ]).catch((err: unknown) => {
      this.recentHits.forget(pass.cameraId, read.text, matches);
      throw err;
    });
    const input = { detectionId, cameraId: pass.cameraId, capturedAt, read, crop, matches, passId: pass.track.trackId, frame };
    let recorded: RecordedDetection;
    try {
      // Passes ending together share one transaction (recordDetectionSoon); a revision is rare and stays on its own.
      recorded = early
        ? this.o.recorder.reviseDetection(input)
        : await this.o.recorder.recordDetectionSoon({ ...input, position: this.o.position?.(capturedAt) ?? null });
    } catch (err) {
      this.recentHits.forget(pass.cameraId, read.text, matches);
      throw err;
    }
    this.report(pass, read, capturedAt, recorded, crop, 'final');
  }

  /** A repeat of an earlier pass is not stored again, unless it already hit: then it is finished like any pass. */
  async passMerged(pass: PassDecision): Promise<void> {
    if (this.early.has(pass.track.trackId)) await this.passEnded(pass);
  }

  private match(read: PlateRead): HotlistMatch[] {
    return this.o.matcher ? this.o.matcher.match({ text: read.text, candidates: read.candidates }) : matchExact(this.o.hotlist, read.text);
  }

  /**
   * Writes the crop before its row commits: durably unless `lazy` (then the CropFlusher flushes it
   * within store.cropFlushIntervalMs, docs/storage.md). A crash in between leaves an orphan file
   * for the sweeper, never a row pointing at a missing image.
   */
  private async crop(pass: PassDecision, detectionId: string, capturedAt: number, lazy: boolean): Promise<{ path: string; jpeg: Buffer } | null> {
    if (!pass.pixels) return null;
    const options = { margin: 0, quality: this.o.cropQuality };
    return writeCrop(this.o.dataDir, detectionId, capturedAt, pass.pixels.image, pass.pixels.box, options, this.o.cropWriter, lazy && this.o.lazyCrops);
  }

  /** The reduced whole frame for hit messages (only reads that hit pay for it). */
  private async frame(pass: PassDecision): Promise<HitFrameImage | null> {
    return pass.pixels?.frame ? encodeHitFrame(pass.pixels.frame) : null;
  }

  private report(
    pass: PassDecision,
    read: PlateRead,
    capturedAt: number,
    recorded: { detectionId: string; hits: Hit[] },
    crop: { path: string } | null,
    stage: 'early' | 'final',
  ): void {
    this.o.onRead({
      detectionId: recorded.detectionId,
      cameraId: pass.cameraId,
      capturedAt,
      plate: read.text,
      confidence: read.confidence,
      frames: pass.track.frames,
      cropPath: crop?.path ?? null,
      hits: recorded.hits,
      stage,
      passId: pass.track.trackId,
      candidates: read.candidates,
    });
  }
}

function readOf(pass: PassDecision): PlateRead {
  const { track } = pass;
  return {
    text: track.vote.text,
    confidence: track.vote.confidence,
    box: track.best.box,
    candidates: track.vote.alternatives.map((a) => ({ text: a.text, confidence: a.score })),
  };
}
