/**
 * `<prefix>/<agency>/<device>/ack` — central → device, QoS 1, not retained. Says which hits the
 * receiver has stored durably; the device then stops re-publishing them. Ids the device does not
 * know (already acknowledged, purged) are ignored.
 */
import { z } from 'zod';
import { isoTime, versionField } from './common.ts';

export const MAX_ACK_IDS = 1000;

export const ackMessageSchema = z
  .object({
    v: versionField,
    ids: z.array(z.string().min(1).max(64)).min(1).max(MAX_ACK_IDS).describe(`Hit ids stored by the receiver (1..${MAX_ACK_IDS}).`),
    receiver: z.string().min(1).max(200).describe('Who stored them (the receiver\'s name; for logs).'),
    at: isoTime.describe('When the receiver committed them.'),
  })
  .describe('Acknowledgement of stored hits, published by the central receiver on .../ack (QoS 1).');

export type AckMessage = z.infer<typeof ackMessageSchema>;
