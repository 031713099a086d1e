/**
 * The SQL side of retention: choosing and deleting a chunk of reads in one transaction, the
 * `pending_file_deletions` queue of their image files, and the `retention_log` audit (counts only,
 * never plate text). See migrations 3 and 4 for the tables and their append-only triggers.
 *
 * What goes with a purged detection, in the same transaction:
 * - its hits (they copy the plate text, so they may not outlive the read: hold the detection to
 *   keep a hit);
 * - the outbox rows of those hits (message_id = hit id), sent or still pending: the payload holds
 *   the plate text and the crop. A hit still undelivered when its read expires is dropped; the
 *   count is in retention_log.outbox_deleted;
 * - its crop: a crop in an hour folder that has wholly expired is not handled file by file: the
 *   folder is queued once (its path with a trailing "/") and dropped whole when no unheld row
 *   refers to it any more (crop-dirs.ts). Any other crop path (the earlier day layout, a held
 *   crop, an hour not yet over, disk pressure) is queued itself and unlinked after the commit.
 * Evidence holds and their log are kept (they name the detection id, not its plate).
 *
 * pending_file_deletions thus holds files and hour folders. Rows are found from an hour folder
 * by capture time: a crop is stored under the hour of its detection's captured_at, and a revised
 * detection stores its new crop with its new time (store/crops.ts, alerts/recorder.ts).
 */
import type { Statement } from 'better-sqlite3';
import { cropPathKind, HOUR_MS } from '../store/crops.ts';
import type { Database } from '../store/db.ts';

export type RetentionReason = 'age' | 'disk-pressure' | 'recovery' | 'orphan-scan';

/**
 * Which reads a chunk takes, oldest capture time first, never one under an active hold:
 * 'expired' those captured at or before the cutoff; 'oldest-with-image' (disk pressure) those
 * with a crop image, whatever their age (a read without one frees no disk space).
 */
export type ChunkSelector = { kind: 'expired'; cutoff: number } | { kind: 'oldest-with-image' };

export interface RunStart {
  reason: RetentionReason;
  startedAt: number;
  cutoff: number | null;
  freeBytes: number | null;
}

export interface ChunkResult {
  /** The retention_log row this chunk was counted in (created with the first chunk). */
  runId: number | null;
  rows: number;
  hits: number;
  outbox: number;
  /** Crop paths queued for unlinking (relative to the data dir). */
  paths: string[];
  /** Hour folders queued for dropping (`crops/YYYY-MM-DD/HH`, no trailing slash). */
  dirs: string[];
}

/** A detection whose crop lies in an hour folder about to be dropped. */
export interface HourDirRow {
  id: string;
  cropPath: string;
  held: boolean;
}

export interface PendingDeletion {
  path: string;
  runId: number | null;
}

export interface RetentionRun {
  id: number;
  reason: RetentionReason;
  startedAt: number;
  finishedAt: number | null;
  cutoff: number | null;
  rowsDeleted: number;
  hitsDeleted: number;
  outboxDeleted: number;
  imagesDeleted: number;
  heldSkipped: number;
  freeBytes: number | null;
  error: string | null;
}

interface RunRow {
  id: number;
  reason: RetentionReason;
  started_at: number;
  finished_at: number | null;
  cutoff: number | null;
  rows_deleted: number;
  hits_deleted: number;
  outbox_deleted: number;
  images_deleted: number;
  held_skipped: number;
  free_bytes: number | null;
  error: string | null;
}

interface CandidateRow {
  rid: number;
  id: string;
  crop_path: string | null;
  /** 1 when the detection has hits (most have none: their two deletes are skipped). */
  has_hits: number;
}

const CANDIDATE = 'd.rowid AS rid, d.id, d.crop_path, EXISTS (SELECT 1 FROM hits x WHERE x.detection_id = d.id) AS has_hits';
const UNHELD = 'NOT EXISTS (SELECT 1 FROM evidence_holds h WHERE h.detection_id = d.id AND h.released_at IS NULL)';

/** Longest error text kept in retention_log.error. */
const MAX_ERROR_CHARS = 500;

export class PurgeStore {
  private readonly db: Database;
  private readonly expiredStmt: Statement<[number, number], CandidateRow>;
  private readonly oldestStmt: Statement<[number], CandidateRow>;
  private readonly delOutboxStmt: Statement<[string]>;
  private readonly delHitsStmt: Statement<[string]>;
  private readonly delDetectionStmt: Statement<[number]>;
  private readonly queueFileStmt: Statement<[string, number | null, number]>;
  private readonly startRunStmt: Statement<[RetentionReason, number, number | null, number | null]>;
  private readonly fileRunStmt: Statement<[RetentionReason, number, number, number, string | null]>;
  private readonly countRunStmt: Statement<[number, number, number, number]>;
  private readonly imagesRunStmt: Statement<[number, number]>;
  private readonly finishRunStmt: Statement<[number, number, string | null, number]>;
  private readonly sealStmt: Statement<[number]>;
  private readonly pendingStmt: Statement<[number], { path: string; run_id: number | null }>;
  private readonly clearPendingStmt: Statement<[string]>;
  private readonly countExpiredStmt: Statement<[number], { n: number; images: number }>;
  private readonly heldExpiredStmt: Statement<[number], { n: number }>;
  private readonly countAllStmt: Statement<[], { n: number }>;
  private readonly countHeldStmt: Statement<[], { n: number }>;
  private readonly runsStmt: Statement<[number], RunRow>;
  private readonly cropPathStmt: Statement<[string], { crop_path: string | null }>;
  private readonly pendingCountStmt: Statement<[], { n: number }>;
  private readonly expiredCappedStmt: Statement<[number, number], { n: number }>;
  private readonly remainingCappedStmt: Statement<[number, number], { n: number }>;
  private readonly pendingDirsStmt: Statement<[], { path: string }>;
  private readonly hourRowsStmt: Statement<[number, number, string, string], { id: string; crop_path: string; held: number }>;
  private readonly relocateStmt: Statement<[string, string, string]>;

  constructor(db: Database) {
    this.db = db;
    this.expiredStmt = db.prepare(`SELECT ${CANDIDATE} FROM detections d
      WHERE d.captured_at <= ? AND ${UNHELD} ORDER BY d.captured_at LIMIT ?`);
    this.oldestStmt = db.prepare(`SELECT ${CANDIDATE} FROM detections d
      WHERE d.crop_path IS NOT NULL AND ${UNHELD} ORDER BY d.captured_at LIMIT ?`);
    this.delOutboxStmt = db.prepare('DELETE FROM outbox WHERE message_id IN (SELECT id FROM hits WHERE detection_id = ?)');
    this.delHitsStmt = db.prepare('DELETE FROM hits WHERE detection_id = ?');
    this.delDetectionStmt = db.prepare('DELETE FROM detections WHERE rowid = ?');
    this.queueFileStmt = db.prepare('INSERT OR IGNORE INTO pending_file_deletions (path, run_id, queued_at) VALUES (?, ?, ?)');
    this.startRunStmt = db.prepare('INSERT INTO retention_log (reason, started_at, cutoff, free_bytes) VALUES (?, ?, ?, ?)');
    this.fileRunStmt = db.prepare(`INSERT INTO retention_log (reason, started_at, finished_at, images_deleted, error)
      VALUES (?, ?, ?, ?, ?)`);
    this.countRunStmt = db.prepare(`UPDATE retention_log SET rows_deleted = rows_deleted + ?, hits_deleted = hits_deleted + ?,
      outbox_deleted = outbox_deleted + ? WHERE id = ?`);
    this.imagesRunStmt = db.prepare('UPDATE retention_log SET images_deleted = images_deleted + ? WHERE id = ? AND finished_at IS NULL');
    this.finishRunStmt = db.prepare('UPDATE retention_log SET finished_at = ?, held_skipped = ?, error = ? WHERE id = ? AND finished_at IS NULL');
    this.sealStmt = db.prepare(`UPDATE retention_log SET finished_at = ?, error = 'interrupted: the process stopped before the run finished'
      WHERE finished_at IS NULL`);
    this.pendingStmt = db.prepare("SELECT path, run_id FROM pending_file_deletions WHERE path NOT LIKE '%/' ORDER BY queued_at, path LIMIT ?");
    this.pendingDirsStmt = db.prepare("SELECT path FROM pending_file_deletions WHERE path LIKE '%/' ORDER BY path");
    this.hourRowsStmt = db.prepare(`SELECT d.id, d.crop_path, NOT ${UNHELD} AS held FROM detections d
      WHERE d.captured_at >= ? AND d.captured_at < ? AND d.crop_path >= ? AND d.crop_path < ?`);
    this.relocateStmt = db.prepare('UPDATE detections SET crop_path = ? WHERE id = ? AND crop_path = ?');
    this.clearPendingStmt = db.prepare('DELETE FROM pending_file_deletions WHERE path = ?');
    this.countExpiredStmt = db.prepare(`SELECT COUNT(*) AS n, COUNT(d.crop_path) AS images FROM detections d
      WHERE d.captured_at <= ? AND ${UNHELD}`);
    this.heldExpiredStmt = db.prepare(`SELECT COUNT(DISTINCT h.detection_id) AS n FROM evidence_holds h
      JOIN detections d ON d.id = h.detection_id WHERE h.released_at IS NULL AND d.captured_at <= ?`);
    this.countAllStmt = db.prepare('SELECT COUNT(*) AS n FROM detections');
    this.countHeldStmt = db.prepare(`SELECT COUNT(DISTINCT h.detection_id) AS n FROM evidence_holds h
      JOIN detections d ON d.id = h.detection_id WHERE h.released_at IS NULL`);
    this.runsStmt = db.prepare('SELECT * FROM retention_log ORDER BY id DESC LIMIT ?');
    this.cropPathStmt = db.prepare('SELECT crop_path FROM detections WHERE id = ?');
    this.pendingCountStmt = db.prepare('SELECT COUNT(*) AS n FROM pending_file_deletions');
    this.expiredCappedStmt = db.prepare('SELECT COUNT(*) AS n FROM (SELECT 1 FROM detections WHERE captured_at <= ? LIMIT ?)');
    this.remainingCappedStmt = db.prepare('SELECT COUNT(*) AS n FROM (SELECT 1 FROM detections WHERE captured_at > ? LIMIT ?)');
  }

  /**
   * Chooses up to `limit` reads and deletes them with their hits and outbox rows, queues their
   * crop paths and counts them in the run's log row (appended here with the first chunk), all in
   * one IMMEDIATE transaction: a hold placed by another process cannot slip in between.
   */
  purgeChunk(selector: ChunkSelector, limit: number, runId: number | null, run: RunStart, now: number): ChunkResult {
    return this.db.transaction((): ChunkResult => {
      const rows = selector.kind === 'expired' ? this.expiredStmt.all(selector.cutoff, limit) : this.oldestStmt.all(limit);
      if (rows.length === 0) return { runId, rows: 0, hits: 0, outbox: 0, paths: [], dirs: [] };
      const id = runId ?? Number(this.startRunStmt.run(run.reason, run.startedAt, run.cutoff, run.freeBytes).lastInsertRowid);
      let hits = 0;
      let outbox = 0;
      let deleted = 0;
      const paths: string[] = [];
      const dirs = new Set<string>();
      // Thousands of rows share a folder: decide once per folder (~10 µs a row saved on a mass purge).
      const byFolder = new Map<string, string | null>();
      for (const r of rows) {
        if (r.crop_path === null) continue;
        let dir: string | null = null;
        if (selector.kind === 'expired') {
          const folder = r.crop_path.slice(0, r.crop_path.lastIndexOf('/') + 1);
          const known = byFolder.get(folder);
          dir = known === undefined ? expiredHourDir(r.crop_path, selector.cutoff) : known;
          if (known === undefined) byFolder.set(folder, dir);
        }
        if (dir !== null) {
          if (!dirs.has(dir)) this.queueFileStmt.run(`${dir}/`, id, Math.floor(now));
          dirs.add(dir);
          continue;
        }
        this.queueFileStmt.run(r.crop_path, id, Math.floor(now));
        paths.push(r.crop_path);
      }
      for (const r of rows) {
        if (r.has_hits) {
          outbox += this.delOutboxStmt.run(r.id).changes;
          hits += this.delHitsStmt.run(r.id).changes;
        }
        deleted += this.delDetectionStmt.run(r.rid).changes;
      }
      this.countRunStmt.run(deleted, hits, outbox, id);
      return { runId: id, rows: deleted, hits, outbox, paths, dirs: [...dirs] };
    }).immediate();
  }

  /** Hour folders queued for dropping (`crops/YYYY-MM-DD/HH`), oldest first. */
  pendingDirs(): string[] {
    return this.pendingDirsStmt.all().map((r) => r.path.slice(0, -1));
  }

  /** Detections whose crop lies in the hour folder `dir` (captured in [hourStart, hourStart + 1 h)). */
  hourDirRows(dir: string, hourStart: number): HourDirRow[] {
    // Paths under "dir/" sort from "dir/" up to (excluding) "dir0": "/" and "0" are neighbours.
    return this.hourRowsStmt.all(hourStart, hourStart + HOUR_MS, `${dir}/`, `${dir}0`).map((r) => ({ id: r.id, cropPath: r.crop_path, held: r.held === 1 }));
  }

  /** Points detections at their moved crops (only those still at `from`); returns how many. */
  relocateCrops(moves: ReadonlyArray<{ id: string; from: string; to: string }>): number {
    return this.db.transaction(() => {
      let n = 0;
      for (const m of moves) n += this.relocateStmt.run(m.to, m.id, m.from).changes;
      return n;
    }).immediate();
  }

  /**
   * Drops a queued hour folder if no detection refers to it any more: runs `drop` (a synchronous
   * rename into the trash) and clears the queue entry inside one IMMEDIATE transaction, so no
   * read can commit a reference to the folder in between. Returns false (nothing done) when a
   * row still refers to it.
   */
  dropHourDir(dir: string, hourStart: number, drop: () => void): boolean {
    return this.db.transaction(() => {
      if (this.hourDirRows(dir, hourStart).length > 0) return false;
      drop();
      this.clearPendingStmt.run(`${dir}/`);
      return true;
    }).immediate();
  }

  /** Clears a queued hour folder without dropping it (already gone, or not an hour folder). */
  forgetDir(dir: string): void {
    this.clearPendingStmt.run(`${dir}/`);
  }

  /** Appends a log row for work that deletes no detection rows (recovery, orphan scan). */
  startRun(run: RunStart): number {
    return Number(this.startRunStmt.run(run.reason, run.startedAt, run.cutoff, run.freeBytes).lastInsertRowid);
  }

  /** Appends a finished run that only removed files (the orphan scan). */
  recordFileRun(reason: RetentionReason, startedAt: number, finishedAt: number, imagesDeleted: number, error: string | null): number {
    const info = this.fileRunStmt.run(
      reason,
      Math.floor(startedAt),
      Math.floor(finishedAt),
      imagesDeleted,
      error === null ? null : error.slice(0, MAX_ERROR_CHARS),
    );
    return Number(info.lastInsertRowid);
  }

  /** Files whose rows are gone and which are still to be unlinked, oldest first. */
  pending(limit: number): PendingDeletion[] {
    return this.pendingStmt.all(limit).map((r) => ({ path: r.path, runId: r.run_id }));
  }

  pendingCount(): number {
    return this.pendingCountStmt.get()?.n ?? 0;
  }

  /** Clears unlinked (or already missing) files from the queue and counts the unlinked ones. */
  clearPending(paths: readonly string[], runId: number | null, imagesDeleted: number): void {
    this.db.transaction(() => {
      for (const p of paths) this.clearPendingStmt.run(p);
      if (runId !== null && imagesDeleted > 0) this.imagesRunStmt.run(imagesDeleted, runId);
    }).immediate();
  }

  /** Seals a run's log row. */
  finishRun(runId: number, finishedAt: number, heldSkipped: number, error: string | null): void {
    this.finishRunStmt.run(Math.floor(finishedAt), heldSkipped, error === null ? null : error.slice(0, MAX_ERROR_CHARS), runId);
  }

  /** Seals rows of runs a crash left open; returns how many. */
  sealInterrupted(now: number): number {
    return this.sealStmt.run(Math.floor(now)).changes;
  }

  /** Expired reads not under a hold, and how many of them have a crop. */
  countExpired(cutoff: number): { reads: number; images: number } {
    const r = this.countExpiredStmt.get(cutoff);
    return { reads: r?.n ?? 0, images: r?.images ?? 0 };
  }

  /** Expired reads kept because of an active hold. */
  countHeldExpired(cutoff: number): number {
    return this.heldExpiredStmt.get(cutoff)?.n ?? 0;
  }

  /** Reads not under an active hold: an upper bound of what disk pressure could delete. */
  countUnheld(): number {
    return Math.max(0, (this.countAllStmt.get()?.n ?? 0) - (this.countHeldStmt.get()?.n ?? 0));
  }

  /** Crop paths of the oldest unheld reads that have one (disk pressure samples their sizes). */
  oldestImagePaths(limit: number): string[] {
    return this.oldestStmt.all(limit).map((r) => r.crop_path as string);
  }

  /** Whether a detection row refers to this crop (crops are named by detection id). */
  cropHasRow(detectionId: string, cropPath: string): boolean {
    return this.cropPathStmt.get(detectionId)?.crop_path === cropPath;
  }

  /** Reads captured at or before / after the cutoff, counting no further than `cap` (cheap). */
  countAroundCutoff(cutoff: number, cap: { expired: number; remaining: number }): { expired: number; remaining: number } {
    const expired = this.expiredCappedStmt.get(cutoff, cap.expired)?.n ?? 0;
    const remaining = expired < cap.expired ? 0 : (this.remainingCappedStmt.get(cutoff, cap.remaining)?.n ?? 0);
    return { expired, remaining };
  }

  /**
   * Drops the secondary indexes of detections except those leading with captured_at (the purge's
   * own path) and the primary key, recording their CREATE statements in the same transaction.
   * Returns their names.
   */
  setIndexesAside(): string[] {
    return this.db.transaction(() => {
      const indexes = this.db
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'detections' AND sql IS NOT NULL ORDER BY name")
        .all() as { name: string; sql: string }[];
      const record = this.db.prepare('INSERT OR REPLACE INTO retention_dropped_indexes (name, sql) VALUES (?, ?)');
      const aside: string[] = [];
      for (const ix of indexes) {
        const first = (this.db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno LIMIT 1').get(ix.name) as { name: string } | undefined)?.name;
        if (first === 'captured_at') continue;
        record.run(ix.name, ix.sql);
        this.db.exec(`DROP INDEX "${ix.name.replace(/"/g, '""')}"`);
        aside.push(ix.name);
      }
      return aside;
    }).immediate();
  }

  /** Rebuilds every index set aside (by this or a crashed process). Returns their names. */
  restoreIndexes(): string[] {
    return this.db.transaction(() => {
      const rows = this.db.prepare('SELECT name, sql FROM retention_dropped_indexes ORDER BY name').all() as { name: string; sql: string }[];
      for (const r of rows) {
        const exists = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").get(r.name);
        if (!exists) this.db.exec(r.sql);
      }
      this.db.prepare('DELETE FROM retention_dropped_indexes').run();
      return rows.map((r) => r.name);
    }).immediate();
  }

  /** The most recent runs, newest first. */
  runs(limit = 100): RetentionRun[] {
    return this.runsStmt.all(limit).map((r) => ({
      id: r.id,
      reason: r.reason,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      cutoff: r.cutoff,
      rowsDeleted: r.rows_deleted,
      hitsDeleted: r.hits_deleted,
      outboxDeleted: r.outbox_deleted,
      imagesDeleted: r.images_deleted,
      heldSkipped: r.held_skipped,
      freeBytes: r.free_bytes,
      error: r.error,
    }));
  }
}

/** The hour folder of `cropPath` when every capture it can hold is at or before `cutoff`; else null (pure). */
export function expiredHourDir(cropPath: string, cutoff: number): string | null {
  const k = cropPathKind(cropPath);
  return k?.kind === 'hour' && k.hourStart + HOUR_MS - 1 <= cutoff ? k.dir : null;
}
