/**
 * Turns one received hits message into a row to store, or a reason to refuse it (pure). The
 * payload must pass the contract schema (src/mqtt/contract/hit.ts) and name the same agency and
 * device as its topic: a device cannot file hits under another device's name.
 */
import { decodeMessage } from '../mqtt/contract/decode.ts';
import { hitMessageSchema, type HitMessage } from '../mqtt/contract/hit.ts';
import { parseDeviceTopic } from '../mqtt/topics.ts';

/** A hit as the central store keeps it: the main fields as columns, plus the whole message. */
export interface CentralHit {
  id: string;
  agency: string;
  device: string;
  camera: string;
  /** Capture time, ms since the epoch. */
  capturedAt: number;
  plate: string;
  confidence: number;
  list: string;
  matchRule: string;
  entryId: string;
  caseNumber: string | null;
  reason: string | null;
  lat: number | null;
  lon: number | null;
  /** When this receiver stored it, ms since the epoch. */
  receivedAt: number;
  /** The receiver that stored it (config receiver.name). */
  receiver: string;
  /** The message as received (validated JSON text, images and any newer fields included). */
  message: string;
}

function hasNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (Array.isArray(v)) return v.some(hasNul);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasNul);
  return false;
}

export type Intake = { ok: true; hit: CentralHit } | { ok: false; reason: string; id?: string };

export function intakeHit(prefix: string, topic: string, payload: Buffer | string, receivedAt: number, receiver: string): Intake {
  const where = parseDeviceTopic(prefix, topic);
  if (!where || where.kind !== 'hits') return { ok: false, reason: `topic ${JSON.stringify(topic)} is not <prefix>/<agency>/<device>/hits under "${prefix}"` };
  const decoded = decodeMessage(hitMessageSchema, payload);
  if (!decoded.ok) return { ok: false, reason: decoded.error };
  const m: HitMessage = decoded.value;
  // Valid JSON, but neither PostgreSQL text nor jsonb can keep it; refused rather than retried forever.
  if (hasNul(m)) return { ok: false, id: m.id, reason: 'a text field holds a NUL character (U+0000)' };
  if (m.agency !== where.agency || m.device !== where.device) {
    return { ok: false, id: m.id, reason: `message is from ${m.agency}/${m.device} but was published on ${where.agency}/${where.device}'s topic` };
  }
  return {
    ok: true,
    hit: {
      id: m.id,
      agency: m.agency,
      device: m.device,
      camera: m.camera,
      capturedAt: Date.parse(m.time),
      plate: m.plate,
      confidence: m.confidence,
      list: m.match.list,
      matchRule: m.match.rule,
      entryId: m.match.entryId,
      caseNumber: m.match.caseNumber,
      reason: m.match.reason,
      lat: m.gps?.lat ?? null,
      lon: m.gps?.lon ?? null,
      receivedAt,
      receiver,
      message: typeof payload === 'string' ? payload : payload.toString('utf8'),
    },
  };
}
