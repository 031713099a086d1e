/**
 * Field checks shared by every format (pure): turns one line's raw fields into a record or a
 * problem message, and skips repeats of the same plate/state/list with a warning.
 */
import { normalisePlate } from '../normalise.ts';
import { PlateTable } from './plate-table.ts';
import type { HotlistRecord, LineProblem, ParseResult, VehicleDescription } from '../types.ts';

export const MAX_PLATE_CHARS = 15;
export const MAX_TEXT_CHARS = 500;

export interface RawFields {
  plate: string;
  state: string | null | undefined;
  list: string;
  reason: string | null | undefined;
  caseNumber: string | null | undefined;
  vehicle?: { year?: string | number | null; make?: string | null; model?: string | null; colour?: string | null } | null;
}

function optionalText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const t = value.trim();
  return t === '' ? null : t;
}

/** Distinct values shared per file; free text beyond that is kept as it is. */
const MAX_INTERNED = 10_000;
const STATE_RE = /^[A-Z]{2,3}$/;
const YEAR_RE = /^\d{4}$/;

/** The first of list/reason/case_number longer than MAX_TEXT_CHARS, or null. */
function tooLong(list: string, reason: string | null, caseNumber: string | null): string | null {
  if (list.length > MAX_TEXT_CHARS) return 'list';
  if (reason !== null && reason.length > MAX_TEXT_CHARS) return 'reason';
  if (caseNumber !== null && caseNumber.length > MAX_TEXT_CHARS) return 'case_number';
  return null;
}

function dedupeKey(plate: string, state: string | null, list: string): string {
  return `${plate}\u0000${state ?? ''}\u0000${list}`;
}

/**
 * Collects records and problems for one file. `add` runs once per line of a million-line list,
 * so it allocates nothing it does not keep (no closures, no per-line arrays) and de-duplicates
 * by plate first: the composite plate/state/list key is only built for plates seen twice.
 */
export class RecordCollector {
  readonly entries: HotlistRecord[] = [];
  readonly errors: LineProblem[] = [];
  readonly warnings: LineProblem[] = [];
  /** Plate → index in `entries` of its first record. */
  private readonly byPlate = new PlateTable();
  /** Repeated field values (states, lists, reasons) share one string instead of one per line. */
  private readonly strings = new Map<string, string>();
  /** plate/state/list → line, only for plates that occur more than once. */
  private readonly byKey = new Map<string, number>();

  error(line: number, message: string): void {
    this.errors.push({ line, message });
  }

  /** Validates the fields of `line`; records the entry or the problem. */
  add(line: number, raw: RawFields): void {
    const rawPlate = raw.plate.trim();
    const plate = normalisePlate(rawPlate);
    if (rawPlate === '') return this.error(line, 'empty plate');
    if (plate === '') return this.error(line, `plate "${rawPlate}" has no letters or digits`);
    if (plate.length > MAX_PLATE_CHARS) return this.error(line, `plate "${rawPlate}" is longer than ${MAX_PLATE_CHARS} characters`);
    const rawState = raw.state === null || raw.state === undefined ? '' : raw.state.trim();
    const state = rawState === '' ? null : rawState.toUpperCase();
    if (state !== null && !STATE_RE.test(state)) {
      return this.error(line, `bad state "${rawState}": expected a 2 or 3 letter code, or empty for any state`);
    }
    const list = raw.list.trim();
    if (list === '') return this.error(line, 'empty list');
    const reason = optionalText(raw.reason);
    const caseNumber = optionalText(raw.caseNumber);
    const long = tooLong(list, reason, caseNumber);
    if (long !== null) return this.error(line, `${long} is longer than ${MAX_TEXT_CHARS} characters`);
    let vehicle: VehicleDescription | null = null;
    if (raw.vehicle) {
      const y = raw.vehicle.year;
      const yearText = y === null || y === undefined ? '' : String(y).trim();
      let year: number | null = null;
      if (yearText !== '') {
        if (!YEAR_RE.test(yearText) || Number(yearText) < 1900 || Number(yearText) > 2100) return this.error(line, `bad vehicle year "${yearText}"`);
        year = Number(yearText);
      }
      const make = optionalText(raw.vehicle.make);
      const model = optionalText(raw.vehicle.model);
      const colour = optionalText(raw.vehicle.colour);
      if (year !== null || make !== null || model !== null || colour !== null) vehicle = { year, make, model, colour };
    }
    if (this.isDuplicate(line, plate, state, list)) return;
    const record: HotlistRecord = { line, plate, state: this.intern(state), list: this.intern(list), reason: this.intern(reason), caseNumber };
    if (vehicle) record.vehicle = vehicle;
    this.entries.push(record);
  }

  private intern<T extends string | null>(s: T): T {
    if (s === null) return s;
    const known = this.strings.get(s);
    if (known !== undefined) return known as T;
    if (this.strings.size < MAX_INTERNED) this.strings.set(s, s);
    return s;
  }

  /** True (and a warning recorded) when the same plate, state and list came on an earlier line. */
  private isDuplicate(line: number, plate: string, state: string | null, list: string): boolean {
    const firstIndex = this.byPlate.putIfAbsent(plate, this.entries.length);
    if (firstIndex < 0) return false;
    // A plate seen before: from now on its records are told apart by the full key.
    const first = this.entries[firstIndex] as HotlistRecord;
    const firstKey = dedupeKey(first.plate, first.state, first.list);
    if (!this.byKey.has(firstKey)) this.byKey.set(firstKey, first.line);
    const key = dedupeKey(plate, state, list);
    const earlier = this.byKey.get(key);
    if (earlier !== undefined) {
      this.warnings.push({ line, message: `duplicate of line ${earlier} (same plate, state and list); skipped` });
      return true;
    }
    this.byKey.set(key, line);
    return false;
  }

  result(fatal: boolean): ParseResult {
    return { entries: this.entries, errors: this.errors, warnings: this.warnings, fatal };
  }
}

/** Lines of a text file without their terminators; a BOM and a final empty line are dropped. */
export function textLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
