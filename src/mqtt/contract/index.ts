/** The MQTT wire contract: one zod schema per message (docs/mqtt.md, docs/mqtt-schema/*.json). */
import type { z } from 'zod';
import { ackMessageSchema } from './ack.ts';
import { heartbeatMessageSchema } from './heartbeat.ts';
import { hitMessageSchema } from './hit.ts';
import { readMessageSchema } from './reads.ts';
import { statusMessageSchema } from './status.ts';

export * from './ack.ts';
export * from './common.ts';
export * from './decode.ts';
export * from './heartbeat.ts';
export * from './hit.ts';
export * from './reads.ts';
export * from './status.ts';

/** Every message schema, by the topic kind it travels on (also the JSON Schema file names). */
export const contractSchemas: Record<'hit' | 'ack' | 'status' | 'heartbeat' | 'read', z.ZodType> = {
  hit: hitMessageSchema,
  ack: ackMessageSchema,
  status: statusMessageSchema,
  heartbeat: heartbeatMessageSchema,
  read: readMessageSchema,
};
