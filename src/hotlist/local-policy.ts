/**
 * The policy for officers' own hot-list entries (pure: data and time in, decision out).
 * - Required: plate (full, or partial with `*`/`?`, at least 3 known characters), list, entering
 *   member, case number and reason. State and vehicle description are optional.
 * - A new entry is pending (never matched) until a supervisor other than the entering member
 *   approves it.
 * - It expires 30 days after approval; a renewal, before expiry, sets the expiry to 30 days after
 *   the renewal. An expired entry cannot be renewed (enter it again).
 */
import { HotlistError } from './errors.ts';
import { MAX_PLATE_CHARS, MAX_TEXT_CHARS } from './formats/record.ts';
import type { VehicleDescription } from './types.ts';

export const LOCAL_VALIDITY_MS = 30 * 24 * 60 * 60 * 1000;
export const LOCAL_MIN_KNOWN_CHARS = 3;
export const LOCAL_SOURCE = 'local';

export type LocalStatus = 'pending' | 'active' | 'expired';

export interface LocalEntryInput {
  /** Full or partial plate; `*` any run of characters, `?` one character. */
  plate: string;
  state?: string | null;
  list: string;
  vehicle?: VehicleDescription | null;
  enteredBy: string;
  caseNumber: string;
  reason: string;
}

export interface LocalEntry {
  id: string;
  plate: string;
  state: string | null;
  list: string;
  vehicle: VehicleDescription | null;
  enteredBy: string;
  caseNumber: string;
  reason: string;
  status: LocalStatus;
  createdAt: number;
  approvedBy: string | null;
  approvedAt: number | null;
  expiresAt: number | null;
}

/** Upper-case A-Z0-9 plus the wildcards `*` (runs collapsed) and `?`. */
export function normaliseLocalPlate(text: string): string {
  return text
    .normalize('NFKD')
    .toUpperCase()
    .replace(/[^A-Z0-9*?]/g, '')
    .replace(/\*+/g, '*');
}

function required(name: string, value: string | undefined | null): string {
  const v = (value ?? '').trim();
  if (v === '') throw new HotlistError('POLICY', `${name} is required for a local entry`);
  if (v.length > MAX_TEXT_CHARS) throw new HotlistError('POLICY', `${name} is longer than ${MAX_TEXT_CHARS} characters`);
  return v;
}

/** The checked, normalised fields of a new local entry (throws HotlistError POLICY). */
export function checkLocalEntry(input: LocalEntryInput): Omit<LocalEntry, 'id' | 'status' | 'createdAt' | 'approvedBy' | 'approvedAt' | 'expiresAt'> {
  const plate = normaliseLocalPlate(required('plate', input.plate));
  const known = plate.replace(/[*?]/g, '').length;
  if (known < LOCAL_MIN_KNOWN_CHARS) {
    throw new HotlistError('POLICY', `plate "${input.plate}" needs at least ${LOCAL_MIN_KNOWN_CHARS} known characters besides * and ?`);
  }
  if (plate.length > MAX_PLATE_CHARS) throw new HotlistError('POLICY', `plate "${input.plate}" is longer than ${MAX_PLATE_CHARS} characters`);
  const rawState = (input.state ?? '').trim();
  const state = rawState === '' ? null : rawState.toUpperCase();
  if (state !== null && !/^[A-Z]{2,3}$/.test(state)) throw new HotlistError('POLICY', `bad state "${rawState}": expected a 2 or 3 letter code`);
  return {
    plate,
    state,
    list: required('list', input.list),
    vehicle: input.vehicle ?? null,
    enteredBy: required('entering member', input.enteredBy),
    caseNumber: required('case number', input.caseNumber),
    reason: required('reason', input.reason),
  };
}

/** The entry's status as of `now` (an active entry past its expiry is expired even before the sweep records it). */
export function effectiveStatus(e: Pick<LocalEntry, 'status' | 'expiresAt'>, now: number): LocalStatus {
  if (e.status === 'active' && e.expiresAt !== null && now >= e.expiresAt) return 'expired';
  return e.status;
}

/** Approval: pending entries only, by someone other than the entering member. Returns the new fields. */
export function decideApproval(e: LocalEntry, supervisor: string, now: number): Pick<LocalEntry, 'status' | 'approvedBy' | 'approvedAt' | 'expiresAt'> {
  const who = required('approving supervisor', supervisor);
  if (e.status !== 'pending') throw new HotlistError('POLICY', `entry ${e.id} is ${e.status}, only a pending entry can be approved`);
  if (who === e.enteredBy) throw new HotlistError('POLICY', `entry ${e.id} must be approved by a supervisor other than the member who entered it (${e.enteredBy})`);
  return { status: 'active', approvedBy: who, approvedAt: now, expiresAt: now + LOCAL_VALIDITY_MS };
}

/** Renewal: active, unexpired entries only; the expiry becomes 30 days after `now`. */
export function decideRenewal(e: LocalEntry, actor: string, now: number): Pick<LocalEntry, 'expiresAt'> {
  required('renewing member', actor);
  const status = effectiveStatus(e, now);
  if (status !== 'active') throw new HotlistError('POLICY', `entry ${e.id} is ${status}, only an active entry can be renewed`);
  return { expiresAt: now + LOCAL_VALIDITY_MS };
}

/** True when the sweep should mark the entry expired. */
export function dueForExpiry(e: LocalEntry, now: number): boolean {
  return e.status === 'active' && effectiveStatus(e, now) === 'expired';
}
