/**
 * NCIC license-plate-reader extract (pure): the fixed-width vehicle extract the FBI produces for
 * LPR systems (file name e.g. VEHEXTRT.txt; see docs/hotlists.md for the source of this layout).
 *
 *   line 1      header (skipped)
 *   cols 0-9    NIC, the NCIC record number; its first character is the file the record comes
 *               from, which is the list (V stolen vehicle, P stolen plate, W wanted person, ...)
 *   cols 10-18  ORI, the entering agency
 *   cols 19-26  date the record was entered (YYYYMMDD)
 *   cols 27-36  LIC, plate
 *   cols 37-38  LIS, plate state
 *   cols 39-42  LIY, plate expiry year
 *   cols 43-44  LIT, plate type
 *   cols 45-48  VYR, vehicle year
 *   cols 49-52  VMA, make
 *   cols 53-55  VMO, model
 *   cols 56-57  VST, style
 *   cols 58-    VCO, colour
 *
 * The NIC is kept as the entry's case number (what an officer quotes to confirm the hit). Blank
 * lines are skipped; a file without a single line is fatal. A line too short to hold the plate
 * state, an unknown file code or a malformed date is an error on that line.
 */
import type { ParseResult } from '../types.ts';
import { cut, extractDate, minimumWidth, type Column } from './fixed-width.ts';
import { RecordCollector, textLines } from './record.ts';

export const NCIC_LIST_CODES: Readonly<Record<string, { list: string; reason: string }>> = {
  V: { list: 'stolen-vehicle', reason: 'Stolen vehicle' },
  P: { list: 'stolen-plate', reason: 'Stolen plate' },
  W: { list: 'wanted-person', reason: 'Wanted person' },
  F: { list: 'felony-vehicle', reason: 'Vehicle used in a felony' },
  M: { list: 'missing-person', reason: 'Missing person' },
  A: { list: 'amber-alert', reason: 'AMBER alert' },
  C: { list: 'supervised-release', reason: 'Supervised release' },
  H: { list: 'protection-order', reason: 'Protection order' },
  K: { list: 'protective-interest', reason: 'Protective interest' },
  L: { list: 'violent-person', reason: 'Violent person' },
  R: { list: 'stolen-canadian-vehicle', reason: 'Stolen Canadian vehicle' },
  T: { list: 'gang-terrorist', reason: 'Gang or terrorist member' },
  X: { list: 'sex-offender', reason: 'Sex offender registry' },
};

export const NCIC_COLUMNS = [
  { name: 'nic', start: 0, width: 10 },
  { name: 'ori', start: 10, width: 9 },
  { name: 'date', start: 19, width: 8 },
  { name: 'plate', start: 27, width: 10 },
  { name: 'state', start: 37, width: 2 },
  { name: 'plateYear', start: 39, width: 4 },
  { name: 'plateType', start: 43, width: 2 },
  { name: 'year', start: 45, width: 4 },
  { name: 'make', start: 49, width: 4 },
  { name: 'model', start: 53, width: 3 },
  { name: 'style', start: 56, width: 2 },
  { name: 'colour', start: 58, width: Infinity },
] as const satisfies readonly Column[];

/** A record must reach the end of the plate state. */
const MIN_WIDTH = minimumWidth(NCIC_COLUMNS.slice(0, 5));

export function parseNcic(text: string): ParseResult {
  const out = new RecordCollector();
  const lines = textLines(text);
  const header = lines.findIndex((l) => l.trim() !== '');
  if (header < 0) {
    out.error(1, 'empty file (expected a header line, then records)');
    return out.result(true);
  }
  for (let i = header + 1; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = i + 1;
    if (raw.trim() === '') continue;
    if (raw.length < MIN_WIDTH) {
      out.error(line, `line is ${raw.length} characters, a record needs at least ${MIN_WIDTH} (through the plate state)`);
      continue;
    }
    const f = cut(raw, NCIC_COLUMNS);
    const fileCode = raw.charAt(0);
    const code = NCIC_LIST_CODES[fileCode];
    if (!code) {
      out.error(line, `unknown list code "${fileCode}" in column 0, the NIC's file letter (expected one of ${Object.keys(NCIC_LIST_CODES).join('')})`);
      continue;
    }
    const date = extractDate(f.date);
    if (date === null) {
      out.error(line, `bad date "${f.date}" in columns 19-26 (expected YYYYMMDD)`);
      continue;
    }
    out.add(line, {
      plate: f.plate,
      // No state code holds a zero: a 0 there is a keyed O (as in "0H").
      state: f.state.replace(/0/g, 'O'),
      list: code.list,
      reason: date === '' ? code.reason : `${code.reason}, entered ${date}`,
      caseNumber: f.nic,
      vehicle: { year: f.year, make: f.make, model: f.model, colour: f.colour },
    });
  }
  return out.result(false);
}
