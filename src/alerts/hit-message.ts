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
  match: { entryId: string; list: string; reason: string | null; caseNumber: string | null; rule: string };
  crop: { mime: 'image/jpeg'; base64: string } | null;
  notice: string;
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
    match: {
      entryId: i.match.entry.id,
      list: i.match.entry.list,
      reason: i.match.entry.reason,
      caseNumber: i.match.entry.caseNumber,
      rule: i.match.rule,
    },
    crop: i.cropJpeg ? { mime: 'image/jpeg', base64: i.cropJpeg.toString('base64') } : null,
    notice: HIT_NOTICE,
  };
}
