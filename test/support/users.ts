/**
 * Accounts for CLI tests (not a test file): real users in the config's SQLite database and a
 * password file, so commands log in exactly as an officer would.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsersRepo } from '../../src/access/users-repo.ts';
import type { Role } from '../../src/access/types.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { databaseFile, openDatabase } from '../../src/store/db.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface SeedUser {
  username: string;
  roles: Role[];
  /** Default true: training recorded at the clock's time. */
  trained?: boolean;
}

/** Creates the users in `<dataDir>/alpr.db`, writes the shared password to `<dir>/password`, returns its path. */
export function seedUsers(dataDir: string, dir: string, users: SeedUser[], clock: Clock): string {
  const db = openDatabase(databaseFile(dataDir), { clock });
  try {
    const repo = new UsersRepo(db, clock);
    for (const u of users) {
      const p = repo.create({ username: u.username, displayName: u.username, roles: u.roles, password: TEST_PASSWORD });
      if (u.trained !== false) repo.recordTraining(p.userId, clock.now());
    }
  } finally {
    db.close();
  }
  const file = join(dir, 'password');
  writeFileSync(file, `${TEST_PASSWORD}\n`, { mode: 0o600 });
  return file;
}

/** `--user NAME --password-file FILE`. */
export function loginAs(username: string, passwordFile: string): string[] {
  return ['--user', username, '--password-file', passwordFile];
}
