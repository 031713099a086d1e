/** Messages between worker-list.ts (main thread) and list-worker.ts (worker thread). */

/** Problems (errors, warnings) a worker reports in detail; beyond that only the error count. */
export const MAX_REPORTED_PROBLEMS = 1_000;
import type { KeyObject } from 'node:crypto';
import type { HotlistErrorReason } from './errors.ts';
import type { HotlistFormat } from './formats/index.ts';
import type { ListManifest } from './signing.ts';
import type { HotlistRecord, LineProblem } from './types.ts';

export type ListRequest =
  | { type: 'verify'; body: ArrayBuffer; publicKey: KeyObject; origin: string }
  /** emptyIsEmpty: a blank text is an empty list (a delta that only removes), not a bad file. */
  | { type: 'parse'; format: HotlistFormat; emptyIsEmpty: boolean }
  | { type: 'next'; size: number }
  | { type: 'close' };

export type ListReply =
  | { type: 'ready' }
  | { type: 'verified'; manifest: ListManifest }
  /** errors/warnings: the first MAX_REPORTED_PROBLEMS of each (a million cloned problems would stall the main thread). */
  | { type: 'parsed'; valid: number; errorCount: number; errors: LineProblem[]; warnings: LineProblem[]; fatal: boolean }
  | { type: 'chunk'; records: HotlistRecord[] }
  | { type: 'failed'; reason: HotlistErrorReason | null; message: string };
