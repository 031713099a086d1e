import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCaDoj } from '../../../src/hotlist/formats/ca-doj.ts';
import { parseHotlistCsv } from '../../../src/hotlist/formats/csv.ts';
import { formatFromFileName, parseHotlist, resolveFormat } from '../../../src/hotlist/formats/index.ts';
import { parseHotlistJson } from '../../../src/hotlist/formats/json.ts';
import { parseNcic } from '../../../src/hotlist/formats/ncic.ts';
import { isAlprError } from '../../../src/errors.ts';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../../../fixtures/hotlists', name), 'utf8');

describe('NCIC LPR extract', () => {
  it('skips the header, reads the list from the NIC file letter, the plate, state and vehicle fields', () => {
    const r = parseNcic(fixture('ncic-sample.ncic'));
    expect(r.errors).toEqual([]);
    expect(r.fatal).toBe(false);
    expect(r.entries.map((e) => [e.plate, e.state, e.list])).toEqual([
      ['6TRK902', 'CA', 'stolen-vehicle'],
      ['3WXY771', 'CA', 'stolen-plate'],
      ['9QRS552', 'NV', 'wanted-person'],
      ['7XYZ99', 'AZ', 'amber-alert'],
      ['8MSP123', 'OR', 'missing-person'],
      ['5HPO777', 'WA', 'protection-order'],
      ['2FEL404', 'CA', 'felony-vehicle'],
    ]);
    expect(r.entries[0]).toEqual({
      line: 2,
      plate: '6TRK902',
      state: 'CA',
      list: 'stolen-vehicle',
      reason: 'Stolen vehicle, entered 2026-01-10',
      caseNumber: 'V260004512',
      vehicle: { year: 2019, make: 'TOYT', model: 'CAM', colour: 'BLK' },
    });
    // A record that ends after the plate state: no vehicle.
    expect(r.entries[1]).toEqual({ line: 3, plate: '3WXY771', state: 'CA', list: 'stolen-plate', reason: 'Stolen plate, entered 2026-01-08', caseNumber: 'P260003318' });
  });

  it('matches the example record of the public layout, and reads a keyed 0 in the state as O', () => {
    // The example line given with OpenALPR's NCIC importer (parsers/ncic.py), after a header line.
    const r = parseNcic('HEADER\nV123456789LA057020020190509AB123456  CA2009MC2009YAMACYLMCBLK\nX123456780OH0000000        XYZ1234   0H\n');
    expect(r.errors).toEqual([]);
    expect(r.entries).toEqual([
      {
        line: 2,
        plate: 'AB123456',
        state: 'CA',
        list: 'stolen-vehicle',
        reason: 'Stolen vehicle, entered 2019-05-09',
        caseNumber: 'V123456789',
        vehicle: { year: 2009, make: 'YAMA', model: 'CYL', colour: 'BLK' },
      },
      { line: 3, plate: 'XYZ1234', state: 'OH', list: 'sex-offender', reason: 'Sex offender registry', caseNumber: 'X123456780' },
    ]);
  });

  it('reports every bad line with its number', () => {
    const r = parseNcic(fixture('ncic-bad.ncic'));
    expect(r.fatal).toBe(false);
    expect(r.entries.map((e) => [e.line, e.plate])).toEqual([
      [3, 'GOOD001'],
      [8, 'GOOD003'],
    ]);
    expect(r.errors).toEqual([
      { line: 2, message: `unknown list code "Q" in column 0, the NIC's file letter (expected one of VPWFMACHKLRTX)` },
      { line: 4, message: 'line is 6 characters, a record needs at least 39 (through the plate state)' },
      { line: 5, message: 'bad vehicle year "20X9"' },
      { line: 6, message: 'empty plate' },
      { line: 7, message: 'bad date "2026-1-1" in columns 19-26 (expected YYYYMMDD)' },
    ]);
  });

  it('an empty file is fatal', () => {
    expect(parseNcic('\n\n')).toMatchObject({ fatal: true, entries: [] });
  });
});

describe('CA DOJ SVS / SLR / SFR', () => {
  it('reads each table with its list, DATE header and TOTAL RECORD footer', () => {
    const svs = parseCaDoj(fixture('ca-doj.svs'), 'svs');
    expect(svs).toMatchObject({ fatal: false, errors: [] });
    expect(svs.entries).toEqual([
      { line: 2, plate: '6TRK902', state: 'CA', list: 'stolen-vehicle', reason: 'Stolen vehicle (CA DOJ SVS), county 01, lost 2026-01-10', caseNumber: null },
      { line: 3, plate: '4ABC123', state: 'CA', list: 'stolen-vehicle', reason: 'Stolen vehicle (CA DOJ SVS), county 19, lost 2026-01-12', caseNumber: null },
      { line: 4, plate: '1NVX555', state: 'NV', list: 'stolen-vehicle', reason: 'Stolen vehicle (CA DOJ SVS), lost 2026-01-01', caseNumber: null },
    ]);
    const slr = parseCaDoj(fixture('ca-doj.slr'), 'slr');
    expect(slr.entries.map((e) => [e.plate, e.list, e.reason])).toEqual([
      ['5LPT808', 'stolen-plate', 'Stolen plate (CA DOJ SLR)'],
      ['8ZZZ001', 'stolen-plate', 'Stolen plate (CA DOJ SLR)'],
    ]);
    const sfr = parseCaDoj(fixture('ca-doj.sfr'), 'sfr');
    expect(sfr.entries).toMatchObject([{ plate: '3WXY771', list: 'felony-vehicle', reason: 'Felony vehicle (CA DOJ SFR), county 38, lost 2025-12-30' }]);
  });

  it('reads the public layout (DATE header, 8-character plate field, zero-padded count)', () => {
    // OpenALPR's sfr.tbl sample with its plates padded to the 8 columns its parser reads (the
    // sample pads them to 7, which that parser would read as plate "ABC123 C", state "A0").
    const r = parseCaDoj('DATE07/02/2018 09:00\nABC123  CA0120180627\nXYZ999  CA0220180430\nTOTAL RECORD 0000002\n', 'sfr');
    expect(r).toMatchObject({ fatal: false, errors: [] });
    expect(r.entries.map((e) => [e.plate, e.state, e.reason])).toEqual([
      ['ABC123', 'CA', 'Felony vehicle (CA DOJ SFR), county 01, lost 2018-06-27'],
      ['XYZ999', 'CA', 'Felony vehicle (CA DOJ SFR), county 02, lost 2018-04-30'],
    ]);
  });

  it('is fatal when the footer is missing, the count disagrees, or the header is wrong', () => {
    expect(parseCaDoj(fixture('ca-doj-truncated.svs'), 'svs')).toMatchObject({
      fatal: true,
      errors: [{ line: 3, message: 'no "TOTAL RECORD n" footer (truncated file?)' }],
    });
    expect(parseCaDoj(fixture('ca-doj-badcount.svs'), 'svs')).toMatchObject({
      fatal: true,
      errors: [{ line: 3, message: 'footer says 5 records, the file holds 1 (truncated or corrupted)' }],
    });
    expect(parseCaDoj('HELLO\nTOTAL RECORD 0\n', 'svs')).toMatchObject({ fatal: true, errors: [{ line: 1, message: 'bad header "HELLO": expected "DATEMM/DD/YYYY HH:MM"' }] });
    expect(parseCaDoj('DATE01/15/2026 06:00\nTOTAL RECORD 0\nMORE\n', 'svs')).toMatchObject({
      fatal: true,
      errors: [{ line: 3, message: 'text after the TOTAL RECORD footer' }],
    });
    expect(parseCaDoj('', 'svs')).toMatchObject({ fatal: true });
  });

  it('reports bad records by line and keeps the good ones', () => {
    const r = parseCaDoj(fixture('ca-doj-badline.svs'), 'svs');
    expect(r.fatal).toBe(false);
    expect(r.entries.map((e) => e.line)).toEqual([2]);
    expect(r.errors).toEqual([
      { line: 3, message: 'bad state "C1": expected a 2 or 3 letter code, or empty for any state' },
      { line: 4, message: 'line is 5 characters, a record needs at least 10 (plate and state)' },
    ]);
    expect(parseCaDoj('DATE01/15/2026 06:00\n6TRK902 CA0120261340\nTOTAL RECORD 1\n', 'svs').errors).toEqual([
      { line: 2, message: 'bad date of loss "20261340" in columns 12-19 (expected YYYYMMDD)' },
    ]);
  });
});

describe('JSON', () => {
  it('reads {"entries": [...]} with case_number or caseNumber and a vehicle', () => {
    const r = parseHotlistJson(fixture('sample.json'));
    expect(r).toMatchObject({ fatal: false, errors: [] });
    expect(r.entries).toEqual([
      {
        line: 3,
        plate: '6TRK902',
        state: 'CA',
        list: 'stolen-vehicle',
        reason: 'Stolen vehicle report',
        caseNumber: '26-004512',
        vehicle: { year: 2019, make: 'Toyota', model: 'Camry', colour: 'black' },
      },
      { line: 5, plate: '9QRS552', state: 'NV', list: 'amber-alert', reason: 'AMBER alert vehicle', caseNumber: '26-004777' },
      { line: 6, plate: '7XYZ99', state: null, list: 'wanted-person', reason: null, caseNumber: null },
    ]);
  });

  it('reports bad elements of an array by the line they start on', () => {
    const r = parseHotlistJson(fixture('bad.json'));
    expect(r.fatal).toBe(false);
    expect(r.entries.map((e) => [e.line, e.plate])).toEqual([
      [2, 'GOOD1'],
      [7, 'GOOD4'],
    ]);
    expect(r.errors).toEqual([
      { line: 3, message: '"plate" must be a string' },
      { line: 4, message: 'bad state "California": expected a 2 or 3 letter code, or empty for any state' },
      { line: 5, message: 'expected an object' },
      { line: 6, message: 'bad vehicle year "19X9"' },
    ]);
  });

  it('reads JSON Lines, one object per line', () => {
    const r = parseHotlistJson(fixture('sample.jsonl'));
    expect(r.fatal).toBe(false);
    expect(r.entries.map((e) => [e.line, e.plate])).toEqual([
      [1, '6TRK902'],
      [2, '3WXY771'],
    ]);
    expect(r.errors.map((e) => e.line)).toEqual([4, 5]);
    expect(r.errors[0]?.message).toMatch(/^not JSON/);
  });

  it('a document that is not JSON or has the wrong shape is fatal', () => {
    expect(parseHotlistJson('[{"plate": "A"')).toMatchObject({ fatal: true });
    expect(parseHotlistJson('{"plates": []}')).toMatchObject({ fatal: true });
    expect(parseHotlistJson('   ')).toMatchObject({ fatal: true });
  });
});

describe('CSV with vehicle columns', () => {
  it('reads the optional vehicle columns', () => {
    const r = parseHotlistCsv(fixture('vehicle.csv'));
    expect(r.errors).toEqual([]);
    expect(r.entries[0]?.vehicle).toEqual({ year: 2019, make: 'TOYT', model: 'CAM', colour: 'BLK' });
    expect(r.entries[1]?.vehicle).toBeUndefined();
  });
});

describe('format selection', () => {
  it('by extension, or as given', () => {
    expect(formatFromFileName('/x/list.CSV')).toBe('csv');
    expect(formatFromFileName('a.jsonl')).toBe('json');
    expect(formatFromFileName('a.ncic')).toBe('ncic');
    expect(formatFromFileName('extract.sfr')).toBe('sfr');
    expect(formatFromFileName('/srv/clew/SVS.TBL')).toBe('svs');
    expect(formatFromFileName('slr.tbl')).toBe('slr');
    expect(formatFromFileName('other.tbl')).toBeNull();
    expect(formatFromFileName('a.txt')).toBeNull();
    expect(resolveFormat('a.txt', 'ncic')).toBe('ncic');
    let caught: unknown;
    try {
      resolveFormat('a.txt', undefined);
    } catch (err) {
      caught = err;
    }
    expect(isAlprError(caught, 'USAGE')).toBe(true);
    expect(parseHotlist(fixture('demo.csv'), 'csv').entries).toHaveLength(3);
  });
});
