/** The `detections` table: one row per plate read that was kept. */
import type { Statement } from 'better-sqlite3';
import type { Box, PlateCandidate } from '../ocr/types.ts';
import type { Database } from './db.ts';
import { positionColumns, positionFromColumns, type DetectionPosition, type PositionColumns } from './position.ts';

export interface Detection {
  id: string;
  capturedAt: number;
  cameraId: string;
  plate: string;
  confidence: number;
  candidates: PlateCandidate[];
  box: Box;
  /** Relative to the data dir, "/" separated; null when no crop was stored. */
  cropPath: string | null;
  createdAt: number;
  /**
   * Where the read was taken (see position.ts). On insert, absent or null stores no position
   * (all gps_* columns NULL); on read it is null for such a row.
   */
  position?: DetectionPosition | null;
}

interface DetectionRow extends PositionColumns {
  id: string;
  captured_at: number;
  camera_id: string;
  plate: string;
  confidence: number;
  candidates: string;
  box_x: number;
  box_y: number;
  box_w: number;
  box_h: number;
  crop_path: string | null;
  created_at: number;
}

function fromRow(r: DetectionRow): Detection {
  return {
    id: r.id,
    capturedAt: r.captured_at,
    cameraId: r.camera_id,
    plate: r.plate,
    confidence: r.confidence,
    candidates: JSON.parse(r.candidates) as PlateCandidate[],
    box: { x: r.box_x, y: r.box_y, w: r.box_w, h: r.box_h },
    cropPath: r.crop_path,
    createdAt: r.created_at,
    position: positionFromColumns(r),
  };
}

/** What a vehicle pass decided: the columns an early detection's revision replaces. */
type Decision = Pick<Detection, 'id' | 'capturedAt' | 'plate' | 'confidence' | 'candidates' | 'box' | 'cropPath'>;

function decisionColumns(d: Decision) {
  return {
    id: d.id,
    captured_at: Math.floor(d.capturedAt),
    plate: d.plate,
    confidence: d.confidence,
    candidates: JSON.stringify(d.candidates),
    box_x: d.box.x,
    box_y: d.box.y,
    box_w: d.box.w,
    box_h: d.box.h,
    crop_path: d.cropPath,
  };
}

export class DetectionsRepo {
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement<[string], DetectionRow>;
  private readonly byPlateStmt: Statement<[string, number], DetectionRow>;
  private readonly countStmt: Statement<[], { n: number }>;
  private readonly reviseStmt: Statement;

  constructor(db: Database) {
    this.insertStmt = db.prepare(`INSERT INTO detections
      (id, captured_at, camera_id, plate, confidence, candidates, box_x, box_y, box_w, box_h, crop_path, created_at,
       gps_lat, gps_lon, gps_fix_type, gps_fix_age_ms, gps_hdop, gps_satellites, gps_speed_mps, gps_heading_deg)
      VALUES (@id, @captured_at, @camera_id, @plate, @confidence, @candidates, @box_x, @box_y, @box_w, @box_h, @crop_path, @created_at,
       @gps_lat, @gps_lon, @gps_fix_type, @gps_fix_age_ms, @gps_hdop, @gps_satellites, @gps_speed_mps, @gps_heading_deg)`);
    this.getStmt = db.prepare('SELECT * FROM detections WHERE id = ?');
    this.byPlateStmt = db.prepare('SELECT * FROM detections WHERE plate = ? ORDER BY captured_at DESC LIMIT ?');
    this.countStmt = db.prepare('SELECT COUNT(*) AS n FROM detections');
    this.reviseStmt = db.prepare(`UPDATE detections SET captured_at = @captured_at, plate = @plate, confidence = @confidence,
      candidates = @candidates, box_x = @box_x, box_y = @box_y, box_w = @box_w, box_h = @box_h, crop_path = @crop_path
      WHERE id = @id`);
  }

  /**
   * Replaces the decision of a detection stored early in its vehicle pass (a hit on the first
   * confident reading) with the pass's final decision; time, camera and position stay.
   * Returns false when no such detection exists.
   */
  revise(d: Decision): boolean {
    return this.reviseStmt.run(decisionColumns(d)).changes === 1;
  }

  insert(d: Detection): void {
    this.insertStmt.run({
      ...decisionColumns(d),
      camera_id: d.cameraId,
      created_at: Math.floor(d.createdAt),
      ...positionColumns(d.position),
    } satisfies DetectionRow);
  }

  get(id: string): Detection | undefined {
    const row = this.getStmt.get(id);
    return row ? fromRow(row) : undefined;
  }

  /** Most recent first. */
  findByPlate(plate: string, limit = 100): Detection[] {
    return this.byPlateStmt.all(plate, limit).map(fromRow);
  }

  count(): number {
    return this.countStmt.get()?.n ?? 0;
  }
}
