/**
 * Hot-list CSV (RFC 4180) → records, pure. The header must name the columns
 * `plate,state,list,reason,case_number` (any order, case-insensitive), optionally
 * `vehicle_year,vehicle_make,vehicle_model,vehicle_colour`; other columns are ignored.
 * Fields may be quoted ("" for a quote, line breaks allowed inside quotes). Every bad line is
 * reported with its number; a file whose structure is unusable (no header, unterminated quote) is
 * `fatal` and must not be applied at all.
 */
import type { ParseResult } from '../types.ts';
import { RecordCollector } from './record.ts';

export { MAX_PLATE_CHARS } from './record.ts';

export const REQUIRED_COLUMNS = ['plate', 'state', 'list', 'reason', 'case_number'] as const;
/** Optional columns describing the vehicle. */
export const VEHICLE_COLUMNS = ['vehicle_year', 'vehicle_make', 'vehicle_model', 'vehicle_colour'] as const;

export type CsvParseResult = ParseResult;

interface RawRecord {
  line: number;
  fields: string[];
  error?: string;
}

/**
 * Calls `visit` with each CSV record of `text` and the line it starts on, in order; returns the
 * line of an unterminated quoted field (which ends the text), or null. Records are handed over
 * one at a time rather than collected, so a million-line file does not build a million
 * intermediate arrays that outlive the line being parsed.
 */
export function forEachCsvRecord(text: string, visit: (record: RawRecord) => void): number | null {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  let nextQuote = text.indexOf('"', i);
  while (i < n) {
    const start = line;
    // Fast path: a record without quotes is one line split at commas.
    let eol = text.indexOf('\n', i);
    if (eol < 0) eol = n;
    if (nextQuote !== -1 && nextQuote < i) nextQuote = text.indexOf('"', i);
    if (nextQuote === -1 || nextQuote > eol) {
      const end = eol > i && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
      visit({ line: start, fields: text.slice(i, end).split(',') });
      i = eol + 1;
      line++;
      continue;
    }
    const fields: string[] = [];
    let error: string | undefined;
    let field = '';
    let atFieldStart = true;
    let quoted = false;
    let endOfRecord = false;
    while (i < n && !endOfRecord) {
      const c = text[i] as string;
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          quoted = false;
          i++;
          while (text[i] === ' ' || text[i] === '\t') i++;
          // Only a delimiter or the end of the record may follow a closing quote.
          const next = text[i];
          if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
            error ??= 'unexpected text after a closing quote';
          }
          continue;
        }
        if (c === '\n') line++;
        field += c;
        i++;
        continue;
      }
      if (c === '"' && atFieldStart) {
        field = '';
        quoted = true;
        atFieldStart = false;
        i++;
        continue;
      }
      if (c === ',') {
        fields.push(field);
        field = '';
        atFieldStart = true;
        i++;
        continue;
      }
      if (c === '\r' || c === '\n') {
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        endOfRecord = true;
        continue;
      }
      if (c !== ' ' && c !== '\t') atFieldStart = false;
      field += c;
      i++;
    }
    if (quoted) return start;
    fields.push(field);
    visit(error ? { line: start, fields, error } : { line: start, fields });
  }
  return null;
}

/** Splits CSV text into records with the line each starts on (pure). */
export function splitCsvRecords(text: string): { records: RawRecord[]; unterminatedAt: number | null } {
  const records: RawRecord[] = [];
  const unterminatedAt = forEachCsvRecord(text, (r) => records.push(r));
  return { records, unterminatedAt };
}

function blank(fields: string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

/** Column positions of a validated header (-1: absent). */
interface Columns {
  count: number;
  plate: number;
  state: number;
  list: number;
  reason: number;
  caseNumber: number;
  vehicle: { year: number; make: number; model: number; colour: number } | null;
}

/** Checks the header record; returns its columns, or the problem with it. */
function readHeader(header: RawRecord): Columns | string {
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  const duplicated = names.filter((name, i) => name !== '' && names.indexOf(name) !== i);
  if (header.error || missing.length > 0 || duplicated.length > 0) {
    return header.error ?? (missing.length > 0 ? `missing column(s): ${missing.join(', ')}` : `duplicate column(s): ${duplicated.join(', ')}`);
  }
  const hasVehicle = VEHICLE_COLUMNS.some((c) => names.includes(c));
  return {
    count: names.length,
    plate: names.indexOf('plate'),
    state: names.indexOf('state'),
    list: names.indexOf('list'),
    reason: names.indexOf('reason'),
    caseNumber: names.indexOf('case_number'),
    vehicle: hasVehicle
      ? { year: names.indexOf('vehicle_year'), make: names.indexOf('vehicle_make'), model: names.indexOf('vehicle_model'), colour: names.indexOf('vehicle_colour') }
      : null,
  };
}

function fieldAt(fields: string[], at: number): string {
  return at < 0 ? '' : (fields[at] ?? '');
}

/** Parses a hot-list CSV file's text (pure). */
export function parseHotlistCsv(text: string): CsvParseResult {
  const out = new RecordCollector();
  let columns: Columns | null = null;
  let badHeader = false;
  const unterminatedAt = forEachCsvRecord(text, (row) => {
    if (badHeader || blank(row.fields)) return;
    if (columns === null) {
      const header = readHeader(row);
      if (typeof header === 'string') {
        out.error(row.line, `bad header: ${header}`);
        badHeader = true;
      } else columns = header;
      return;
    }
    const c: Columns = columns;
    if (row.error) return out.error(row.line, row.error);
    if (row.fields.length !== c.count) return out.error(row.line, `expected ${c.count} fields, found ${row.fields.length}`);
    const f = row.fields;
    out.add(row.line, {
      plate: fieldAt(f, c.plate),
      state: fieldAt(f, c.state),
      list: fieldAt(f, c.list),
      reason: fieldAt(f, c.reason),
      caseNumber: fieldAt(f, c.caseNumber),
      vehicle: c.vehicle
        ? { year: fieldAt(f, c.vehicle.year), make: fieldAt(f, c.vehicle.make), model: fieldAt(f, c.vehicle.model), colour: fieldAt(f, c.vehicle.colour) }
        : null,
    });
  });
  if (badHeader) return out.result(true);
  if (columns === null) {
    out.error(1, `no header line (expected ${REQUIRED_COLUMNS.join(',')})`);
    return out.result(true);
  }
  if (unterminatedAt !== null) {
    out.error(unterminatedAt, 'unterminated quoted field (runs to the end of the file)');
    return out.result(true);
  }
  return out.result(false);
}
