/**
 * Live hits for the officer's page: the daemon's pass recorder publishes every recorded hit here
 * (wired in app.ts), and each open `GET /api/hits/stream` subscribes. Only ids and the summary
 * go out; the images and details are fetched through their own (access-checked, audited) routes.
 */
import type { ReadEvent } from '../app/pass-recorder.ts';

export interface LiveHit {
  hitId: string;
  detectionId: string;
  cameraId: string;
  capturedAt: number;
  plate: string;
  list: string;
  reason: string | null;
  caseNumber: string | null;
  matchRule: string;
  stale: boolean;
}

export type LiveHitListener = (hit: LiveHit) => void;

/** The hits of one recorded read, in the stream's shape (pure). */
export function liveHitsOf(event: Pick<ReadEvent, 'detectionId' | 'cameraId' | 'capturedAt' | 'hits'>): LiveHit[] {
  return event.hits.map((h) => ({
    hitId: h.id,
    detectionId: event.detectionId,
    cameraId: event.cameraId,
    capturedAt: event.capturedAt,
    plate: h.plate,
    list: h.list,
    reason: h.reason,
    caseNumber: h.caseNumber,
    matchRule: h.matchRule,
    stale: h.stale,
  }));
}

/** One server-sent event (pure). JSON never holds a raw newline, so one `data:` line suffices. */
export function sseEvent(name: string, data: unknown, id?: string): string {
  const lines = [`event: ${name}`];
  if (id !== undefined) lines.push(`id: ${id}`);
  lines.push(`data: ${JSON.stringify(data)}`);
  return `${lines.join('\n')}\n\n`;
}

export class HitEventHub {
  private readonly listeners = new Set<LiveHitListener>();

  /** Returns the unsubscribe function. */
  subscribe(listener: LiveHitListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  publish(event: Pick<ReadEvent, 'detectionId' | 'cameraId' | 'capturedAt' | 'hits'>): void {
    for (const hit of liveHitsOf(event)) {
      for (const listener of this.listeners) {
        // One broken stream must not keep the hit from the others.
        try {
          listener(hit);
        } catch {
          this.listeners.delete(listener);
        }
      }
    }
  }
}
