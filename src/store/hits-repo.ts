/** The `hits` table: a detection that matched a hot-list entry (a copy of the entry's details). */
import type { Statement } from 'better-sqlite3';
import type { Database } from './db.ts';

export interface Hit {
  id: string;
  detectionId: string;
  hotlistEntryId: string;
  plate: string;
  list: string;
  reason: string | null;
  caseNumber: string | null;
  /** 'exact' | 'confusable' | 'partial' (see hotlist/types.ts MatchRule). */
  matchRule: string;
  /** The text that matched (the read or an alternative); null on hits stored before it was recorded. */
  matchedText: string | null;
  /** Confusable characters swapped to match: position in matchedText, read character, entry character. */
  swaps: { at: number; read: string; entry: string }[];
  /** The entry's list was older than its maximum age when the hit was made. */
  stale: boolean;
  createdAt: number;
}

interface HitRow {
  id: string;
  detection_id: string;
  hotlist_entry_id: string;
  plate: string;
  list: string;
  reason: string | null;
  case_number: string | null;
  match_rule: string;
  matched_text: string | null;
  swaps: string;
  list_stale: number;
  created_at: number;
}

function fromRow(r: HitRow): Hit {
  return {
    id: r.id,
    detectionId: r.detection_id,
    hotlistEntryId: r.hotlist_entry_id,
    plate: r.plate,
    list: r.list,
    reason: r.reason,
    caseNumber: r.case_number,
    matchRule: r.match_rule,
    matchedText: r.matched_text,
    swaps: JSON.parse(r.swaps) as Hit['swaps'],
    stale: r.list_stale === 1,
    createdAt: r.created_at,
  };
}

export class HitsRepo {
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement<[string], HitRow>;
  private readonly byDetectionStmt: Statement<[string], HitRow>;
  private readonly countStmt: Statement<[], { n: number }>;

  constructor(db: Database) {
    this.insertStmt = db.prepare(`INSERT INTO hits
      (id, detection_id, hotlist_entry_id, plate, list, reason, case_number, match_rule, matched_text, swaps, list_stale, created_at)
      VALUES (@id, @detection_id, @hotlist_entry_id, @plate, @list, @reason, @case_number, @match_rule, @matched_text, @swaps, @list_stale, @created_at)`);
    this.getStmt = db.prepare('SELECT * FROM hits WHERE id = ?');
    this.byDetectionStmt = db.prepare('SELECT * FROM hits WHERE detection_id = ? ORDER BY id');
    this.countStmt = db.prepare('SELECT COUNT(*) AS n FROM hits');
  }

  insert(h: Hit): void {
    this.insertStmt.run({
      id: h.id,
      detection_id: h.detectionId,
      hotlist_entry_id: h.hotlistEntryId,
      plate: h.plate,
      list: h.list,
      reason: h.reason,
      case_number: h.caseNumber,
      match_rule: h.matchRule,
      matched_text: h.matchedText,
      swaps: JSON.stringify(h.swaps),
      list_stale: h.stale ? 1 : 0,
      created_at: Math.floor(h.createdAt),
    } satisfies HitRow);
  }

  get(id: string): Hit | undefined {
    const row = this.getStmt.get(id);
    return row ? fromRow(row) : undefined;
  }

  byDetection(detectionId: string): Hit[] {
    return this.byDetectionStmt.all(detectionId).map(fromRow);
  }

  count(): number {
    return this.countStmt.get()?.n ?? 0;
  }
}
