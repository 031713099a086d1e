/** The hit message published to `<prefix>/<agency>/<device>/hits` (pure). */
import type { HotlistMatch } from '../hotlist/types.ts';
import type { PlateCandidate } from '../ocr/types.ts';

export const HIT_NOTICE = 'Informational only: verify the plate visually against the image and confirm with dispatch before taking action.';

export interface HitMessage {
  /** The hit id: stable across retries, so receivers can de-duplicate. */
  id: string;
  /** Capture time, ISO 8601 UTC. */
  time: string;
  device: string;
  agency: string;
  camera: string;
  plate: string;
  confidence: number;
  candidates: PlateCandidate[];
  match: HitMessageMatch;
  crop: { mime: 'image/jpeg'; base64: string } | null;
  notice: string;
}

export interface HitMessageMatch {
  entryId: string;
  list: string;
  reason: string | null;
  caseNumber: string | null;
  /** 'exact' | 'confusable' | 'partial'. */
  rule: string;
  /** The text that matched: the read, or one of the recogniser's alternatives (when the matcher says). */
  matchedText?: string;
  /** Confusable characters swapped to make the match (when the matcher says). */
  swaps?: { at: number; read: string; entry: string }[];
  /** The entry's list was older than its configured maximum age (when the matcher says). */
  stale?: boolean;
  /** The entry's plate (may hold * and ? for a partial entry), when it differs from the read. */
  entryPlate?: string;
  /** What the list says about the vehicle, when it says anything. */
  vehicle?: { year: number | null; make: string | null; model: string | null; colour: string | null; description?: string | null };
}

export interface HitMessageInput {
  hitId: string;
  capturedAt: number;
  device: string;
  agency: string;
  camera: string;
  plate: string;
  confidence: number;
  candidates: PlateCandidate[];
  match: HotlistMatch;
  cropJpeg: Buffer | null;
}

export function buildHitMessage(i: HitMessageInput): HitMessage {
  return {
    id: i.hitId,
    time: new Date(i.capturedAt).toISOString(),
    device: i.device,
    agency: i.agency,
    camera: i.camera,
    plate: i.plate,
    confidence: i.confidence,
    candidates: i.candidates,
    match: messageMatch(i.match, i.plate),
    crop: i.cropJpeg ? { mime: 'image/jpeg', base64: i.cropJpeg.toString('base64') } : null,
    notice: HIT_NOTICE,
  };
}

function messageMatch(m: HotlistMatch, plate: string): HitMessageMatch {
  const out: HitMessageMatch = { entryId: m.entry.id, list: m.entry.list, reason: m.entry.reason, caseNumber: m.entry.caseNumber, rule: m.rule };
  if (m.matchedText !== undefined) out.matchedText = m.matchedText;
  if (m.swaps !== undefined) out.swaps = m.swaps;
  if (m.stale !== undefined) out.stale = m.stale;
  if (m.entry.plate !== plate) out.entryPlate = m.entry.plate;
  if (m.entry.vehicle) out.vehicle = m.entry.vehicle;
  return out;
}
