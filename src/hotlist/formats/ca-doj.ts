/**
 * California DOJ stolen-vehicle (SVS), stolen-plate (SLR) and felony-vehicle (SFR) extracts
 * (pure). Each file is a fixed-width table:
 *
 *   header  `<TABLE> EXTRACT <YYYYMMDD>`  (TABLE = SVS, SLR or SFR; must match the expected table)
 *   records cols 0-7 plate, 8-9 state, 10-13 vehicle year, 14-17 make, 18-21 model,
 *           22-24 colour, 25-39 case number, 40- reason (optional)
 *   footer  `TOTAL RECORD <count>`  (count of record lines between header and footer)
 *
 * A missing/unknown header, a missing footer (truncated file), text after the footer or a count
 * that disagrees with the records present make the file fatal. Bad records are per-line errors.
 */
import type { ParseResult } from '../types.ts';
import { cut, type Column } from './fixed-width.ts';
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
  { name: 'year', start: 10, width: 4 },
  { name: 'make', start: 14, width: 4 },
  { name: 'model', start: 18, width: 4 },
  { name: 'colour', start: 22, width: 3 },
  { name: 'caseNumber', start: 25, width: 15 },
  { name: 'reason', start: 40, width: Infinity },
] as const satisfies readonly Column[];

const MIN_WIDTH = 25;

export function parseCaDoj(text: string, table: CaDojTable): ParseResult {
  const out = new RecordCollector();
  const lines = textLines(text);
  const firstUsed = lines.findIndex((l) => l.trim() !== '');
  if (firstUsed < 0) {
    out.error(1, `empty file (expected a "${table.toUpperCase()} EXTRACT YYYYMMDD" header)`);
    return out.result(true);
  }
  const header = (lines[firstUsed] as string).trim();
  const m = /^(SVS|SLR|SFR) EXTRACT (\d{8})$/.exec(header);
  if (!m) {
    out.error(firstUsed + 1, `bad header "${header}": expected "${table.toUpperCase()} EXTRACT YYYYMMDD"`);
    return out.result(true);
  }
  if (m[1]?.toLowerCase() !== table) {
    out.error(firstUsed + 1, `this is a ${m[1]} extract, expected ${table.toUpperCase()}`);
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
        out.error(line, `footer says ${footer[1]} records, the file holds ${records} (truncated or corrupted)`);
        return out.result(true);
      }
      break;
    }
    records++;
    if (raw.length < MIN_WIDTH) {
      out.error(line, `line is ${raw.length} characters, a record needs at least ${MIN_WIDTH}`);
      continue;
    }
    const f = cut(raw, CA_DOJ_COLUMNS);
    out.add(line, {
      plate: f.plate,
      state: f.state,
      list,
      reason: f.reason === '' ? reason : f.reason,
      caseNumber: f.caseNumber,
      vehicle: { year: f.year, make: f.make, model: f.model, colour: f.colour },
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
