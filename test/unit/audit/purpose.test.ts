import { describe, expect, it } from 'vitest';
import { requirePurpose } from '../../../src/audit/purpose.ts';
import { isAlprError } from '../../../src/errors.ts';

function error(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    expect(isAlprError(e, 'PURPOSE_REQUIRED')).toBe(true);
    return e as Error;
  }
  throw new Error('did not throw');
}

describe('requirePurpose', () => {
  it('requires a purpose and a case number for searches and exports, naming what is missing', () => {
    expect(error(() => requirePurpose('search', '', 'C-1')).message).toBe('search needs a purpose');
    expect(error(() => requirePurpose('search', 'stolen car', '  ')).message).toBe('search needs a case number');
    expect(error(() => requirePurpose('export', null, undefined)).message).toBe('export needs a purpose and a case number');
    expect(requirePurpose('search', ' stolen car ', ' 26-001 ')).toEqual({ purpose: 'stolen car', caseNumber: '26-001' });
  });

  it('lets other actions go without either', () => {
    expect(requirePurpose('view-image', undefined, null)).toEqual({ purpose: '', caseNumber: '' });
  });

  it('refuses oversized or control-character values', () => {
    expect(error(() => requirePurpose('search', 'x'.repeat(501), 'C')).message).toMatch(/purpose is longer than 500/);
    expect(error(() => requirePurpose('search', 'p', 'C\n1')).message).toMatch(/control characters/);
  });
});
