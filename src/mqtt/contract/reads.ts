/**
 * `<prefix>/<agency>/<device>/reads` — device → central, QoS 0, not retained; off by default
 * (mqtt.publishReads). One message per vehicle pass's final read, hit or not; no images. Best
 * effort: not kept in the outbox, so reads made while disconnected are not sent.
 */
import { z } from 'zod';
import { plateCandidateSchema } from './hit.ts';
import { idField, isoTime, versionField } from './common.ts';

export const readMessageSchema = z
  .object({
    v: versionField,
    id: z.string().min(1).max(64).describe('The detection id.'),
    passId: z.string().min(1).max(64).nullable(),
    time: isoTime,
    device: idField,
    agency: idField,
    camera: idField,
    plate: z.string().max(16).describe('Normalised A-Z0-9 (may be empty when the pass was unreadable).'),
    confidence: z.number().min(0).max(1),
    candidates: z.array(plateCandidateSchema).max(32),
    hits: z.array(z.string().min(1).max(64)).describe('Ids of the hits this read produced (their messages are on .../hits).'),
  })
  .describe('A final pass read on .../reads (QoS 0, optional).');

export type ReadMessage = z.infer<typeof readMessageSchema>;
