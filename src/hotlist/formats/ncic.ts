/**
 * NCIC-style fixed-width hot-list extract (pure). One record per line:
 *
 *   col  0      list code (V stolen vehicle, P stolen plate, W wanted person, F felony vehicle,
 *               M missing person, A AMBER alert, H protection order, G gang member, S sex offender,
 *               T terrorist screening, X supervised release)
 *   cols 1-10   plate (LIC), left-aligned
 *   cols 11-12  state (LIS)
 *   cols 13-16  vehicle year (VYR)
 *   cols 17-20  vehicle make (VMA)
 *   cols 21-23  vehicle model (VMO)
 *   cols 24-26  vehicle colour (VCO)
 *   cols 27-46  case number (OCA)
 *   cols 47-    reason / miscellaneous (MIS), optional
 *
 * Blank lines are skipped; an empty file is fatal. A line shorter than 27 columns or with an unknown list code is an error.
 */
import type { ParseResult } from '../types.ts';
import { cut, type Column } from './fixed-width.ts';
import { RecordCollector, textLines } from './record.ts';

export const NCIC_LIST_CODES: Readonly<Record<string, { list: string; reason: string }>> = {
  V: { list: 'stolen-vehicle', reason: 'Stolen vehicle' },
  P: { list: 'stolen-plate', reason: 'Stolen plate' },
  W: { list: 'wanted-person', reason: 'Wanted person' },
  F: { list: 'felony-vehicle', reason: 'Vehicle used in a felony' },
  M: { list: 'missing-person', reason: 'Missing person' },
  A: { list: 'amber-alert', reason: 'AMBER alert' },
  H: { list: 'protection-order', reason: 'Protection order' },
  G: { list: 'gang-member', reason: 'Gang member' },
  S: { list: 'sex-offender', reason: 'Sex offender registry' },
  T: { list: 'terrorist-screening', reason: 'Terrorist screening' },
  X: { list: 'supervised-release', reason: 'Supervised release' },
};

export const NCIC_COLUMNS = [
  { name: 'code', start: 0, width: 1 },
  { name: 'plate', start: 1, width: 10 },
  { name: 'state', start: 11, width: 2 },
  { name: 'year', start: 13, width: 4 },
  { name: 'make', start: 17, width: 4 },
  { name: 'model', start: 21, width: 3 },
  { name: 'colour', start: 24, width: 3 },
  { name: 'caseNumber', start: 27, width: 20 },
  { name: 'reason', start: 47, width: Infinity },
] as const satisfies readonly Column[];

const MIN_WIDTH = 27;

export function parseNcic(text: string): ParseResult {
  const out = new RecordCollector();
  const lines = textLines(text);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    if (raw.length < MIN_WIDTH) return out.error(line, `line is ${raw.length} characters, a record needs at least ${MIN_WIDTH}`);
    const f = cut(raw, NCIC_COLUMNS);
    const code = NCIC_LIST_CODES[f.code];
    if (!code) return out.error(line, `unknown list code "${f.code}" in column 0 (expected one of ${Object.keys(NCIC_LIST_CODES).join('')})`);
    out.add(line, {
      plate: f.plate,
      state: f.state,
      list: code.list,
      reason: f.reason === '' ? code.reason : f.reason,
      caseNumber: f.caseNumber,
      vehicle: { year: f.year, make: f.make, model: f.model, colour: f.colour },
    });
  });
  if (lines.every((l) => l.trim() === '')) {
    out.error(1, 'empty file (no records)');
    return out.result(true);
  }
  return out.result(false);
}
