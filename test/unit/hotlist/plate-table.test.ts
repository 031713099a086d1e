import { describe, expect, it } from 'vitest';
import { PlateTable, plateCode } from '../../../src/hotlist/formats/plate-table.ts';
import { RecordCollector } from '../../../src/hotlist/formats/record.ts';

describe('plate table', () => {
  it('codes plates of up to 10 characters exactly, and no others', () => {
    expect(plateCode('A')).not.toBe(plateCode('0A')); // length is part of the code
    expect(plateCode('ZZZZZZZZZZ')).toBeLessThan(Number.MAX_SAFE_INTEGER);
    expect(plateCode('ZZZZZZZZZZZ')).toBe(0);
    expect(plateCode('')).toBe(0);
    expect(plateCode('AB*1')).toBe(0);
  });

  it('stores and finds every plate across growth, long plates included', () => {
    const t = new PlateTable(4);
    const plates = Array.from({ length: 5_000 }, (_, i) => (i % 7 === 0 ? `LONGPLATE${i}X` : `P${i.toString(36).toUpperCase()}`));
    plates.forEach((p, i) => expect(t.putIfAbsent(p, i)).toBe(-1));
    expect(t.size).toBe(5_000);
    plates.forEach((p, i) => expect(t.get(p)).toBe(i));
    expect(t.putIfAbsent(plates[42] as string, 999)).toBe(42); // the first value stays
    expect(t.get('NOTTHERE')).toBe(-1);
  });
});

describe('record de-duplication', () => {
  it('skips a repeat of plate, state and list with the first line named; other lists or states are kept', () => {
    const out = new RecordCollector();
    const add = (line: number, plate: string, state: string, list: string): void => out.add(line, { plate, state, list, reason: null, caseNumber: null });
    add(1, 'ABC123', 'CA', 'stolen');
    add(2, 'ABC123', 'CA', 'wanted');
    add(3, 'ABC123', 'NV', 'stolen');
    add(4, 'abc-123', 'ca', 'stolen');
    add(5, 'ABC123', 'NV', 'stolen');
    add(6, 'XYZ9', '', 'stolen');
    expect(out.entries.map((e) => e.line)).toEqual([1, 2, 3, 6]);
    expect(out.warnings).toEqual([
      { line: 4, message: 'duplicate of line 1 (same plate, state and list); skipped' },
      { line: 5, message: 'duplicate of line 3 (same plate, state and list); skipped' },
    ]);
  });
});
