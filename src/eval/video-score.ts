/**
 * Scores the reads of a video against its vehicle passes (pure). A read belongs to the pass
 * its frames overlap most (ties: the pass whose plate it equals, then the earlier pass); a read
 * overlapping no pass is a false read. A pass is correct when exactly one read belongs to it and
 * that read equals its plate; every further read of a pass is a duplicate.
 */
export interface TruthPass {
  plate: string;
  firstFrame: number;
  lastFrame: number;
}

export interface VideoRead {
  text: string;
  firstFrame: number;
  lastFrame: number;
  /** The pass's voted confidence (0..1), when the run recorded it: the plate gate's `minVoteConfidence` is judged on it. */
  vote?: number;
  /** The tracker's id of the pass, when the run recorded it. */
  trackId?: string;
}

export interface VideoScore {
  vehicles: number;
  reads: number;
  correct: number;
  duplicates: number;
  missed: number;
  falseReads: number;
}

/** Parses `plate,first_frame,last_frame` (header required); throws naming the bad line. */
export function parseTruthCsv(text: string, file = 'truth'): TruthPass[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').trim().toLowerCase().replace(/\s/g, '');
  if (header !== 'plate,first_frame,last_frame') throw new Error(`${file}:1: header must be plate,first_frame,last_frame`);
  const passes: TruthPass[] = [];
  lines.slice(1).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const [plate, first, last, ...extra] = line.split(',').map((c) => c.trim());
    const firstFrame = Number(first);
    const lastFrame = Number(last);
    if (!plate || extra.length > 0 || !Number.isInteger(firstFrame) || !Number.isInteger(lastFrame) || firstFrame < 0 || lastFrame < firstFrame) {
      throw new Error(`${file}:${i + 2}: expected plate,first_frame,last_frame with 0 <= first <= last`);
    }
    passes.push({ plate: plate.toUpperCase().replace(/[^A-Z0-9]/g, ''), firstFrame, lastFrame });
  });
  return passes;
}

function overlap(a: { firstFrame: number; lastFrame: number }, b: { firstFrame: number; lastFrame: number }): number {
  return Math.max(0, Math.min(a.lastFrame, b.lastFrame) - Math.max(a.firstFrame, b.firstFrame) + 1);
}

/** The index of the truth pass a read belongs to (most frames shared; a tie goes to the pass whose plate it reads), or -1. */
export function passOf(passes: readonly TruthPass[], read: VideoRead): number {
  let best = -1;
  let bestOverlap = 0;
  passes.forEach((pass, i) => {
    const o = overlap(pass, read);
    if (o === 0) return;
    const better = o > bestOverlap || (o === bestOverlap && best >= 0 && pass.plate === read.text && passes[best]?.plate !== read.text);
    if (better) {
      best = i;
      bestOverlap = o;
    }
  });
  return best;
}

export function scoreVideo(passes: readonly TruthPass[], reads: readonly VideoRead[]): VideoScore {
  const byPass: VideoRead[][] = passes.map(() => []);
  let falseReads = 0;
  for (const read of reads) {
    const best = passOf(passes, read);
    if (best < 0) falseReads++;
    else byPass[best]?.push(read);
  }
  let correct = 0;
  let duplicates = 0;
  let missed = 0;
  byPass.forEach((own, i) => {
    if (own.length === 0) missed++;
    duplicates += Math.max(0, own.length - 1);
    if (own.length === 1 && own[0]?.text === passes[i]?.plate) correct++;
  });
  return { vehicles: passes.length, reads: reads.length, correct, duplicates, missed, falseReads };
}
