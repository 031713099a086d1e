/** Parses a received payload against a contract schema (pure): a value, or one line saying what was wrong. */
import type { z } from 'zod';

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** At most this many issues are named in the error line. */
const MAX_ISSUES = 5;

export function decodeMessage<S extends z.ZodType>(schema: S, payload: Buffer | string): Decoded<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
  const r = schema.safeParse(json);
  if (r.success) return { ok: true, value: r.data };
  const issues = r.error.issues.slice(0, MAX_ISSUES).map((i) => `${i.path.length > 0 ? i.path.join('.') : '(message)'}: ${i.message}`);
  const more = r.error.issues.length > MAX_ISSUES ? ` (+${r.error.issues.length - MAX_ISSUES} more)` : '';
  return { ok: false, error: issues.join('; ') + more };
}
