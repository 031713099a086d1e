/**
 * Builds the hit message published to `<prefix>/<agency>/<device>/hits` (pure). Its shape is the
 * contract's (src/mqtt/contract/hit.ts); a test parses every built message with that schema.
 */
import type { HotlistMatch } from '../hotlist/types.ts';
import { CONTRACT_VERSION } from '../mqtt/contract/common.ts';
import { HIT_NOTICE, type HitGps, type HitMessage, type HitMessageMatch } from '../mqtt/contract/hit.ts';
import type { PlateCandidate } from '../ocr/types.ts';
import { hasPosition, type DetectionPosition } from '../store/position.ts';

export { HIT_NOTICE, type HitMessage, type HitMessageMatch };

/** A reduced JPEG of the whole frame (hit-frame.ts). */
export interface HitFrameImage {
  jpeg: Buffer;
  width: number;
  height: number;
}

export interface HitMessageInput {
  hitId: string;
  /** The vehicle pass (track id), when known. */
  passId?: string | null;
  capturedAt: number;
  device: string;
  agency: string;
  camera: string;
  plate: string;
  confidence: number;
  candidates: PlateCandidate[];
  match: HotlistMatch;
  cropJpeg: Buffer | null;
  /** The reduced full frame, when one was made. */
  frame?: HitFrameImage | null;
  /** The detection's stored position (src/store/position.ts); null or absent: none. */
  position?: DetectionPosition | null;
}

export function buildHitMessage(i: HitMessageInput): HitMessage {
  return {
    v: CONTRACT_VERSION,
    id: i.hitId,
    passId: i.passId ?? null,
    time: new Date(i.capturedAt).toISOString(),
    device: i.device,
    agency: i.agency,
    camera: i.camera,
    plate: i.plate,
    confidence: i.confidence,
    candidates: i.candidates,
    match: messageMatch(i.match, i.plate),
    gps: messageGps(i.position ?? null, i.capturedAt),
    crop: i.cropJpeg ? { mime: 'image/jpeg', base64: i.cropJpeg.toString('base64') } : null,
    frame: i.frame ? { mime: 'image/jpeg', base64: i.frame.jpeg.toString('base64'), width: i.frame.width, height: i.frame.height } : null,
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

/** The stored position as the message's `gps`; null when the read has no position ('none', 'stale' or no GPS). */
export function messageGps(p: DetectionPosition | null, capturedAt: number): HitGps | null {
  if (p === null || !hasPosition(p)) return null;
  const ageMs = p.fixAgeMs ?? null;
  return {
    lat: p.lat,
    lon: p.lon,
    fixTime: new Date(capturedAt - (ageMs ?? 0)).toISOString(),
    quality: {
      fixType: p.fixType,
      hdop: p.hdop ?? null,
      satellites: p.satellites ?? null,
      ageMs,
      source: p.fixType === 'surveyed' ? 'surveyed' : 'serial',
    },
    speedMps: p.speedMps ?? null,
    headingDeg: p.headingDeg ?? null,
  };
}
