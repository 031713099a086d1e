/** A real SQLite file in a temporary directory for the access and audit tests (not a test file). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/platform/clock.ts';
import { databaseFile, openDatabase, type Database } from '../../../src/store/db.ts';

export const T0 = Date.UTC(2026, 0, 10, 12);
export const MIN = 60_000;
export const PASSWORD = 'correct horse battery';

export interface TestDb {
  dir: string;
  db: Database;
  clock: ManualClock;
  close(): void;
}

export function tempDb(prefix = 'alpr-access-'): TestDb {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const clock = new ManualClock(T0);
  const db = openDatabase(databaseFile(join(dir, 'data')), { clock });
  return {
    dir,
    db,
    clock,
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
