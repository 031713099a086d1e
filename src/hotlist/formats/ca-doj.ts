/**
 * California DOJ stolen-vehicle (SVS), stolen-plate (SLR) and felony-vehicle (SFR) hot-list
 * extracts (pure), as CLETS agencies receive them for ALPR (files svs.tbl, slr.tbl, sfr.tbl; see
 * docs/hotlists.md for the source of this layout). Each file is one table, a fixed-width list:
 *
 *   header   `DATE<MM/DD/YYYY> <HH:MM>`  (when the extract was made)
 *   records  cols 0-7 plate, 8-9 state, 10-11 county code, 12-19 date of loss (YYYYMMDD)
 *   footer   `TOTAL RECORD <count>`  (record lines between header and footer, zero-padded)
 *
 * Which table a file is comes from its name (the format), not its content. A missing or unknown
 * header, a missing footer (truncated file), text after the footer or a count that disagrees with
 * the records present make the file fatal. Bad records are per-line errors.
 */
import type { ParseResult } from '../types.ts';
import { cut, extractDate, type Column } from './fixed-width.ts';
import { RecordCollector, textLines } from './record.ts';

export type CaDojTable = 'svs' | 'slr' | 'sfr';

export const CA_DOJ_TABLES: Readonly<Record<CaDojTable, { list: string; reason: string }>> = {
  svs: { list: 'stolen-vehicle', reason: 'Stolen vehicle (CA DOJ SVS)' },
  slr: { list: 'stolen-plate', reason: 'Stolen plate (CA DOJ SLR)' },
  sfr: { list: 'felony-vehicle', reason: 'Felony vehicle (CA DOJ SFR)' },
};

export const CA_DOJ_COLUMNS = [
  { name: 'plate', start: 0, width: 8 },
  { name: 'state', start: 8, width: 2 },
  { name: 'county', start: 10, width: 2 },
  { name: 'dateOfLoss', start: 12, width: Infinity },
] as const satisfies readonly Column[];

/** A record must reach the end of the state. */
const MIN_WIDTH = 10;
const HEADER = /^DATE ?(\d{2})\/(\d{2})\/(\d{4})(?: +\d{2}:\d{2})?$/;

export function parseCaDoj(text: string, table: CaDojTable): ParseResult {
  const out = new RecordCollector();
  const lines = textLines(text);
  const firstUsed = lines.findIndex((l) => l.trim() !== '');
  if (firstUsed < 0) {
    out.error(1, 'empty file (expected a "DATEMM/DD/YYYY HH:MM" header)');
    return out.result(true);
  }
  const header = (lines[firstUsed] as string).trim();
  if (!HEADER.test(header)) {
    out.error(firstUsed + 1, `bad header "${header}": expected "DATEMM/DD/YYYY HH:MM"`);
    return out.result(true);
  }
  const { list, reason } = CA_DOJ_TABLES[table];
  let records = 0;
  let footerAt = -1;
  for (let i = firstUsed + 1; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = i + 1;
    if (raw.trim() === '') continue;
    const footer = /^TOTAL RECORDS? +(\d+)\s*$/.exec(raw);
    if (footer) {
      footerAt = i;
      if (Number(footer[1]) !== records) {
        out.error(line, `footer says ${Number(footer[1])} records, the file holds ${records} (truncated or corrupted)`);
        return out.result(true);
      }
      break;
    }
    records++;
    if (raw.length < MIN_WIDTH) {
      out.error(line, `line is ${raw.length} characters, a record needs at least ${MIN_WIDTH} (plate and state)`);
      continue;
    }
    const f = cut(raw, CA_DOJ_COLUMNS);
    const lost = extractDate(f.dateOfLoss);
    if (lost === null) {
      out.error(line, `bad date of loss "${f.dateOfLoss}" in columns 12-19 (expected YYYYMMDD)`);
      continue;
    }
    const details = [f.county === '' ? null : `county ${f.county}`, lost === '' ? null : `lost ${lost}`].filter((d) => d !== null);
    out.add(line, {
      plate: f.plate,
      state: f.state,
      list,
      reason: details.length === 0 ? reason : `${reason}, ${details.join(', ')}`,
      caseNumber: null,
    });
  }
  if (footerAt < 0) {
    out.error(lines.length, 'no "TOTAL RECORD n" footer (truncated file?)');
    return out.result(true);
  }
  const after = lines.slice(footerAt + 1).findIndex((l) => l.trim() !== '');
  if (after >= 0) {
    out.error(footerAt + 2 + after, 'text after the TOTAL RECORD footer');
    return out.result(true);
  }
  return out.result(false);
}
