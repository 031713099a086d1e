/**
 * `hit_dispositions`: what the officer recorded after verifying a hit (confirmed, misread, not
 * located, stop made with its report number). Rows are never edited (a trigger refuses UPDATE): a
 * correction is a new row, the latest one is the hit's current disposition. They go with their
 * hit when retention purges it; the audit log keeps the record.
 */
import type { Statement } from 'better-sqlite3';
import { AlprError } from '../errors.ts';
import type { Database } from './db.ts';

export const DISPOSITION_OUTCOMES = ['confirmed', 'misread', 'not-located', 'stop-made'] as const;
export type DispositionOutcome = (typeof DISPOSITION_OUTCOMES)[number];

export interface DispositionInput {
  outcome: DispositionOutcome;
  /** Required for 'stop-made' (the incident/report number), optional otherwise. */
  reportNumber?: string | null;
  note?: string | null;
  /** The officer ticked "verified against the image" before acting. */
  verified: boolean;
}

export interface Disposition {
  id: string;
  hitId: string;
  outcome: DispositionOutcome;
  reportNumber: string | null;
  note: string | null;
  userId: string;
  username: string;
  createdAt: number;
}

export const DISPOSITION_LIMITS = { reportNumber: 64, note: 1000 } as const;

function optionalText(name: string, v: string | null | undefined, max: number): string | null {
  const t = (v ?? '').trim();
  if (t === '') return null;
  if (t.length > max) throw new AlprError('USAGE', `${name} is longer than ${max} characters`);
  return t;
}

/** The checked fields of a disposition (pure); throws USAGE naming what is wrong. */
export function checkDisposition(input: DispositionInput): { outcome: DispositionOutcome; reportNumber: string | null; note: string | null } {
  if (!(DISPOSITION_OUTCOMES as readonly string[]).includes(input.outcome)) {
    throw new AlprError('USAGE', `outcome must be one of ${DISPOSITION_OUTCOMES.join(', ')}`);
  }
  if (input.verified !== true) throw new AlprError('USAGE', 'the hit must be verified against the image before a disposition is recorded');
  const reportNumber = optionalText('report number', input.reportNumber, DISPOSITION_LIMITS.reportNumber);
  if (input.outcome === 'stop-made' && reportNumber === null) throw new AlprError('USAGE', 'a stop needs its report number');
  return { outcome: input.outcome, reportNumber, note: optionalText('note', input.note, DISPOSITION_LIMITS.note) };
}

interface Row {
  id: string;
  hit_id: string;
  outcome: DispositionOutcome;
  report_number: string | null;
  note: string | null;
  user_id: string;
  username: string;
  created_at: number;
}

function fromRow(r: Row): Disposition {
  return {
    id: r.id,
    hitId: r.hit_id,
    outcome: r.outcome,
    reportNumber: r.report_number,
    note: r.note,
    userId: r.user_id,
    username: r.username,
    createdAt: r.created_at,
  };
}

export class DispositionsRepo {
  private readonly insertStmt: Statement;
  private readonly byHitStmt: Statement<[string], Row>;
  private readonly hitExistsStmt: Statement<[string], { n: number }>;

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(`INSERT INTO hit_dispositions (id, hit_id, outcome, report_number, note, user_id, username, created_at)
      VALUES (@id, @hit_id, @outcome, @report_number, @note, @user_id, @username, @created_at)`);
    this.byHitStmt = db.prepare('SELECT * FROM hit_dispositions WHERE hit_id = ? ORDER BY created_at, id');
    this.hitExistsStmt = db.prepare('SELECT COUNT(*) AS n FROM hits WHERE id = ?');
  }

  /** Records a disposition; throws USAGE when invalid or when the hit does not exist. */
  add(id: string, hitId: string, input: DispositionInput, by: { userId: string; username: string }, at: number): Disposition {
    const fields = checkDisposition(input);
    const row: Row = {
      id,
      hit_id: hitId,
      outcome: fields.outcome,
      report_number: fields.reportNumber,
      note: fields.note,
      user_id: by.userId,
      username: by.username,
      created_at: Math.floor(at),
    };
    this.db.transaction(() => {
      if ((this.hitExistsStmt.get(hitId)?.n ?? 0) === 0) throw new AlprError('USAGE', `no hit with id ${hitId} (unknown, or already purged)`);
      this.insertStmt.run(row);
    })();
    return fromRow(row);
  }

  /** Oldest first; the last is the current disposition. */
  byHit(hitId: string): Disposition[] {
    return this.byHitStmt.all(hitId).map(fromRow);
  }
}
