/**
 * Searches and exports must say why (purpose) and for which case (case number) before they run
 * (pure). Other actions may carry them and need not.
 */
import { AlprError } from '../errors.ts';
import { AuditAction } from './actions.ts';

export const NEEDS_PURPOSE_AND_CASE: ReadonlySet<string> = new Set([AuditAction.search, AuditAction.export]);
export const MAX_PURPOSE_CHARS = 500;
export const MAX_CASE_CHARS = 64;

export interface Justification {
  purpose: string;
  caseNumber: string;
}

const blank = (v: string | null | undefined): boolean => v === null || v === undefined || v.trim() === '';

/**
 * Returns the trimmed purpose and case number, or throws AlprError PURPOSE_REQUIRED naming what
 * is missing. For actions that need neither, missing values come back as ''.
 */
export function requirePurpose(action: string, purpose: string | null | undefined, caseNumber: string | null | undefined): Justification {
  if (NEEDS_PURPOSE_AND_CASE.has(action)) {
    const missing = [blank(purpose) ? 'a purpose' : null, blank(caseNumber) ? 'a case number' : null].filter((x) => x !== null);
    if (missing.length > 0) throw new AlprError('PURPOSE_REQUIRED', `${action} needs ${missing.join(' and ')}`);
  }
  const p = (purpose ?? '').trim();
  const c = (caseNumber ?? '').trim();
  if (p.length > MAX_PURPOSE_CHARS) throw new AlprError('PURPOSE_REQUIRED', `purpose is longer than ${MAX_PURPOSE_CHARS} characters`);
  if (c.length > MAX_CASE_CHARS) throw new AlprError('PURPOSE_REQUIRED', `case number is longer than ${MAX_CASE_CHARS} characters`);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(c)) throw new AlprError('PURPOSE_REQUIRED', 'case number holds control characters');
  return { purpose: p, caseNumber: c };
}
