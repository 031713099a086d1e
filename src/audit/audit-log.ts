/**
 * The append-only, hash-chained audit log (`audit_log`). Code only appends (SQL triggers refuse
 * UPDATE and DELETE too); verify() recomputes the chain and names the first bad seq.
 *
 * append() runs in an IMMEDIATE transaction (a savepoint when the caller already holds one), so
 * two processes writing at once cannot fork the chain, and a caller can commit its change and
 * its audit entry together.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { AlprError } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import { canonicalJson, GENESIS_HASH, rowHash, verifyChain, type ChainedRow, type ChainVerdict } from './chain.ts';

export interface AuditInput {
  userId: string | null;
  username: string;
  action: string;
  target?: string | null;
  purpose?: string | null;
  caseNumber?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditEntry {
  seq: number;
  at: number;
  userId: string | null;
  username: string;
  action: string;
  target: string | null;
  purpose: string | null;
  caseNumber: string | null;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  /** Inclusive, ms since the epoch. */
  from?: number;
  /** Exclusive. */
  to?: number;
  userId?: string;
  action?: string;
  /** Default 1000, at most 100000. */
  limit?: number;
  /** 'asc' (default, oldest first) or 'desc'. */
  order?: 'asc' | 'desc';
}

interface AuditRow {
  seq: number;
  at: number;
  user_id: string | null;
  username: string;
  action: string;
  target: string | null;
  purpose: string | null;
  case_number: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

const MAX_FIELD = 1000;

function chained(r: AuditRow): ChainedRow {
  return {
    seq: r.seq,
    at: r.at,
    userId: r.user_id,
    username: r.username,
    action: r.action,
    target: r.target,
    purpose: r.purpose,
    caseNumber: r.case_number,
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

function toEntry(r: AuditRow): AuditEntry {
  let detail: Record<string, unknown>;
  try {
    detail = JSON.parse(r.detail) as Record<string, unknown>;
  } catch {
    // A tampered row still lists; verify() says what is wrong with it.
    detail = { unreadable: r.detail };
  }
  return { ...chained(r), detail };
}

function text(name: string, v: string | null | undefined, required: boolean): string | null {
  if (v === null || v === undefined || v === '') {
    if (required) throw new AlprError('USAGE', `audit entry needs ${name}`);
    return null;
  }
  if (typeof v !== 'string') throw new AlprError('USAGE', `audit ${name} must be text`);
  if (v.length > MAX_FIELD) throw new AlprError('USAGE', `audit ${name} is longer than ${MAX_FIELD} characters`);
  return v;
}

export class AuditLog {
  private readonly db: BetterSqlite3.Database;
  private readonly clock: Clock;

  private readonly lastStmt: BetterSqlite3.Statement<[], { seq: number; hash: string }>;
  private readonly issuedStmt: BetterSqlite3.Statement<[], { seq: number }>;
  private readonly insertStmt: BetterSqlite3.Statement;

  constructor(db: BetterSqlite3.Database, clock: Clock) {
    this.db = db;
    this.clock = clock;
    this.lastStmt = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.issuedStmt = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'");
    this.insertStmt = db.prepare(
      `INSERT INTO audit_log (seq, at, user_id, username, action, target, purpose, case_number, detail, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  append(e: AuditInput): AuditEntry {
    const username = text('username', e.username, true) as string;
    const action = text('action', e.action, true) as string;
    const target = text('target', e.target, false);
    const purpose = text('purpose', e.purpose, false);
    const caseNumber = text('case number', e.caseNumber, false);
    const userId = text('user id', e.userId, false);
    let detail: string;
    try {
      detail = canonicalJson(e.detail ?? {});
    } catch (err) {
      throw new AlprError('USAGE', `audit detail is not JSON: ${(err as Error).message}`, { cause: err });
    }
    // Room for a release's 1000 detection ids; a bound so one entry cannot bloat the log.
    if (detail.length > 100_000) throw new AlprError('USAGE', 'audit detail is longer than 100000 characters');
    const at = Math.floor(this.clock.now());
    const write = this.db.transaction((): AuditRow => {
      const last = this.lastStmt.get();
      const seq = Math.max(this.highestIssued(), last?.seq ?? 0) + 1;
      const prevHash = last?.hash ?? GENESIS_HASH;
      const row = { seq, at, userId, username, action, target, purpose, caseNumber, detail };
      const hash = rowHash(prevHash, row);
      this.insertStmt.run(seq, at, userId, username, action, target, purpose, caseNumber, detail, prevHash, hash);
      return { seq, at, user_id: userId, username, action, target, purpose, case_number: caseNumber, detail, prev_hash: prevHash, hash };
    });
    return toEntry(this.db.inTransaction ? write() : write.immediate());
  }

  list(q: AuditQuery = {}): AuditEntry[] {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (clause: string, value: unknown): void => {
      where.push(clause);
      args.push(value);
    };
    if (q.from !== undefined) add('at >= ?', q.from);
    if (q.to !== undefined) add('at < ?', q.to);
    if (q.userId !== undefined) add('user_id = ?', q.userId);
    if (q.action !== undefined) add('action = ?', q.action);
    const limit = Math.min(100_000, Math.max(1, Math.floor(q.limit ?? 1000)));
    const order = q.order === 'desc' ? 'DESC' : 'ASC';
    const sql = `SELECT * FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${order} LIMIT ?`;
    return (this.db.prepare(sql).all(...args, limit) as AuditRow[]).map(toEntry);
  }

  /** Every entry with from <= at < to, oldest first, without list()'s limit (the annual report). */
  between(from: number, to: number): AuditEntry[] {
    return (this.db.prepare('SELECT * FROM audit_log WHERE at >= ? AND at < ? ORDER BY seq').all(from, to) as AuditRow[]).map(toEntry);
  }

  /** The newest entry's seq and hash (what an external anchor would record). */
  head(): { seq: number; hash: string } {
    return this.lastStmt.get() ?? { seq: 0, hash: GENESIS_HASH };
  }

  verify(): ChainVerdict {
    // Read before iterating: the connection runs no other statement while an iterator is open.
    const highest = this.highestIssued();
    const rows = this.db.prepare('SELECT * FROM audit_log ORDER BY seq ASC').iterate() as IterableIterator<AuditRow>;
    function* asChained(): Generator<ChainedRow> {
      for (const r of rows) yield chained(r);
    }
    const it = asChained();
    try {
      return verifyChain(it, highest);
    } finally {
      // Ends the statement if verification stopped early.
      it.return(undefined);
    }
  }

  private highestIssued(): number {
    return this.issuedStmt.get()?.seq ?? 0;
  }
}
