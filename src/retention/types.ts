/** The retention sweeper's options, results and status events (see sweeper.ts). */
import type { RetentionConfig } from '../config/schema.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { Database } from '../store/db.ts';
import type { RetentionFs } from './files.ts';
import type { RetentionReason } from './purge-store.ts';

export interface RetentionTimer {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const nodeTimer: RetentionTimer = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export type RetentionOperation = 'sweep' | 'statfs' | 'unlink' | 'recovery' | 'orphan-scan' | 'audit';

/** Published through `onStatus` (the composition root forwards it, e.g. to MQTT). Counts only. */
export type RetentionStatus =
  | ({ type: 'purged'; reason: RetentionReason; runId: number | null; durationMs: number } & PurgeCounts)
  | { type: 'disk'; state: 'pressure' | 'ok' | 'unresolved'; freeBytes: number; floorBytes: number; targetBytes: number }
  | { type: 'error'; operation: RetentionOperation; code: string | null; message: string };

export interface PurgeCounts {
  rowsDeleted: number;
  hitsDeleted: number;
  outboxDeleted: number;
  imagesDeleted: number;
  /** Image files that could not be unlinked (queued for the next sweep). */
  imagesFailed: number;
}

export interface SweepResult {
  cutoff: number;
  /**
   * imagesDeleted counts files unlinked one by one and files of dropped hour folders emptied from
   * the trash. expiredAt: clock time when every expired unheld read was deleted and every wholly
   * expired hour folder was out of crops/ (the trash was emptied after it).
   */
  age: PurgeCounts & { runId: number | null; heldSkipped: number; dirsDropped: number; heldRelocated: number; expiredAt: number };
  /** Null when free space was not under the floor (or could not be read). */
  diskPressure: (PurgeCounts & { runId: number | null; freeBytesBefore: number; freeBytesAfter: number; unresolved: boolean }) | null;
  /** Free bytes after the sweep; null when disk checks are off (diskFloorMb 0) or statfs failed. */
  freeBytes: number | null;
  /** True when stop() cut the sweep short. */
  stopped: boolean;
}

/** What the last completed sweep did (RetentionSweeper.lastSweep), for status reports. Counts only. */
export interface RetentionLastSweep {
  /** When it finished (clock ms). */
  at: number;
  /** Reads deleted, by age and disk pressure together. */
  rowsDeleted: number;
  /** Crop files deleted, by age and disk pressure together. */
  imagesDeleted: number;
  /** Free bytes on the data directory's file system after it; null when disk checks are off or statfs failed. */
  freeBytes: number | null;
  /** Free space is under the configured floor (or disk-pressure deletion could not bring it back above it). */
  diskPressure: boolean;
}

export interface DryRunResult {
  cutoff: number;
  expiredReads: number;
  expiredImages: number;
  heldSkipped: number;
  freeBytes: number | null;
  /** Oldest unheld reads disk pressure would delete now (estimate). */
  diskPressureReads: number;
}

export interface RecoveryResult {
  runsSealed: number;
  imagesDeleted: number;
  imagesFailed: number;
}

export interface RetentionSweeperOptions {
  db: Database;
  /** Holds crops/ (crop paths are relative to it); its file system is the one whose space is watched. */
  dataDir: string;
  clock: Clock;
  config: RetentionConfig;
  timer?: RetentionTimer;
  fs?: RetentionFs;
  onStatus?: (status: RetentionStatus) => void;
  logger?: Logger;
  /** Crop unlinks in flight at once (default 8). */
  unlinkConcurrency?: number;
  /** The audit log: every purge that deleted something appends a `purge` entry with its counts. */
  audit?: { append(e: { userId: null; username: string; action: 'purge'; target: string; detail: Record<string, unknown> }): unknown };
}
