import { describe, expect, it } from 'vitest';
import { isPermanentStoreError } from '../../../src/central/store.ts';

describe('isPermanentStoreError', () => {
  it('tells refused rows from failures worth retrying', () => {
    const e = (code: string): Error => Object.assign(new Error(code), { code });
    expect(['22P02', '23502', '22021', 'SQLITE_CONSTRAINT_NOTNULL', 'SQLITE_TOOBIG'].map((c) => isPermanentStoreError(e(c)))).toEqual([true, true, true, true, true]);
    expect(['08006', '57P01', '53100', 'ECONNREFUSED', 'SQLITE_BUSY', 'SQLITE_FULL', 'SQLITE_IOERR'].map((c) => isPermanentStoreError(e(c)))).toEqual([false, false, false, false, false, false, false]);
    expect(isPermanentStoreError(new Error('no code'))).toBe(false);
    expect(isPermanentStoreError(null)).toBe(false);
  });
});
