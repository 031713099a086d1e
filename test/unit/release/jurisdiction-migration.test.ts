/**
 * Migration 8 on a real file holding release requests from before it: they get the jurisdiction
 * 'unknown', a pending one cannot be approved (SB 34) until it is refused and entered again, and a
 * decided one keeps its decision.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { ReleaseService } from '../../../src/release/release-service.ts';
import { databaseFile, openDatabase, schemaVersion, type Database } from '../../../src/store/db.ts';
import { DetectionsRepo } from '../../../src/store/detections-repo.ts';
import { releaseJurisdictionMigration } from '../../../src/store/migration-8-release-jurisdiction.ts';
import { migrations } from '../../../src/store/migrations.ts';
import { T0 } from '../access/helpers.ts';

const BEFORE = releaseJurisdictionMigration.version - 1;
let dir: string;
let db: Database;
const clock = new ManualClock(T0);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-release-mig-'));
  db = openDatabase(databaseFile(dir), { clock, migrations: migrations.slice(0, BEFORE) });
  expect(schemaVersion(db)).toBe(BEFORE);
  new DetectionsRepo(db).insert({ id: 'd1', capturedAt: T0 - 1000, cameraId: 'cam1', plate: '7ABC123', confidence: 0.9, candidates: [], box: { x: 1, y: 2, w: 3, h: 4 }, cropPath: null, createdAt: T0 });
  const insert = db.prepare(
    `INSERT INTO releases (id, requested_at, requested_by_user_id, requested_by, agency, agency_ori, agency_kind, requester, purpose, legal_basis,
       case_number, detection_ids, status, decided_at, decided_by, decision_reason, automatic)
     VALUES (?, ?, 'u-sup', 'sgt', 'Oakland PD', 'CA0010900', 'law-enforcement', 'Det. R', 'robbery', 'PC 211', 'R-1', '["d1"]', ?, ?, ?, ?, 0)`,
  );
  insert.run('old-pending', T0 - 5000, 'pending', null, null, null);
  insert.run('old-refused', T0 - 4000, 'refused', T0 - 3000, 'admin', 'no need to know');
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function upgrade(): ReleaseService {
  db.close();
  db = openDatabase(databaseFile(dir), { clock });
  expect(migrations[BEFORE]).toBe(releaseJurisdictionMigration);
  expect(schemaVersion(db)).toBe(migrations.length);
  return new ReleaseService({ db, clock, dataDir: dir });
}

describe('migration 8: jurisdiction on release requests', () => {
  it("marks earlier requests 'unknown', which cannot be approved until refused and entered again", () => {
    const svc = upgrade();
    expect(svc.get('old-refused')).toMatchObject({ agencyJurisdiction: 'unknown', status: 'refused', decisionReason: 'no need to know' });
    expect(svc.get('old-pending')).toMatchObject({ agencyJurisdiction: 'unknown', status: 'pending' });

    const admin = { userId: 'u-adm', username: 'admin' };
    const key = generateKeyPairSync('ed25519').privateKey;
    expect(() => svc.approve('old-pending', admin, { key, outDir: dir })).toThrow(
      /^release old-pending cannot be approved: refused automatically: the receiving agency's jurisdiction was not recorded .* enter a new one with its jurisdiction \(Civil Code § 1798\.90\.55\(b\)/,
    );
    expect(svc.refuse('old-pending', admin, 'jurisdiction not recorded: re-enter')).toMatchObject({ status: 'refused' });
  });

  it('accepts only the known jurisdictions in the column', () => {
    upgrade();
    expect(() =>
      db
        .prepare(
          `INSERT INTO releases (id, requested_at, requested_by, agency, agency_kind, agency_jurisdiction, requester, purpose, legal_basis, case_number, detection_ids, status)
           VALUES ('x', 1, 'sgt', 'A', 'other', 'california', 'R', 'p', 'b', 'c', '[]', 'pending')`,
        )
        .run(),
    ).toThrow(/CHECK constraint failed/);
  });
});
