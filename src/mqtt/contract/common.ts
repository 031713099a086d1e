/** Pieces shared by the MQTT message schemas (the wire contract, see docs/mqtt.md). */
import { z } from 'zod';

/** Every message carries `v`; a receiver refuses a version it does not know. */
export const CONTRACT_VERSION = 1 as const;
export const versionField = z.literal(CONTRACT_VERSION).describe('Contract version; 1 for every message described here.');

/** An ISO 8601 UTC time with milliseconds, e.g. 2026-11-28T19:00:00.000Z. */
export const isoTime = z.iso.datetime({ offset: false }).describe('ISO 8601 UTC time, e.g. 2026-11-28T19:00:00.000Z.');

/** A device, agency or camera id: one MQTT topic level. */
export const idField = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^/#+\s]+$/, 'no "/", "#", "+" or spaces');

/** A JPEG carried inline. */
export const jpegField = z.strictObject({
  mime: z.literal('image/jpeg'),
  base64: z.base64().min(4).describe('The JPEG bytes, base64 (standard alphabet, padded).'),
});
