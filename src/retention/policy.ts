/**
 * Retention decisions, as pure functions of data and a time: no clock, no I/O. The sweeper
 * (sweeper.ts) runs the loops and the deletions around them.
 *
 * - A read is expired when it is at least `maxAgeDays` old (by capture time): at exactly 30 days
 *   it goes. The limit defaults to, and may not exceed, 30 days.
 * - A read under an active evidence hold never expires and is never deleted for disk space.
 * - Under disk pressure (free space below the floor) the oldest unheld reads go first, whatever
 *   their age, until free space is back above floor + headroom. Only reads with a crop image are
 *   taken: rows alone give no space back (SQLite keeps its free pages).
 */
import { MAX_RETENTION_DAYS } from '../config/schema.ts';
import { AlprError } from '../errors.ts';

export { MAX_RETENTION_DAYS };

export const DAY_MS = 86_400_000;
const MIB = 1024 * 1024;

export interface RetentionPolicy {
  /** Age limit in ms (maxAgeDays × 1 day). */
  maxAgeMs: number;
  /** Below this many free bytes, the oldest unheld reads are deleted early (0: never). */
  diskFloorBytes: number;
  /** Disk-pressure deletion continues until free space reaches this (≥ diskFloorBytes). */
  diskTargetBytes: number;
}

export interface RetentionPolicyInput {
  maxAgeDays?: number;
  diskFloorMb?: number;
  diskHeadroomMb?: number;
}

/** Builds a policy; refuses an age limit outside 1..30 days (CONFIG_INVALID). */
export function retentionPolicy(input: RetentionPolicyInput = {}): RetentionPolicy {
  const days = input.maxAgeDays ?? MAX_RETENTION_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new AlprError(
      'CONFIG_INVALID',
      `retention.maxAgeDays must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, got ${days}`,
    );
  }
  const floorMb = input.diskFloorMb ?? 0;
  const headroomMb = input.diskHeadroomMb ?? 0;
  if (!(Number.isFinite(floorMb) && floorMb >= 0 && Number.isFinite(headroomMb) && headroomMb >= 0)) {
    throw new AlprError('CONFIG_INVALID', `retention disk floor and headroom must be ≥ 0 MiB, got ${floorMb} and ${headroomMb}`);
  }
  return { maxAgeMs: days * DAY_MS, diskFloorBytes: floorMb * MIB, diskTargetBytes: (floorMb + headroomMb) * MIB };
}

/** Reads captured at or before the cutoff are expired at `now`. */
export function expiryCutoff(now: number, policy: RetentionPolicy): number {
  return Math.floor(now) - policy.maxAgeMs;
}

/** Whether a read should be deleted for age at `now`; a held read never is. */
export function isExpired(detection: { capturedAt: number }, now: number, policy: RetentionPolicy, held: boolean): boolean {
  return !held && detection.capturedAt <= expiryCutoff(now, policy);
}

/** When a read captured at `capturedAt` becomes expired (unless held). */
export function expiresAt(capturedAt: number, policy: RetentionPolicy): number {
  return capturedAt + policy.maxAgeMs;
}

export function isUnderDiskPressure(freeBytes: number, policy: RetentionPolicy): boolean {
  return policy.diskFloorBytes > 0 && freeBytes < policy.diskFloorBytes;
}

export interface DiskPressureInput {
  freeBytes: number;
  /** Estimated bytes one read frees (its crop file, mostly); at least 1 is assumed. */
  bytesPerRead: number;
  /** Unheld reads that could be deleted. */
  unheldReads: number;
  /**
   * True while a disk-pressure purge is under way: it goes on until floor + headroom is free
   * (hysteresis), where a new one starts only below the floor.
   */
  purging: boolean;
}

/**
 * How many of the oldest unheld reads to delete now: none unless free space is below the floor
 * (or, while purging, below floor + headroom); then enough to reach floor + headroom at the
 * estimated bytes per read, at least one and at most every unheld read. The sweeper deletes in
 * chunks, measures again after each and asks again.
 */
export function diskPressureDeletions(input: DiskPressureInput, policy: RetentionPolicy): number {
  if (policy.diskFloorBytes <= 0) return 0;
  const threshold = input.purging ? policy.diskTargetBytes : policy.diskFloorBytes;
  if (!(input.freeBytes < threshold)) return 0;
  const available = Math.max(0, Math.floor(input.unheldReads));
  if (available === 0) return 0;
  const deficit = policy.diskTargetBytes - input.freeBytes;
  const perRead = Math.max(1, input.bytesPerRead);
  return Math.min(available, Math.max(1, Math.ceil(deficit / perRead)));
}

/**
 * Whether deleting more reads can help free space after a disk-pressure chunk: only if that chunk
 * removed image files. Rows alone give no space back to the file system (SQLite keeps its free
 * pages), so going on would empty the store for nothing.
 */
export function deletionFreesSpace(lastChunk: { imagesDeleted: number }): boolean {
  return lastChunk.imagesDeleted > 0;
}

/** A mass purge (see useIndexRebuild) needs at least this many expired reads. */
export const MASS_PURGE_MIN_EXPIRED = 100_000;
/** ...and at most this many reads left to re-index afterwards (the rebuild blocks while it runs). */
export const MASS_PURGE_MAX_REMAINING = 250_000;

/**
 * Whether to set the detections' secondary indexes (plate, location: random order relative to
 * capture time) aside for this purge and rebuild them afterwards. Deleting rows in capture order
 * rewrites scattered pages of those indexes in every chunk (measured ~5× slower); rebuilding them
 * over the few rows left is a short sort. Only for catch-up purges (first start after a long
 * stop, a shortened limit): many expired reads, few left.
 */
export function useIndexRebuild(counts: { expiredRows: number; remainingRows: number }): boolean {
  return counts.expiredRows >= MASS_PURGE_MIN_EXPIRED && counts.remainingRows <= MASS_PURGE_MAX_REMAINING;
}
