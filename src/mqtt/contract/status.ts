/**
 * `<prefix>/<agency>/<device>/status` — device → anyone, QoS 1, RETAINED. Published on every
 * connect and when something it reports changes; the MQTT last will (and an orderly stop)
 * publish the same shape with state "offline".
 */
import { z } from 'zod';
import { idField, isoTime, versionField } from './common.ts';

export const outboxStatusSchema = z.object({
  pending: z.int().min(0).describe('Hits not yet acknowledged by the broker (PUBACK).'),
  oldestAgeMs: z.number().min(0).nullable().describe('Age of the oldest hit not yet acknowledged by the central receiver; null when none.'),
  unacked: z.int().min(0).describe('Hits the broker has, but the central receiver has not acknowledged yet.'),
});

export const statusMessageSchema = z
  .object({
    v: versionField,
    device: idField,
    agency: idField,
    state: z.enum(['online', 'offline']),
    at: isoTime.describe('When this status was built (for the last will: when the connection was made).'),
    version: z.string().min(1).max(64).describe('alpr-edge software version.'),
    cameras: z.array(z.object({ id: idField, state: z.string().min(1).max(32) })).max(64),
    outbox: outboxStatusSchema,
    retention: z.object({
      lastSweepAt: isoTime.nullable(),
      deleted: z.int().min(0).describe('Reads deleted by the last sweep.'),
      diskFreeBytes: z.number().min(0).nullable(),
      diskPressure: z.boolean().describe('Free space is below the configured floor.'),
    }),
    gps: z.object({
      fix: z.boolean().describe('A usable fix (or a surveyed position) is available now.'),
      ageMs: z.number().min(0).nullable().describe('Age of the newest fix; null when none.'),
    }),
  })
  .describe('Device status, retained on .../status; the last will carries state "offline".');

export type StatusMessage = z.infer<typeof statusMessageSchema>;
export type OutboxStatus = z.infer<typeof outboxStatusSchema>;
