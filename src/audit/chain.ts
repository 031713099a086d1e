/**
 * The hash chain of the audit log (pure): each row's hash covers the previous row's hash and
 * the canonical JSON of the row's own columns, so an edited byte, a deleted row or two swapped
 * rows break the chain at a row verify() can name.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The stored columns of one audit row, as they are hashed. */
export interface ChainedRow {
  seq: number;
  at: number;
  userId: string | null;
  username: string;
  action: string;
  target: string | null;
  purpose: string | null;
  caseNumber: string | null;
  /** Canonical JSON text, as stored. */
  detail: string;
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .filter((k) => o[k] !== undefined)
        .map((k) => [k, sortKeys(o[k])]),
    );
  }
  return v;
}

export function rowHash(prevHash: string, r: Omit<ChainedRow, 'prevHash' | 'hash'>): string {
  // A fixed-order array: no key can be added or dropped without changing the text.
  const body = JSON.stringify([r.seq, r.at, r.userId, r.username, r.action, r.target, r.purpose, r.caseNumber, r.detail]);
  return createHash('sha256').update(prevHash, 'utf8').update(body, 'utf8').digest('hex');
}

export type ChainVerdict = { ok: true; count: number } | { ok: false; count: number; at: number; problem: string };

/**
 * Checks rows in seq order. `highestIssued` is the highest seq ever handed out (sqlite_sequence):
 * rows missing at the end show up against it.
 */
export function verifyChain(rows: Iterable<ChainedRow>, highestIssued: number): ChainVerdict {
  let prev: ChainedRow | null = null;
  let count = 0;
  for (const r of rows) {
    const expectedSeq = prev === null ? 1 : prev.seq + 1;
    if (r.seq > expectedSeq) {
      const gap = r.seq - expectedSeq === 1 ? `entry seq ${expectedSeq} is` : `entries seq ${expectedSeq}-${r.seq - 1} are`;
      return { ok: false, count, at: expectedSeq, problem: `${gap} missing (deleted) before seq ${r.seq}` };
    }
    if (r.seq < expectedSeq) return { ok: false, count, at: r.seq, problem: `entry seq ${r.seq} is out of order (after seq ${prev?.seq ?? 0})` };
    const expectedPrev = prev === null ? GENESIS_HASH : prev.hash;
    if (r.prevHash !== expectedPrev) {
      return { ok: false, count, at: r.seq, problem: `entry seq ${r.seq} does not follow seq ${prev?.seq ?? 'genesis'} in the chain (reordered, replaced or edited link)` };
    }
    if (rowHash(r.prevHash, r) !== r.hash) {
      return { ok: false, count, at: r.seq, problem: `entry seq ${r.seq} does not match its hash (edited)` };
    }
    prev = r;
    count++;
  }
  const last = prev?.seq ?? 0;
  if (highestIssued > last) {
    return { ok: false, count, at: last + 1, problem: `entries seq ${last + 1}-${highestIssued} were issued but are missing (deleted from the end)` };
  }
  return { ok: true, count };
}
