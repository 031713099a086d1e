/**
 * Records one plate read: the detection row, and for every hot-list match a hit row and its
 * outbox message, all in ONE transaction (all three or none). The daemon calls
 * `recordDetection` once per kept read, after the crop is written (a crash in between leaves an
 * orphan image, never a row pointing at a missing one).
 *
 * `recordDetectionSoon` is the grouped form the daemon uses: reads recorded in the same turn of
 * the event loop (the crops of one CropWriter commit resolve together) share ONE transaction,
 * each read in its own savepoint, so one bad read fails alone. Every row touches the same few
 * table and index pages; one commit per row appended those pages to the WAL again for every row
 * (~4 pages, 16 KB, per 10 KB crop), which made the database's writes most of the ingest's I/O.
 */
import { AlprError } from '../errors.ts';
import type { HotlistMatch } from '../hotlist/types.ts';
import type { PlateRead } from '../ocr/types.ts';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../store/db.ts';
import { DetectionFramesRepo } from '../store/detection-frames.ts';
import { DetectionsRepo } from '../store/detections-repo.ts';
import { HitsRepo, type Hit } from '../store/hits-repo.ts';
import type { IdGenerator } from '../store/ids.ts';
import type { DetectionPosition } from '../store/position.ts';
import { buildHitMessage, type HitFrameImage } from './hit-message.ts';
import { OutboxRepo } from './outbox-repo.ts';

export interface DetectionRecorderOptions {
  clock: Clock;
  newId: IdGenerator;
  /** Where hit messages go: hitsTopic(prefix, agency, device) from src/mqtt/topics.ts. */
  hitsTopic: string;
  agency: string;
  deviceId: string;
  /** Called after a commit that queued at least one hit (wire it to OutboxPublisher.notify). */
  onHitsQueued?: () => void;
}

export interface DetectionInput {
  /** The id the crop was stored under (from `newDetectionId()`); generated when absent. */
  detectionId?: string;
  cameraId: string;
  /** Capture time of the frame, ms since the epoch. */
  capturedAt: number;
  read: PlateRead;
  /** The stored crop (writeCrop's result), or null when none was kept. */
  crop: { path: string; jpeg: Buffer } | null;
  /** Hot-list matches for the read (HotlistCache.match / matchRead in src/hotlist/match.ts). */
  matches: readonly HotlistMatch[];
  /** The vehicle pass (track id) the read decides, carried in hit messages. */
  passId?: string | null;
  /** A reduced JPEG of the frame the plate was read from (hit-frame.ts): carried in hit messages, and kept with a hit for the officer's page (detection_frames). */
  frame?: HitFrameImage | null;
  /**
   * Where the read was taken, stored with the detection (src/store/position.ts): a fix, or
   * 'none'/'stale' with no coordinates (e.g. `toDetectionPosition(fixCache.nearest(capturedAt))`).
   * Absent or null: no GPS on this device, every gps_* column stays NULL.
   */
  position?: DetectionPosition | null;
}

/** The pass's final decision for a detection already stored when the pass first hit. */
export interface RevisionInput extends Omit<DetectionInput, 'detectionId' | 'position'> {
  detectionId: string;
}

export interface RecordedDetection {
  detectionId: string;
  hits: Hit[];
}

interface Pending {
  input: DetectionInput;
  resolve(r: RecordedDetection): void;
  reject(err: unknown): void;
}

/** Most reads in one grouped transaction. */
const MAX_GROUP = 512;

export class DetectionRecorder {
  private readonly db: Database;
  private pending: Pending[] = [];
  private readonly options: DetectionRecorderOptions;
  private readonly detections: DetectionsRepo;
  private readonly hitsRepo: HitsRepo;
  private readonly outbox: OutboxRepo;
  private readonly frames: DetectionFramesRepo;
  private readonly topic: string;

  constructor(db: Database, options: DetectionRecorderOptions) {
    this.db = db;
    this.options = options;
    this.detections = new DetectionsRepo(db);
    this.hitsRepo = new HitsRepo(db);
    this.outbox = new OutboxRepo(db);
    this.frames = new DetectionFramesRepo(db);
    this.topic = options.hitsTopic;
  }

  /** A fresh time-ordered id to name the crop before the detection is recorded. */
  newDetectionId(): string {
    return this.options.newId();
  }

  recordDetection(input: DetectionInput): RecordedDetection {
    const r = this.commit(input, false);
    if (r.hits.length > 0) this.options.onHitsQueued?.();
    return r;
  }

  /**
   * recordDetection, grouped: resolves once the read's transaction, shared with the reads
   * recorded in the same turn of the event loop, has committed; rejects with the read's own
   * error (the others still commit) or the shared commit's.
   */
  recordDetectionSoon(input: DetectionInput): Promise<RecordedDetection> {
    return new Promise((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.commitPending());
      else if (this.pending.length >= MAX_GROUP) this.commitPending();
    });
  }

  private commitPending(): void {
    const group = this.pending.splice(0);
    if (group.length === 0) return;
    const results: Array<{ ok: RecordedDetection } | { err: unknown }> = [];
    try {
      this.db.transaction(() => {
        results.length = 0; // a retried transaction starts over
        // Each read in its own savepoint (the nested transaction): its failure undoes it alone.
        for (const p of group) {
          try {
            results.push({ ok: this.commit(p.input, false) });
          } catch (err) {
            results.push({ err });
          }
        }
      })();
    } catch (err) {
      for (const p of group) p.reject(err);
      return;
    }
    let hits = false;
    group.forEach((p, i) => {
      const r = results[i] as { ok: RecordedDetection } | { err: unknown };
      if ('ok' in r) {
        hits ||= r.ok.hits.length > 0;
        p.resolve(r.ok);
      } else p.reject(r.err);
    });
    if (hits) this.options.onHitsQueued?.();
  }

  /**
   * Stores the final decision of a pass whose detection was recorded early (on its first
   * confident reading), and hits for matches not hit before, in one transaction.
   */
  reviseDetection(input: RevisionInput): RecordedDetection {
    const r = this.commit(input, true);
    if (r.hits.length > 0) this.options.onHitsQueued?.();
    return r;
  }

  private commit(input: DetectionInput, revise: boolean): RecordedDetection {
    const { clock, newId } = this.options;
    const detectionId = input.detectionId ?? newId();
    const now = clock.now();
    const { read } = input;
    const hits: Hit[] = input.matches.map((m) => ({
      id: newId(),
      detectionId,
      hotlistEntryId: m.entry.id,
      plate: read.text,
      list: m.entry.list,
      reason: m.entry.reason,
      caseNumber: m.entry.caseNumber,
      matchRule: m.rule,
      matchedText: m.matchedText ?? read.text,
      swaps: m.swaps ?? [],
      stale: m.stale ?? false,
      createdAt: now,
    }));
    // A revision keeps the position stored with the early detection; hit messages carry that one.
    const position = revise ? (input.matches.length > 0 ? (this.detections.get(detectionId)?.position ?? null) : null) : (input.position ?? null);
    const payloads = input.matches.map((match, i) =>
      JSON.stringify(
        buildHitMessage({
          hitId: (hits[i] as Hit).id,
          passId: input.passId ?? null,
          capturedAt: input.capturedAt,
          device: this.options.deviceId,
          agency: this.options.agency,
          camera: input.cameraId,
          plate: read.text,
          confidence: read.confidence,
          candidates: read.candidates,
          match,
          cropJpeg: input.crop?.jpeg ?? null,
          frame: input.frame ?? null,
          position,
        }),
      ),
    );

    this.db.transaction(() => {
      if (revise) {
        const done = this.detections.revise({
          id: detectionId,
          capturedAt: input.capturedAt,
          plate: read.text,
          confidence: read.confidence,
          candidates: read.candidates,
          box: read.box,
          cropPath: input.crop?.path ?? null,
        });
        if (!done) throw new AlprError('STORE_FAILED', `detection ${detectionId} to revise is not in the store (purged or held?)`);
      } else this.detections.insert({
        id: detectionId,
        capturedAt: input.capturedAt,
        cameraId: input.cameraId,
        plate: read.text,
        confidence: read.confidence,
        candidates: read.candidates,
        box: read.box,
        cropPath: input.crop?.path ?? null,
        createdAt: now,
        position: input.position ?? null,
      });
      hits.forEach((hit, i) => {
        this.hitsRepo.insert(hit);
        this.outbox.enqueue({ messageId: hit.id, topic: this.topic, payload: payloads[i] as string, qos: 1, createdAt: now });
      });
      // The officer's page shows the frame beside the crop: kept for reads that hit, with the hit.
      if (input.frame && hits.length > 0) this.frames.put(detectionId, input.frame);
    })();
    return { detectionId, hits };
  }
}
