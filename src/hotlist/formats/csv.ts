/**
 * Hot-list CSV (RFC 4180) → records, pure. The header must name the columns
 * `plate,state,list,reason,case_number` (any order, case-insensitive); other columns are ignored.
 * Fields may be quoted ("" for a quote, line breaks allowed inside quotes). Every bad line is
 * reported with its number; a file whose structure is unusable (no header, unterminated quote) is
 * `fatal` and must not be applied at all.
 */
import { normalisePlate } from '../normalise.ts';
import type { HotlistRecord, LineProblem } from '../types.ts';

export const REQUIRED_COLUMNS = ['plate', 'state', 'list', 'reason', 'case_number'] as const;

export const MAX_PLATE_CHARS = 15;
const MAX_TEXT_CHARS = 500;

export interface CsvParseResult {
  entries: HotlistRecord[];
  errors: LineProblem[];
  /** Not errors: lines skipped because an identical plate/state/list came earlier. */
  warnings: LineProblem[];
  /** True when the file as a whole cannot be trusted (bad header, unterminated quote). */
  fatal: boolean;
}

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
  while (i < n) {
    const start = line;
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

function optionalText(value: string): string | null {
  const t = value.trim();
  return t === '' ? null : t;
}

/** Parses a hot-list CSV file's text (pure). */
export function parseHotlistCsv(text: string): CsvParseResult {
  const errors: LineProblem[] = [];
  const warnings: LineProblem[] = [];
  const entries: HotlistRecord[] = [];
  const { records, unterminatedAt } = splitCsvRecords(text);
  const rows = records.filter((r) => !blank(r.fields));
  const header = rows[0];
  if (!header) {
    return { entries, errors: [{ line: 1, message: `no header line (expected ${REQUIRED_COLUMNS.join(',')})` }], warnings, fatal: true };
  }
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  const duplicated = names.filter((name, i) => name !== '' && names.indexOf(name) !== i);
  if (header.error || missing.length > 0 || duplicated.length > 0) {
    const why = header.error ?? (missing.length > 0 ? `missing column(s): ${missing.join(', ')}` : `duplicate column(s): ${duplicated.join(', ')}`);
    return { entries, errors: [{ line: header.line, message: `bad header: ${why}` }], warnings, fatal: true };
  }
  const col = (name: (typeof REQUIRED_COLUMNS)[number]): number => names.indexOf(name);
  const seen = new Map<string, number>();

  for (const row of rows.slice(1)) {
    const problem = (message: string): void => {
      errors.push({ line: row.line, message });
    };
    if (row.error) {
      problem(row.error);
      continue;
    }
    if (row.fields.length !== names.length) {
      problem(`expected ${names.length} fields, found ${row.fields.length}`);
      continue;
    }
    const field = (name: (typeof REQUIRED_COLUMNS)[number]): string => row.fields[col(name)] ?? '';
    const rawPlate = field('plate').trim();
    const plate = normalisePlate(rawPlate);
    if (rawPlate === '') {
      problem('empty plate');
      continue;
    }
    if (plate === '') {
      problem(`plate "${rawPlate}" has no letters or digits`);
      continue;
    }
    if (plate.length > MAX_PLATE_CHARS) {
      problem(`plate "${rawPlate}" is longer than ${MAX_PLATE_CHARS} characters`);
      continue;
    }
    const rawState = field('state').trim();
    const state = rawState === '' ? null : rawState.toUpperCase();
    if (state !== null && !/^[A-Z]{2,3}$/.test(state)) {
      problem(`bad state "${rawState}": expected a 2 or 3 letter code, or empty for any state`);
      continue;
    }
    const list = field('list').trim();
    if (list === '') {
      problem('empty list');
      continue;
    }
    const reason = optionalText(field('reason'));
    const caseNumber = optionalText(field('case_number'));
    const tooLong = [
      ['list', list],
      ['reason', reason],
      ['case_number', caseNumber],
    ].find(([, v]) => v !== null && (v ?? '').length > MAX_TEXT_CHARS);
    if (tooLong) {
      problem(`${tooLong[0]} is longer than ${MAX_TEXT_CHARS} characters`);
      continue;
    }
    const key = `${plate}\u0000${state ?? ''}\u0000${list}`;
    const first = seen.get(key);
    if (first !== undefined) {
      warnings.push({ line: row.line, message: `duplicate of line ${first} (same plate, state and list); skipped` });
      continue;
    }
    seen.set(key, row.line);
    entries.push({ line: row.line, plate, state, list, reason, caseNumber });
  }

  if (unterminatedAt !== null) {
    errors.push({ line: unterminatedAt, message: 'unterminated quoted field (runs to the end of the file)' });
    return { entries, errors, warnings, fatal: true };
  }
  return { entries, errors, warnings, fatal: false };
}
