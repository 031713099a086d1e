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

/** Splits CSV text into records with the line each starts on (pure). */
export function splitCsvRecords(text: string): { records: RawRecord[]; unterminatedAt: number | null } {
  const records: RawRecord[] = [];
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
      records.push({ line: start, fields: text.slice(i, end).split(',') });
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
    if (quoted) return { records, unterminatedAt: start };
    fields.push(field);
    records.push(error ? { line: start, fields, error } : { line: start, fields });
  }
  return { records, unterminatedAt: null };
}

function blank(fields: string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

/** Parses a hot-list CSV file's text (pure). */
export function parseHotlistCsv(text: string): CsvParseResult {
  const out = new RecordCollector();
  const { records, unterminatedAt } = splitCsvRecords(text);
  const rows = records.filter((r) => !blank(r.fields));
  const header = rows[0];
  if (!header) {
    out.error(1, `no header line (expected ${REQUIRED_COLUMNS.join(',')})`);
    return out.result(true);
  }
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  const duplicated = names.filter((name, i) => name !== '' && names.indexOf(name) !== i);
  if (header.error || missing.length > 0 || duplicated.length > 0) {
    const why = header.error ?? (missing.length > 0 ? `missing column(s): ${missing.join(', ')}` : `duplicate column(s): ${duplicated.join(', ')}`);
    out.error(header.line, `bad header: ${why}`);
    return out.result(true);
  }
  const col = (name: string): number => names.indexOf(name);
  const hasVehicle = VEHICLE_COLUMNS.some((c) => names.includes(c));

  for (const row of rows.slice(1)) {
    if (row.error) {
      out.error(row.line, row.error);
      continue;
    }
    if (row.fields.length !== names.length) {
      out.error(row.line, `expected ${names.length} fields, found ${row.fields.length}`);
      continue;
    }
    const field = (name: string): string => (col(name) < 0 ? '' : (row.fields[col(name)] ?? ''));
    out.add(row.line, {
      plate: field('plate'),
      state: field('state'),
      list: field('list'),
      reason: field('reason'),
      caseNumber: field('case_number'),
      vehicle: hasVehicle
        ? { year: field('vehicle_year'), make: field('vehicle_make'), model: field('vehicle_model'), colour: field('vehicle_colour') }
        : null,
    });
  }

  if (unterminatedAt !== null) {
    out.error(unterminatedAt, 'unterminated quoted field (runs to the end of the file)');
    return out.result(true);
  }
  return out.result(false);
}
