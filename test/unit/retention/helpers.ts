/** Shared builders for the retention tests (not a test file): a real SQLite file and real crop files. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DetectionRecorder } from '../../../src/alerts/recorder.ts';
import { retentionSchema, type RetentionConfig } from '../../../src/config/schema.ts';
import type { HotlistMatch } from '../../../src/hotlist/types.ts';
import type { ManualClock } from '../../../src/platform/clock.ts';
import { nodeRetentionFs, type RetentionFs } from '../../../src/retention/files.ts';
import type { RetentionTimer } from '../../../src/retention/sweeper.ts';
import { cropRelativePath, writeFileAtomic } from '../../../src/store/crops.ts';
import { databaseFile, openDatabase, type Database } from '../../../src/store/db.ts';
import { createIdGenerator } from '../../../src/store/ids.ts';

export const DAY = 86_400_000;
/** 2025-03-01T00:00:00Z: a fixed "now" for the fake clock. */
export const T0 = Date.UTC(2025, 2, 1);
/** A tiny stand-in for a crop JPEG (SOI ... EOI). */
export const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]);

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'alpr-retention-'));
}

export function retentionConfig(overrides: Partial<RetentionConfig> = {}): RetentionConfig {
  return retentionSchema.parse({ diskFloorMb: 0, ...overrides });
}

export interface Store {
  db: Database;
  recorder: DetectionRecorder;
  /** Records a read captured at `capturedAt` with a real crop file; returns its id and crop path. */
  /** `legacy`: the crop goes where versions before the hour folders put it (`crops/YYYY/MM/DD/<id>.jpg`). */
  addRead(capturedAt: number, options?: { crop?: boolean; hit?: boolean; plate?: string; legacy?: boolean }): Promise<{ id: string; cropPath: string | null }>;
}

function match(): HotlistMatch {
  return {
    entry: { id: 'e1', plate: 'HIT123', state: null, list: 'stolen', reason: 'test', caseNumber: 'C-1', source: 'test', importedAt: 0 },
    rule: 'exact',
  } as HotlistMatch;
}

export function openStore(dataDir: string, clock: ManualClock): Store {
  const db = openDatabase(databaseFile(dataDir), { clock });
  const recorder = new DetectionRecorder(db, {
    clock,
    newId: createIdGenerator(clock),
    hitsTopic: 'alpr/a/d/hits',
    agency: 'a',
    deviceId: 'd',
  });
  return {
    db,
    recorder,
    async addRead(capturedAt, options = {}) {
      const id = recorder.newDetectionId();
      let crop: { path: string; jpeg: Buffer } | null = null;
      if (options.crop !== false) {
        const path = options.legacy ? legacyCropPath(id, capturedAt) : cropRelativePath(id, capturedAt);
        await writeFileAtomic(join(dataDir, ...path.split('/')), JPEG);
        crop = { path, jpeg: JPEG };
      }
      const plate = options.plate ?? 'ABC123';
      recorder.recordDetection({
        detectionId: id,
        cameraId: 'cam1',
        capturedAt,
        read: { text: plate, confidence: 0.9, box: { x: 1, y: 2, w: 30, h: 10 }, candidates: [{ text: plate, confidence: 0.9 }] },
        crop,
        matches: options.hit ? [match()] : [],
      });
      return { id, cropPath: crop?.path ?? null };
    },
  };
}

/** `crops/YYYY/MM/DD/<id>.jpg`: the crop layout before hour folders (data directories still hold it). */
export function legacyCropPath(id: string, capturedAt: number): string {
  return `crops/${new Date(capturedAt).toISOString().slice(0, 10).replaceAll('-', '/')}/${id}.jpg`;
}

export function count(db: Database, table: string): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** Every crop path stored in detections whose file is missing (must always be empty). */
export function danglingRows(db: Database, dataDir: string): string[] {
  const rows = db.prepare('SELECT crop_path FROM detections WHERE crop_path IS NOT NULL').all() as { crop_path: string }[];
  return rows.map((r) => r.crop_path).filter((p) => !existsSync(join(dataDir, ...p.split('/'))));
}

export function cropExists(dataDir: string, path: string | null): boolean {
  return path !== null && existsSync(join(dataDir, ...path.split('/')));
}

/** A timer the test fires by hand. */
export class FakeTimer implements RetentionTimer {
  private nextId = 1;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { fn, ms });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Delays of the scheduled callbacks. */
  delays(): number[] {
    return [...this.pending.values()].map((p) => p.ms);
  }

  /** Runs every scheduled callback once. */
  fireAll(): void {
    const due = [...this.pending.entries()];
    this.pending.clear();
    for (const [, p] of due) p.fn();
  }
}

/**
 * A file system whose free space is simulated: `free` bytes, plus `bytesPerCrop` for each crop
 * unlinked; everything else is the real file system.
 */
export class FakeDiskFs implements RetentionFs {
  free: number;
  unlinks = 0;
  statfsCalls = 0;

  constructor(
    free: number,
    private readonly bytesPerCrop: number,
    private readonly base: RetentionFs = nodeRetentionFs,
  ) {
    this.free = free;
  }

  async unlink(path: string): Promise<void> {
    await this.base.unlink(path);
    this.unlinks++;
    this.free += this.bytesPerCrop;
  }

  readdir(path: string): Promise<string[]> {
    return this.base.readdir(path);
  }

  /** Real mtime; a crop's size is what unlinking it frees here. */
  async stat(path: string): Promise<{ mtimeMs: number; size: number }> {
    const s = await this.base.stat(path);
    return { mtimeMs: s.mtimeMs, size: path.endsWith('.jpg') ? this.bytesPerCrop : s.size };
  }

  rmdir(path: string): Promise<void> {
    return this.base.rmdir(path);
  }

  link(existing: string, newPath: string): Promise<void> {
    return this.base.link(existing, newPath);
  }

  rename(from: string, to: string): Promise<void> {
    return this.base.rename(from, to);
  }

  renameSync(from: string, to: string): void {
    this.base.renameSync(from, to);
  }

  mkdir(path: string): Promise<void> {
    return this.base.mkdir(path);
  }

  async statfs(): Promise<{ bavail: number; bsize: number }> {
    this.statfsCalls++;
    return { bavail: Math.floor(this.free / 4096), bsize: 4096 };
  }
}
