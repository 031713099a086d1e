/** `<prefix>/<agency>/<device>/heartbeat` — device → anyone, QoS 0, not retained, every mqtt.heartbeatS seconds. */
import { z } from 'zod';
import { idField, isoTime, versionField } from './common.ts';

export const heartbeatMessageSchema = z
  .object({
    v: versionField,
    device: idField,
    agency: idField,
    at: isoTime,
    uptimeS: z.number().min(0).describe('Seconds since the daemon started.'),
    outbox: z.object({
      pending: z.int().min(0).describe('Hits not yet acknowledged by the broker.'),
      unacked: z.int().min(0).describe('Hits sent but not acknowledged by the central receiver.'),
    }),
  })
  .describe('Liveness beat on .../heartbeat (QoS 0).');

export type HeartbeatMessage = z.infer<typeof heartbeatMessageSchema>;
