/**
 * `<prefix>/<agency>/<device>/hits` — device → central, QoS 1, not retained. One message per hit
 * (a plate read that matched a hot-list entry). `id` is stable across retries and restarts: a
 * receiver stores each id once and acknowledges it (ack.ts).
 */
import { z } from 'zod';
import { idField, isoTime, jpegField, versionField } from './common.ts';

export const HIT_NOTICE = 'Informational only: verify the plate visually against the image and confirm with dispatch before taking action.';

const plateText = z.string().min(1).max(16).regex(/^[A-Z0-9]+$/, 'normalised A-Z0-9');

export const plateCandidateSchema = z.object({
  text: z.string().max(16).describe('An alternative reading, normalised A-Z0-9.'),
  confidence: z.number().min(0).max(1),
});

export const hitMatchSchema = z
  .object({
    entryId: z.string().min(1).max(200).describe('The hot-list entry that matched.'),
    list: z.string().min(1).max(200).describe('The list the entry belongs to, e.g. "stolen".'),
    reason: z.string().max(2000).nullable(),
    caseNumber: z.string().max(200).nullable(),
    rule: z.enum(['exact', 'confusable', 'partial']).describe('How the read matched the entry.'),
    matchedText: z.string().max(16).optional().describe('The text that matched: the read, or one of its alternatives.'),
    swaps: z
      .array(z.object({ at: z.int().min(0), read: z.string().length(1), entry: z.string().length(1) }))
      .max(16)
      .optional()
      .describe('Confusable characters swapped to make the match (position in matchedText).'),
    stale: z.boolean().optional().describe('True when the entry\'s list was older than its configured maximum age.'),
    entryPlate: z.string().max(32).optional().describe('The entry\'s plate (may hold * and ?) when it differs from the read.'),
    vehicle: z
      .object({
        year: z.int().nullable(),
        make: z.string().max(200).nullable(),
        model: z.string().max(200).nullable(),
        colour: z.string().max(200).nullable(),
        description: z.string().max(2000).nullable().optional(),
      })
      .optional()
      .describe('What the list says about the vehicle.'),
  })
  .describe('The hot-list entry the read matched.');

export const GPS_FIX_TYPES = ['2d', '3d', 'dgps', 'rtk', 'rtk-float', 'estimated', 'surveyed'] as const;

export const hitGpsSchema = z
  .object({
    lat: z.number().min(-90).max(90).describe('WGS84 degrees, north positive.'),
    lon: z.number().min(-180).max(180).describe('WGS84 degrees, east positive.'),
    fixTime: isoTime.describe('Time of the fix used (capture time − ageMs; the device keeps the distance, not the sign).'),
    quality: z.object({
      fixType: z.enum(GPS_FIX_TYPES),
      hdop: z.number().min(0).nullable(),
      satellites: z.int().min(0).nullable(),
      ageMs: z.number().min(0).nullable().describe('|capture time − fix time| in ms; 0 for a surveyed position.'),
      source: z.enum(['serial', 'surveyed']).describe('A live receiver, or the configured position of a fixed install.'),
    }),
    speedMps: z.number().min(0).nullable(),
    headingDeg: z.number().min(0).lt(360).nullable(),
  })
  .describe('Where the plate was read; null when the device had no usable fix (no GPS, no fix, or none near the capture time).');

export const hitMessageSchema = z
  .object({
    v: versionField,
    id: z.string().min(1).max(64).describe('The hit id (UUIDv7): stable across retries, the de-duplication key.'),
    passId: z.string().min(1).max(64).nullable().describe('The vehicle pass (track) the read came from; null when unknown.'),
    time: isoTime.describe('Capture time of the frame the plate was read from.'),
    device: idField,
    agency: idField,
    camera: idField,
    plate: plateText.describe('The plate as read, normalised A-Z0-9.'),
    confidence: z.number().min(0).max(1),
    candidates: z.array(plateCandidateSchema).max(32).describe('Alternative readings, best first.'),
    match: hitMatchSchema,
    gps: hitGpsSchema.nullable(),
    crop: jpegField.nullable().describe('The plate crop, JPEG; null when none was kept.'),
    frame: jpegField
      .extend({ width: z.int().min(1).max(4096), height: z.int().min(1).max(4096) })
      .nullable()
      .describe('The whole frame the plate was read from, reduced (at most 640 px wide), JPEG; null when not available.'),
    notice: z.string().min(1).max(500).describe('A reminder that the hit must be confirmed before action.'),
  })
  .describe('A hot-list hit, published by the device on .../hits (QoS 1).');

export type HitMessage = z.infer<typeof hitMessageSchema>;
export type HitMessageMatch = z.infer<typeof hitMatchSchema>;
export type HitGps = z.infer<typeof hitGpsSchema>;
export type HitFrame = NonNullable<HitMessage['frame']>;
