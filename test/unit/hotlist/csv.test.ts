import { describe, expect, it } from 'vitest';
import { parseHotlistCsv, splitCsvRecords } from '../../../src/hotlist/formats/csv.ts';

const HEADER = 'plate,state,list,reason,case_number\n';

describe('CSV records', () => {
  it('handles quotes, escaped quotes, line breaks in quotes, CRLF and a BOM', () => {
    const { records, unterminatedAt } = splitCsvRecords('\ufeffa,"b,c","say ""hi"""\r\n"multi\nline",x\n');
    expect(unterminatedAt).toBeNull();
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b,c', 'say "hi"'] },
      { line: 2, fields: ['multi\nline', 'x'] },
    ]);
  });
});

describe('parseHotlistCsv', () => {
  it('parses good lines, with extra columns in any order', () => {
    const text = 'Case_Number,list,plate,extra,state,reason\n' + 'C-1,stolen,abc 123,whatever,ca,"Stolen vehicle, red"\n' + ',amber,7XYZ99,,,\n';
    const r = parseHotlistCsv(text);
    expect(r.errors).toEqual([]);
    expect(r.fatal).toBe(false);
    expect(r.entries).toEqual([
      { line: 2, plate: 'ABC123', state: 'CA', list: 'stolen', reason: 'Stolen vehicle, red', caseNumber: 'C-1' },
      { line: 3, plate: '7XYZ99', state: null, list: 'amber', reason: null, caseNumber: null },
    ]);
  });

  it('reports every bad line by number and keeps the good ones', () => {
    const text =
      HEADER +
      'ABC123,CA,stolen,r,c\n' + // 2 ok
      ',CA,stolen,r,c\n' + // 3 empty plate
      'DEF456,California,stolen,r,c\n' + // 4 bad state
      '\n' + // 5 blank: skipped
      'GHI789,NY,stolen\n' + // 6 too few fields
      '"---",NY,stolen,r,c\n' + // 7 no letters or digits
      'JKL012,NY,,r,c\n' + // 8 empty list
      '"MNO"345,NY,stolen,r,c\n' + // 9 text after closing quote
      'ABC123,CA,stolen,again,c\n' + // 10 duplicate (warning)
      'PQR678,ny,stolen,r,c\n'; // 11 ok
    const r = parseHotlistCsv(text);
    expect(r.fatal).toBe(false);
    expect(r.entries.map((e) => [e.line, e.plate])).toEqual([
      [2, 'ABC123'],
      [11, 'PQR678'],
    ]);
    expect(r.errors).toEqual([
      { line: 3, message: 'empty plate' },
      { line: 4, message: 'bad state "California": expected a 2 or 3 letter code, or empty for any state' },
      { line: 6, message: 'expected 5 fields, found 3' },
      { line: 7, message: 'plate "---" has no letters or digits' },
      { line: 8, message: 'empty list' },
      { line: 9, message: 'unexpected text after a closing quote' },
    ]);
    expect(r.warnings).toEqual([{ line: 10, message: 'duplicate of line 2 (same plate, state and list); skipped' }]);
  });

  it('numbers lines correctly after a quoted line break', () => {
    const r = parseHotlistCsv(HEADER + 'ABC123,CA,stolen,"two\nlines",c\n,CA,stolen,r,c\n');
    expect(r.entries[0]).toMatchObject({ line: 2, reason: 'two\nlines' });
    expect(r.errors).toEqual([{ line: 4, message: 'empty plate' }]);
  });

  it('is fatal without a usable header or with an unterminated quote', () => {
    expect(parseHotlistCsv('')).toMatchObject({ fatal: true, errors: [{ line: 1 }] });
    expect(parseHotlistCsv('plate,list\nABC,stolen\n')).toMatchObject({
      fatal: true,
      errors: [{ line: 1, message: 'bad header: missing column(s): state, reason, case_number' }],
    });
    const r = parseHotlistCsv(HEADER + 'ABC123,CA,stolen,r,c\nDEF456,CA,stolen,"oops,c\nGHI,CA,stolen,r,c\n');
    expect(r.fatal).toBe(true);
    expect(r.errors).toEqual([{ line: 3, message: 'unterminated quoted field (runs to the end of the file)' }]);
  });
});
