/** Input shapes shared by several routes. */
import { z } from 'zod';

/** Row ids (UUIDv7 here; other generators' ids stay within this alphabet). */
export const idParam = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id of letters, digits, "-" or "_"') });

export const limitQuery = (max: number, fallback: number) =>
  z.strictObject({ limit: z.coerce.number().int().min(1).max(max).default(fallback) });
