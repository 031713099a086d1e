/**
 * Field checks shared by every format (pure): turns one line's raw fields into a record or a
 * problem message, and skips repeats of the same plate/state/list with a warning.
 */
import { normalisePlate } from '../normalise.ts';
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

/** Collects records and problems for one file. */
export class RecordCollector {
  readonly entries: HotlistRecord[] = [];
  readonly errors: LineProblem[] = [];
  readonly warnings: LineProblem[] = [];
  private readonly seen = new Map<string, number>();

  error(line: number, message: string): void {
    this.errors.push({ line, message });
  }

  /** Validates the fields of `line`; records the entry or the problem. */
  add(line: number, raw: RawFields): void {
    const problem = (message: string): void => this.error(line, message);
    const rawPlate = raw.plate.trim();
    const plate = normalisePlate(rawPlate);
    if (rawPlate === '') return problem('empty plate');
    if (plate === '') return problem(`plate "${rawPlate}" has no letters or digits`);
    if (plate.length > MAX_PLATE_CHARS) return problem(`plate "${rawPlate}" is longer than ${MAX_PLATE_CHARS} characters`);
    const rawState = (raw.state ?? '').trim();
    const state = rawState === '' ? null : rawState.toUpperCase();
    if (state !== null && !/^[A-Z]{2,3}$/.test(state)) {
      return problem(`bad state "${rawState}": expected a 2 or 3 letter code, or empty for any state`);
    }
    const list = raw.list.trim();
    if (list === '') return problem('empty list');
    const reason = optionalText(raw.reason);
    const caseNumber = optionalText(raw.caseNumber);
    const tooLong = (
      [
        ['list', list],
        ['reason', reason],
        ['case_number', caseNumber],
      ] as const
    ).find(([, v]) => v !== null && v.length > MAX_TEXT_CHARS);
    if (tooLong) return problem(`${tooLong[0]} is longer than ${MAX_TEXT_CHARS} characters`);
    let vehicle: VehicleDescription | null = null;
    if (raw.vehicle) {
      const y = raw.vehicle.year;
      const yearText = y === null || y === undefined ? '' : String(y).trim();
      let year: number | null = null;
      if (yearText !== '') {
        if (!/^\d{4}$/.test(yearText) || Number(yearText) < 1900 || Number(yearText) > 2100) return problem(`bad vehicle year "${yearText}"`);
        year = Number(yearText);
      }
      const make = optionalText(raw.vehicle.make);
      const model = optionalText(raw.vehicle.model);
      const colour = optionalText(raw.vehicle.colour);
      if (year !== null || make !== null || model !== null || colour !== null) vehicle = { year, make, model, colour };
    }
    const key = `${plate}\u0000${state ?? ''}\u0000${list}`;
    const first = this.seen.get(key);
    if (first !== undefined) {
      this.warnings.push({ line, message: `duplicate of line ${first} (same plate, state and list); skipped` });
      return;
    }
    this.seen.set(key, line);
    const record: HotlistRecord = { line, plate, state, list, reason, caseNumber };
    if (vehicle) record.vehicle = vehicle;
    this.entries.push(record);
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
