/**
 * Read models for the officer's page: recent hits with their read and latest disposition, and
 * one hit in full (the read, where, the matched entry and why). Parameterised statements only.
 */
import type { Database } from '../store/db.ts';
import { DetectionFramesRepo } from '../store/detection-frames.ts';
import { DetectionsRepo, type Detection } from '../store/detections-repo.ts';
import { DispositionsRepo, type Disposition } from '../store/dispositions-repo.ts';
import { HitsRepo, type Hit } from '../store/hits-repo.ts';
import { vehicleFromJson } from '../hotlist/repo.ts';
import type { VehicleDescription } from '../hotlist/types.ts';

/** Shown with every hit: a hit is a lead, not grounds for action by itself. */
export const VERIFY_NOTICE =
  'Verify before action: compare the plate in the image with the hot-list entry (characters and state) and confirm the entry is still current with dispatch before any enforcement action.';

export interface HitSummary {
  hitId: string;
  detectionId: string;
  capturedAt: number;
  cameraId: string;
  plate: string;
  list: string;
  reason: string | null;
  caseNumber: string | null;
  matchRule: string;
  disposition: string | null;
}

export interface MatchedEntry {
  id: string;
  plate: string | null;
  state: string | null;
  source: string | null;
  vehicle: VehicleDescription | null;
}

export interface HitDetail {
  hit: Hit;
  detection: Detection;
  entry: MatchedEntry;
  hasCrop: boolean;
  hasFrame: boolean;
  dispositions: Disposition[];
  notice: string;
}

export class HitQueries {
  private readonly hits: HitsRepo;
  private readonly detections: DetectionsRepo;
  private readonly frames: DetectionFramesRepo;
  private readonly dispositions: DispositionsRepo;
  private readonly recentStmt;
  private readonly bulkEntryStmt;
  private readonly localEntryStmt;

  constructor(db: Database) {
    this.hits = new HitsRepo(db);
    this.detections = new DetectionsRepo(db);
    this.frames = new DetectionFramesRepo(db);
    this.dispositions = new DispositionsRepo(db);
    this.recentStmt = db.prepare<[number], HitSummary>(`SELECT h.id AS hitId, h.detection_id AS detectionId, d.captured_at AS capturedAt,
        d.camera_id AS cameraId, h.plate, h.list, h.reason, h.case_number AS caseNumber, h.match_rule AS matchRule,
        (SELECT x.outcome FROM hit_dispositions x WHERE x.hit_id = h.id ORDER BY x.created_at DESC, x.id DESC LIMIT 1) AS disposition
      FROM hits h JOIN detections d ON d.id = h.detection_id ORDER BY h.id DESC LIMIT ?`);
    this.bulkEntryStmt = db.prepare<[string], { plate: string; state: string | null; source: string; vehicle: string | null }>(
      'SELECT plate, state, source, vehicle FROM hotlist_entries WHERE id = ?',
    );
    this.localEntryStmt = db.prepare<[string], { plate: string; state: string | null; vehicle: string | null }>(
      'SELECT plate, state, vehicle FROM hotlist_local_entries WHERE id = ?',
    );
  }

  /** Newest first. */
  recent(limit: number): HitSummary[] {
    return this.recentStmt.all(limit);
  }

  detail(hitId: string): HitDetail | null {
    const hit = this.hits.get(hitId);
    if (!hit) return null;
    const detection = this.detections.get(hit.detectionId);
    if (!detection) return null;
    return {
      hit,
      detection,
      entry: this.entry(hit.hotlistEntryId),
      hasCrop: detection.cropPath !== null,
      hasFrame: this.frames.has(detection.id),
      dispositions: this.dispositions.byHit(hit.id),
      notice: VERIFY_NOTICE,
    };
  }

  /** The entry as it is now; a bulk list re-imported since the hit may no longer hold it (the hit keeps its copy). */
  private entry(id: string): MatchedEntry {
    const bulk = this.bulkEntryStmt.get(id);
    if (bulk) return { id, plate: bulk.plate, state: bulk.state, source: bulk.source, vehicle: vehicleFromJson(bulk.vehicle) };
    const local = this.localEntryStmt.get(id);
    if (local) return { id, plate: local.plate, state: local.state, source: 'local', vehicle: vehicleFromJson(local.vehicle) };
    return { id, plate: null, state: null, source: null, vehicle: null };
  }
}
