/**
 * The durable outbox: messages waiting for delivery. A row is written in the same transaction as
 * the fact it announces. States (see outbox-state.ts for the rules):
 *   pending → sent   on the broker's PUBACK (re-published at next_attempt_at unless acked first)
 *   pending | sent → acked   when the central receiver acknowledges the id
 * A restart or a dead link never loses a row; receivers de-duplicate on `message_id`.
 */
import type { Statement } from 'better-sqlite3';
import type { Database } from '../store/db.ts';

export type OutboxState = 'pending' | 'sent' | 'acked';
export type OutboxQos = 0 | 1 | 2;

export interface NewOutboxMessage {
  messageId: string;
  topic: string;
  payload: string | Buffer;
  qos: OutboxQos;
  createdAt: number;
}

export interface OutboxMessage extends NewOutboxMessage {
  seq: number;
  state: OutboxState;
  /** Failed publish attempts. */
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number;
  /** The latest PUBACK; null before the first. */
  sentAt: number | null;
  /** PUBACKs received (a re-publish after the ack timeout counts again). */
  sends: number;
  ackedAt: number | null;
}

interface OutboxRow {
  seq: number;
  message_id: string;
  topic: string;
  payload: string | Buffer;
  qos: number;
  created_at: number;
  state: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number;
  sent_at: number | null;
  sends: number;
  acked_at: number | null;
}

function fromRow(r: OutboxRow): OutboxMessage {
  return {
    seq: r.seq,
    messageId: r.message_id,
    topic: r.topic,
    payload: r.payload,
    qos: r.qos as OutboxQos,
    createdAt: r.created_at,
    state: r.state as OutboxState,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at,
    sentAt: r.sent_at,
    sends: r.sends,
    ackedAt: r.acked_at,
  };
}

/** A PUBACK to record: the row and when its next publish is due if no ack comes (null: never). */
export interface SentMark {
  seq: number;
  nextAttemptAt: number | null;
}

export interface OutboxCounts {
  /** Not yet acknowledged by the broker. */
  pending: number;
  /** Acknowledged by the broker, not yet by the central receiver. */
  sent: number;
  /** created_at of the oldest pending row, or null. */
  oldestPendingAt: number | null;
  /** created_at of the oldest pending or sent row (not yet acked centrally), or null. */
  oldestUnackedAt: number | null;
}

/** Longest error text kept in `last_error`. */
const MAX_ERROR_CHARS = 500;
/** `next_attempt_at` of a sent row that is never re-published (acks not expected). */
export const NEVER = Number.MAX_SAFE_INTEGER;
/** Ids per UPDATE … IN (…) statement (well under SQLite's variable limit). */
const ACK_CHUNK = 500;

export class OutboxRepo {
  private readonly db: Database;
  private readonly insertStmt: Statement<[string, string, string | Buffer, number, number, number]>;
  private readonly pendingStmt: Statement<[number], OutboxRow>;
  private readonly dueStmt: Statement<[string, number, number, number], OutboxRow>;
  private readonly nextAttemptStmt: Statement<[], { t: number | null }>;
  private readonly sentStmt: Statement<[number, number, number]>;
  private readonly failedStmt: Statement<[string, number, number]>;
  private readonly countsStmt: Statement<[], { state: string; n: number }>;
  private readonly oldestStmt: Statement<[string], { created_at: number }>;
  private readonly getStmt: Statement<[string], OutboxRow>;
  private readonly ackStmts = new Map<number, Statement<unknown[]>>();

  constructor(db: Database) {
    this.db = db;
    this.insertStmt = db.prepare(`INSERT INTO outbox (message_id, topic, payload, qos, created_at, next_attempt_at)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.pendingStmt = db.prepare(`SELECT * FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?`);
    // One state at a time, so the (state, seq) index gives seq order and LIMIT stops the scan
    // (with IN over two states SQLite would sort every matching row, payloads included).
    this.dueStmt = db.prepare(`SELECT * FROM outbox WHERE state = ? AND seq > ? AND next_attempt_at <= ? ORDER BY seq LIMIT ?`);
    this.nextAttemptStmt = db.prepare(`SELECT MIN(next_attempt_at) AS t FROM outbox WHERE state IN ('pending', 'sent')`);
    this.sentStmt = db.prepare(`UPDATE outbox SET state = 'sent', sent_at = ?, sends = sends + 1, last_error = NULL, next_attempt_at = ?
      WHERE seq = ? AND state IN ('pending', 'sent')`);
    this.failedStmt = db.prepare(`UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
      WHERE seq = ? AND state IN ('pending', 'sent')`);
    // Both answered from the (state, seq) index: counting never reads a payload. Rows are
    // created in seq order, so the first by seq is the oldest.
    this.countsStmt = db.prepare(`SELECT state, COUNT(*) AS n FROM outbox WHERE state IN ('pending', 'sent') GROUP BY state`);
    this.oldestStmt = db.prepare('SELECT created_at FROM outbox WHERE state = ? ORDER BY seq LIMIT 1');
    this.getStmt = db.prepare('SELECT * FROM outbox WHERE message_id = ?');
  }

  /** Adds a pending message (call inside the transaction that records what it announces). Returns its seq. */
  enqueue(m: NewOutboxMessage): number {
    const createdAt = Math.floor(m.createdAt);
    const info = this.insertStmt.run(m.messageId, m.topic, m.payload, m.qos, createdAt, createdAt);
    return Number(info.lastInsertRowid);
  }

  /** Pending messages in seq (commit) order, whether due or waiting for a retry. */
  pending(limit = 100): OutboxMessage[] {
    return this.pendingStmt.all(limit).map(fromRow);
  }

  /**
   * Messages to publish at `now`, in seq order: pending rows whose attempt is due, and sent rows
   * whose central ack is overdue. Only rows with seq > `afterSeq` (a cursor through one pass).
   */
  due(now: number, limit = 100, afterSeq = 0): OutboxMessage[] {
    const t = Math.floor(now);
    const pending = this.dueStmt.all('pending', afterSeq, t, limit);
    const sent = this.dueStmt.all('sent', afterSeq, t, limit);
    if (sent.length === 0) return pending.map(fromRow);
    return [...pending, ...sent]
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit)
      .map(fromRow);
  }

  /** The earliest `next_attempt_at` among pending and sent rows; null when there is none. */
  nextAttemptAt(): number | null {
    const t = this.nextAttemptStmt.get()?.t ?? null;
    return t === null || t >= NEVER ? null : t;
  }

  /** Records the broker's acknowledgement. False when the row was already acked (or is gone). */
  markSent(seq: number, now: number, nextAttemptAt: number | null = NEVER): boolean {
    return this.sentStmt.run(Math.floor(now), Math.floor(nextAttemptAt ?? NEVER), seq).changes === 1;
  }

  /** Records several PUBACKs in one transaction (the publisher's batches). Returns how many rows changed. */
  markSentMany(marks: readonly SentMark[], now: number): number {
    if (marks.length === 0) return 0;
    return this.db.transaction(() => {
      let n = 0;
      for (const m of marks) n += this.sentStmt.run(Math.floor(now), Math.floor(m.nextAttemptAt ?? NEVER), m.seq).changes;
      return n;
    })();
  }

  /** Counts a failed attempt and schedules the next one (see backoff.ts for the delay). */
  markFailed(seq: number, error: string, nextAttemptAt: number): void {
    this.failedStmt.run(error.slice(0, MAX_ERROR_CHARS), Math.floor(nextAttemptAt), seq);
  }

  /**
   * The central receiver stored these message ids: they are never published again. Unknown ids
   * and rows already acked are ignored. Returns the ids whose row changed.
   */
  markAcked(messageIds: readonly string[], now: number): number {
    const ids = [...new Set(messageIds)];
    if (ids.length === 0) return 0;
    return this.db.transaction(() => {
      let n = 0;
      for (let i = 0; i < ids.length; i += ACK_CHUNK) {
        const chunk = ids.slice(i, i + ACK_CHUNK);
        n += this.ackStmt(chunk.length).run(Math.floor(now), ...chunk).changes;
      }
      return n;
    })();
  }

  private ackStmt(count: number): Statement<unknown[]> {
    let stmt = this.ackStmts.get(count);
    if (!stmt) {
      stmt = this.db.prepare(`UPDATE outbox SET state = 'acked', acked_at = ?
        WHERE state IN ('pending', 'sent') AND message_id IN (${new Array(count).fill('?').join(', ')})`);
      this.ackStmts.set(count, stmt);
    }
    return stmt;
  }

  /** Rows not yet delivered, by state, with the oldest creation times. */
  counts(): OutboxCounts {
    const out: OutboxCounts = { pending: 0, sent: 0, oldestPendingAt: null, oldestUnackedAt: null };
    for (const r of this.countsStmt.all()) {
      if (r.state === 'pending') out.pending = r.n;
      else if (r.state === 'sent') out.sent = r.n;
    }
    out.oldestPendingAt = out.pending > 0 ? (this.oldestStmt.get('pending')?.created_at ?? null) : null;
    const oldestSent = out.sent > 0 ? (this.oldestStmt.get('sent')?.created_at ?? null) : null;
    out.oldestUnackedAt = out.oldestPendingAt === null ? oldestSent : oldestSent === null ? out.oldestPendingAt : Math.min(oldestSent, out.oldestPendingAt);
    return out;
  }

  /** Number of pending messages (not yet acknowledged by the broker). */
  depth(): number {
    for (const r of this.countsStmt.all()) if (r.state === 'pending') return r.n;
    return 0;
  }

  /** Age of the oldest pending message at `now`, in ms; null when none is pending. */
  oldestPendingAgeMs(now: number): number | null {
    const oldest = this.oldestStmt.get('pending')?.created_at ?? null;
    return oldest === null ? null : Math.max(0, now - oldest);
  }

  get(messageId: string): OutboxMessage | undefined {
    const row = this.getStmt.get(messageId);
    return row ? fromRow(row) : undefined;
  }
}
