/** The optional `.../reads` message for a pass's final read (pure; contract: src/mqtt/contract/reads.ts). */
import { CONTRACT_VERSION } from '../mqtt/contract/common.ts';
import type { ReadMessage } from '../mqtt/contract/reads.ts';
import type { PlateCandidate } from '../ocr/types.ts';

export interface ReadMessageInput {
  detectionId: string;
  passId?: string | null;
  capturedAt: number;
  device: string;
  agency: string;
  camera: string;
  plate: string;
  confidence: number;
  candidates?: PlateCandidate[];
  hitIds: string[];
}

export function buildReadMessage(i: ReadMessageInput): ReadMessage {
  return {
    v: CONTRACT_VERSION,
    id: i.detectionId,
    passId: i.passId ?? null,
    time: new Date(i.capturedAt).toISOString(),
    device: i.device,
    agency: i.agency,
    camera: i.camera,
    plate: i.plate,
    confidence: i.confidence,
    candidates: i.candidates ?? [],
    hits: i.hitIds,
  };
}
