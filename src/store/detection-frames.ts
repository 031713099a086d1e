/**
 * `detection_frames`: a reduced JPEG of the full frame a hit was read from, so the officer sees
 * the vehicle beside the plate crop. Kept only for detections that hit (a few a day), in SQLite
 * so it commits with the hit and goes with its detection (ON DELETE CASCADE) when retention
 * purges it — no second file tree for the sweeper to track.
 */
import type { Statement } from 'better-sqlite3';
import type { Database } from './db.ts';

/** A reduced JPEG of the whole frame (the hit message's frame, alerts/hit-frame.ts). */
export interface ReducedFrame {
  jpeg: Buffer;
  width: number;
  height: number;
}

export class DetectionFramesRepo {
  private readonly putStmt: Statement;
  private readonly getStmt: Statement<[string], { jpeg: Buffer; width: number; height: number }>;
  private readonly hasStmt: Statement<[string], { n: number }>;

  constructor(db: Database) {
    this.putStmt = db.prepare(`INSERT INTO detection_frames (detection_id, jpeg, width, height) VALUES (?, ?, ?, ?)
      ON CONFLICT (detection_id) DO UPDATE SET jpeg = excluded.jpeg, width = excluded.width, height = excluded.height`);
    this.getStmt = db.prepare('SELECT jpeg, width, height FROM detection_frames WHERE detection_id = ?');
    this.hasStmt = db.prepare('SELECT COUNT(*) AS n FROM detection_frames WHERE detection_id = ?');
  }

  /** Stores (or replaces, when the pass's final decision picked a better frame) the detection's frame. */
  put(detectionId: string, frame: ReducedFrame): void {
    this.putStmt.run(detectionId, frame.jpeg, frame.width, frame.height);
  }

  get(detectionId: string): ReducedFrame | undefined {
    return this.getStmt.get(detectionId);
  }

  has(detectionId: string): boolean {
    return (this.hasStmt.get(detectionId)?.n ?? 0) > 0;
  }
}
