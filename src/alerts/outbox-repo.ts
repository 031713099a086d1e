/**
 * The durable outbox: messages waiting for the broker's acknowledgement. A row is written in the
 * same transaction as the fact it announces, and becomes 'sent' only when the broker has acked it,
 * so a restart or a dead link never loses one (receivers de-duplicate on `message_id`).
 */
import type { Statement } from 'better-sqlite3';
import type { Database } from '../store/db.ts';

export type OutboxState = 'pending' | 'sent';
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
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number;
  sentAt: number | null;
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
  };
}

/** Longest error text kept in `last_error`. */
const MAX_ERROR_CHARS = 500;

export class OutboxRepo {
  private readonly insertStmt: Statement<[string, string, string | Buffer, number, number, number]>;
  private readonly pendingStmt: Statement<[number], OutboxRow>;
  private readonly dueStmt: Statement<[number, number], OutboxRow>;
  private readonly nextAttemptStmt: Statement<[], { t: number | null }>;
  private readonly sentStmt: Statement<[number, number]>;
  private readonly failedStmt: Statement<[string, number, number]>;
  private readonly depthStmt: Statement<[], { n: number; oldest: number | null }>;
  private readonly getStmt: Statement<[string], OutboxRow>;

  constructor(db: Database) {
    this.insertStmt = db.prepare(`INSERT INTO outbox (message_id, topic, payload, qos, created_at, next_attempt_at)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.pendingStmt = db.prepare(`SELECT * FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?`);
    this.dueStmt = db.prepare(`SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY seq LIMIT ?`);
    this.nextAttemptStmt = db.prepare(`SELECT MIN(next_attempt_at) AS t FROM outbox WHERE state = 'pending'`);
    this.sentStmt = db.prepare(`UPDATE outbox SET state = 'sent', sent_at = ?, last_error = NULL WHERE seq = ? AND state = 'pending'`);
    this.failedStmt = db.prepare(`UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
      WHERE seq = ? AND state = 'pending'`);
    this.depthStmt = db.prepare(`SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE state = 'pending'`);
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

  /** Pending messages whose next attempt is due at `now`, in seq order. */
  due(now: number, limit = 100): OutboxMessage[] {
    return this.dueStmt.all(Math.floor(now), limit).map(fromRow);
  }

  /** The earliest `next_attempt_at` among pending messages; null when none is pending. */
  nextAttemptAt(): number | null {
    return this.nextAttemptStmt.get()?.t ?? null;
  }

  /** Records the broker's acknowledgement. False when the row was not pending. */
  markSent(seq: number, now: number): boolean {
    return this.sentStmt.run(Math.floor(now), seq).changes === 1;
  }

  /** Counts a failed attempt and schedules the next one (see backoff.ts for the delay). */
  markFailed(seq: number, error: string, nextAttemptAt: number): void {
    this.failedStmt.run(error.slice(0, MAX_ERROR_CHARS), Math.floor(nextAttemptAt), seq);
  }

  /** Number of pending messages. */
  depth(): number {
    return this.depthStmt.get()?.n ?? 0;
  }

  /** Age of the oldest pending message at `now`, in ms; null when none is pending. */
  oldestPendingAgeMs(now: number): number | null {
    const oldest = this.depthStmt.get()?.oldest ?? null;
    return oldest === null ? null : Math.max(0, now - oldest);
  }

  get(messageId: string): OutboxMessage | undefined {
    const row = this.getStmt.get(messageId);
    return row ? fromRow(row) : undefined;
  }
}
