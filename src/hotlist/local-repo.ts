/**
 * Local (officer-entered) hot-list entries and their append-only history
 * (`hotlist_local_entries`, `hotlist_local_history`). Every change and its history row commit in
 * one transaction; the history table refuses UPDATE and DELETE (triggers).
 */
import type { Statement } from 'better-sqlite3';
import type { Database } from '../store/db.ts';
import type { IdGenerator } from '../store/ids.ts';
import { HotlistError } from './errors.ts';
import {
  checkLocalEntry,
  decideApproval,
  decideRenewal,
  dueForExpiry,
  effectiveStatus,
  LOCAL_SOURCE,
  type LocalEntry,
  type LocalEntryInput,
  type LocalStatus,
} from './local-policy.ts';
import { vehicleFromJson } from './repo.ts';
import type { HotlistEntry } from './types.ts';

export type LocalAction = 'create' | 'approve' | 'renew' | 'expire';

export interface LocalHistoryRecord {
  seq: number;
  entryId: string;
  action: LocalAction;
  actor: string;
  at: number;
  expiresAt: number | null;
}

/** The actor recorded when the sweep expires an entry. */
export const SYSTEM_ACTOR = 'system';

interface LocalRow {
  id: string;
  plate: string;
  state: string | null;
  list: string;
  vehicle: string | null;
  entered_by: string;
  case_number: string;
  reason: string;
  status: LocalStatus;
  created_at: number;
  approved_by: string | null;
  approved_at: number | null;
  expires_at: number | null;
}

interface HistoryRow {
  seq: number;
  entry_id: string;
  action: LocalAction;
  actor: string;
  at: number;
  expires_at: number | null;
}

function fromRow(r: LocalRow): LocalEntry {
  return {
    id: r.id,
    plate: r.plate,
    state: r.state,
    list: r.list,
    vehicle: vehicleFromJson(r.vehicle),
    enteredBy: r.entered_by,
    caseNumber: r.case_number,
    reason: r.reason,
    status: r.status,
    createdAt: r.created_at,
    approvedBy: r.approved_by,
    approvedAt: r.approved_at,
    expiresAt: r.expires_at,
  };
}

/** A local entry as the matcher sees it (source "local", with its expiry). */
export function localToHotlistEntry(e: LocalEntry): HotlistEntry {
  return {
    id: e.id,
    plate: e.plate,
    state: e.state,
    list: e.list,
    reason: e.reason,
    caseNumber: e.caseNumber,
    source: LOCAL_SOURCE,
    importedAt: e.approvedAt ?? e.createdAt,
    vehicle: e.vehicle,
    expiresAt: e.expiresAt,
  };
}

export class LocalEntriesRepo {
  private readonly db: Database;
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement<[string], LocalRow>;
  private readonly listStmt: Statement<[], LocalRow>;
  private readonly activeStmt: Statement<[number], LocalRow>;
  private readonly updateStmt: Statement;
  private readonly historyStmt: Statement;
  private readonly historyOfStmt: Statement<[string], HistoryRow>;
  private readonly lastSeqStmt: Statement<[], { seq: number | null }>;

  constructor(db: Database) {
    this.db = db;
    this.insertStmt = db.prepare(`INSERT INTO hotlist_local_entries
      (id, plate, state, list, vehicle, entered_by, case_number, reason, status, created_at, approved_by, approved_at, expires_at)
      VALUES (@id, @plate, @state, @list, @vehicle, @entered_by, @case_number, @reason, @status, @created_at, @approved_by, @approved_at, @expires_at)`);
    this.getStmt = db.prepare('SELECT * FROM hotlist_local_entries WHERE id = ?');
    this.listStmt = db.prepare('SELECT * FROM hotlist_local_entries ORDER BY id');
    this.activeStmt = db.prepare(`SELECT * FROM hotlist_local_entries WHERE status = 'active' AND expires_at > ? ORDER BY id`);
    this.updateStmt = db.prepare(`UPDATE hotlist_local_entries SET status = @status, approved_by = @approved_by,
      approved_at = @approved_at, expires_at = @expires_at WHERE id = @id`);
    this.historyStmt = db.prepare(`INSERT INTO hotlist_local_history (entry_id, action, actor, at, expires_at)
      VALUES (@entry_id, @action, @actor, @at, @expires_at)`);
    this.historyOfStmt = db.prepare('SELECT * FROM hotlist_local_history WHERE entry_id = ? ORDER BY seq');
    this.lastSeqStmt = db.prepare('SELECT MAX(seq) AS seq FROM hotlist_local_history');
  }

  private record(entryId: string, action: LocalAction, actor: string, at: number, expiresAt: number | null): void {
    this.historyStmt.run({ entry_id: entryId, action, actor, at: Math.floor(at), expires_at: expiresAt });
  }

  private save(e: LocalEntry): void {
    this.updateStmt.run({ id: e.id, status: e.status, approved_by: e.approvedBy, approved_at: e.approvedAt, expires_at: e.expiresAt });
  }

  private require(id: string): LocalEntry {
    const row = this.getStmt.get(id);
    if (!row) throw new HotlistError('NOT_FOUND', `no local hot-list entry ${id}`);
    return fromRow(row);
  }

  /** Records a new entry, pending approval (throws HotlistError POLICY when a required field is missing). */
  create(input: LocalEntryInput, now: number, newId: IdGenerator): LocalEntry {
    const fields = checkLocalEntry(input);
    const at = Math.floor(now);
    const entry: LocalEntry = { id: newId(), ...fields, status: 'pending', createdAt: at, approvedBy: null, approvedAt: null, expiresAt: null };
    this.db.transaction(() => {
      this.insertStmt.run({
        id: entry.id,
        plate: entry.plate,
        state: entry.state,
        list: entry.list,
        vehicle: entry.vehicle ? JSON.stringify(entry.vehicle) : null,
        entered_by: entry.enteredBy,
        case_number: entry.caseNumber,
        reason: entry.reason,
        status: entry.status,
        created_at: entry.createdAt,
        approved_by: null,
        approved_at: null,
        expires_at: null,
      } satisfies LocalRow);
      this.record(entry.id, 'create', entry.enteredBy, at, null);
    })();
    return entry;
  }

  approve(id: string, supervisor: string, now: number): LocalEntry {
    return this.db
      .transaction(() => {
        const e = this.require(id);
        const next = { ...e, ...decideApproval(e, supervisor.trim(), Math.floor(now)) };
        this.save(next);
        this.record(id, 'approve', next.approvedBy as string, now, next.expiresAt);
        return next;
      })
      .immediate();
  }

  renew(id: string, actor: string, now: number): LocalEntry {
    return this.db
      .transaction(() => {
        const e = this.require(id);
        const next = { ...e, ...decideRenewal(e, actor, Math.floor(now)) };
        this.save(next);
        this.record(id, 'renew', actor.trim(), now, next.expiresAt);
        return next;
      })
      .immediate();
  }

  /** Marks every active entry past its expiry as expired (history actor "system"); returns them. */
  expireDue(now: number): LocalEntry[] {
    return this.db
      .transaction(() => {
        const due = this.listStmt
          .all()
          .map(fromRow)
          .filter((e) => dueForExpiry(e, now));
        for (const e of due) {
          const next: LocalEntry = { ...e, status: 'expired' };
          this.save(next);
          this.record(e.id, 'expire', SYSTEM_ACTOR, now, e.expiresAt);
        }
        return due.map((e) => ({ ...e, status: 'expired' as const }));
      })
      .immediate();
  }

  get(id: string): LocalEntry | undefined {
    const row = this.getStmt.get(id);
    return row ? fromRow(row) : undefined;
  }

  /** Every local entry, with its status as of `now` when given. */
  list(now?: number): LocalEntry[] {
    return this.listStmt.all().map((r) => {
      const e = fromRow(r);
      return now === undefined ? e : { ...e, status: effectiveStatus(e, now) };
    });
  }

  /** Approved, unexpired entries as the matcher sees them. */
  active(now: number): HotlistEntry[] {
    return this.activeStmt.all(Math.floor(now)).map((r) => localToHotlistEntry(fromRow(r)));
  }

  history(id: string): LocalHistoryRecord[] {
    return this.historyOfStmt.all(id).map((h) => ({ seq: h.seq, entryId: h.entry_id, action: h.action, actor: h.actor, at: h.at, expiresAt: h.expires_at }));
  }

  /** Changes with every create/approve/renew/expire (the cache compares it). */
  signature(): number {
    return this.lastSeqStmt.get()?.seq ?? 0;
  }
}
