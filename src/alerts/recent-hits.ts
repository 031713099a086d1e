/**
 * One alert per vehicle, even when its pass splits in two. At a low frame rate (two cameras
 * sharing one reader read each at under 2 fps) or after an occlusion, a plate can move far enough
 * between two reads to start a second track; each track hits once on its first confident reading,
 * so the officer got the same vehicle twice within a second. The tracker merges repeated passes
 * only when they end, after both early hits. This remembers, per camera, which hot-list entries
 * hit which plate text, and lets a match through again only once `windowMs` of capture time has
 * passed. Pure: times are passed in.
 */
import type { HotlistMatch } from '../hotlist/types.ts';

export class RecentHits {
  private readonly last = new Map<string, number>();

  /** `windowMs`: the tracker's merge window (track.mergeWindowMs), the same notion of "the same pass". */
  constructor(private readonly windowMs: number) {}

  /**
   * The matches of `text` on `cameraId` at `capturedAt` (ms) not already hit within the window
   * before it; those returned are remembered as hit at `capturedAt`.
   */
  admit(cameraId: string, text: string, capturedAt: number, matches: readonly HotlistMatch[]): HotlistMatch[] {
    this.prune(capturedAt);
    const out: HotlistMatch[] = [];
    for (const m of matches) {
      const key = `${cameraId}\u0000${m.entry.id}\u0000${text}`;
      const at = this.last.get(key);
      if (at !== undefined && capturedAt - at <= this.windowMs && capturedAt >= at) continue;
      this.last.set(key, capturedAt);
      out.push(m);
    }
    return out;
  }

  /** Undoes admit() for `matches` (their hit could not be stored: a later reading may hit them). */
  forget(cameraId: string, text: string, matches: readonly HotlistMatch[]): void {
    for (const m of matches) this.last.delete(`${cameraId}\u0000${m.entry.id}\u0000${text}`);
  }

  private prune(now: number): void {
    if (this.last.size < 1024) return;
    for (const [k, at] of this.last) if (now - at > this.windowMs) this.last.delete(k);
  }
}
