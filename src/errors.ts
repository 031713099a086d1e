/**
 * Typed errors with stable codes: callers branch on `code`, users read `message`.
 * The CLI prints `message` (never a bare stack trace) and exits non-zero.
 */
export type AlprErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_UNREADABLE'
  | 'MODEL_MISSING'
  | 'MODEL_CHECKSUM'
  | 'MANIFEST_INVALID'
  | 'IMAGE_UNREADABLE'
  | 'VIDEO_UNREADABLE'
  | 'SOURCE_FAILED'
  | 'HOTLIST_INVALID'
  | 'DATASET_INVALID'
  | 'STORE_FAILED'
  | 'STORE_SCHEMA_TOO_NEW'
  | 'MQTT_NOT_CONNECTED'
  | 'MQTT_PUBLISH_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'PURPOSE_REQUIRED'
  | 'RELEASE_INVALID'
  | 'AUDIT_CHAIN_BROKEN'
  | 'USAGE';

export class AlprError extends Error {
  readonly code: AlprErrorCode;

  constructor(code: AlprErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AlprError';
    this.code = code;
  }
}

export function isAlprError(err: unknown, code?: AlprErrorCode): err is AlprError {
  return err instanceof AlprError && (code === undefined || err.code === code);
}
