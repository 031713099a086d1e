/**
 * Migration 8: the receiving agency's jurisdiction on data-release requests, which the release
 * screen needs for SB 34 (Civil Code § 1798.90.55(b): ALPR information goes only to California
 * public agencies). Requests stored before it get 'unknown', which the screen refuses: a pending
 * one cannot be approved until an administrator refuses it and it is entered again with its
 * jurisdiction. Decided requests keep their decision (the decide-once trigger is not touched:
 * adding a column is no UPDATE).
 */
import type { Migration } from './migrations.ts';

export const releaseJurisdictionMigration: Migration = {
  version: 8,
  name: 'receiving agency jurisdiction on release requests (SB 34)',
  up(db) {
    db.exec(`
      ALTER TABLE releases ADD COLUMN agency_jurisdiction TEXT NOT NULL DEFAULT 'unknown'
        CHECK (agency_jurisdiction IN ('unknown', 'california-state', 'california-local', 'other-state', 'federal', 'tribal', 'foreign', 'non-government'));
    `);
  },
};
