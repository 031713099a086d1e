/** Hot-list errors: code HOTLIST_INVALID for callers that branch on AlprError codes, `reason` for finer ones. */
import { AlprError } from '../errors.ts';

export type HotlistErrorReason =
  /** A local entry breaks the policy (missing field, wrong state for the action). */
  | 'POLICY'
  | 'NOT_FOUND'
  /** A synced/pushed list carried no signature. */
  | 'UNSIGNED'
  /** The signature does not verify with the configured key (tampered, or another signer). */
  | 'BAD_SIGNATURE'
  /** The signed envelope or manifest is malformed. */
  | 'BAD_ENVELOPE'
  /** A delta's base version is not the version in force. */
  | 'VERSION_MISMATCH'
  /** The list was parsed and refused (bad lines in all-or-nothing mode, fatal file). */
  | 'REJECTED'
  /** The HTTP fetch failed. */
  | 'FETCH_FAILED';

export class HotlistError extends AlprError {
  readonly reason: HotlistErrorReason;

  constructor(reason: HotlistErrorReason, message: string, options?: { cause?: unknown }) {
    super('HOTLIST_INVALID', message, options);
    this.name = 'HotlistError';
    this.reason = reason;
  }
}

export function isHotlistError(err: unknown, reason?: HotlistErrorReason): err is HotlistError {
  return err instanceof HotlistError && (reason === undefined || err.reason === reason);
}
