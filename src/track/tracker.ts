/**
 * Per-camera plate tracker: groups reads across frames into one track per vehicle pass and
 * reports a lifecycle like Frigate's events. A pure state machine: every time is passed in (ms
 * since the Unix epoch, non-decreasing), there are no timers and no clock reads.
 *
 * Events, per track and in this order: `new` (once, when the track has `minFrames` frames),
 * `update` (voted text changed or confidence moved by `updateConfidenceDelta`), `firstConfident`
 * (once, when the track's last `confidentMinFrames` reads all give the same text, each with at
 * least `confidentConfidence`; its `vote` is the vote over those reads),
 * then exactly one of `end`, `merged` or `dropped` (when unseen for longer than `maxGapMs`, or on
 * flush). A track that never reached `minFrames` emits nothing at all. With `plateGate` set, a
 * track that does not look like a plate (plate-gate.ts) ends `dropped` instead of `end`/`merged`
 * and never fires `firstConfident` while it does not look like one.
 *
 * Association: each open track predicts its box at the frame time (constant velocity from its
 * last two boxes). A read may join a track when their IoU is at least `minIou`, or when its text
 * is at least `minTextSimilarity` like the track's voted text and it lies within
 * `maxJumpWidths` predicted box widths (re-joining after an occlusion). Pairs are assigned
 * greedily by score = iouWeight × IoU + (1 − iouWeight) × text similarity.
 */
import type { Box, PlateRead } from '../ocr/types.ts';
import { textSimilarity } from './align.ts';
import { boxArea, centre, iou, predictBox, type TimedBox } from './box.ts';
import { judgeTrack, looksLikePlate, type GateVerdict, type PlateGateOptions } from './plate-gate.ts';
import { voteTrack, type Observation, type Vote, type VoteOptions } from './vote.ts';

/** A read as the tracker takes it: a PlateRead plus what the caller may know about it. */
export interface TrackerRead extends PlateRead {
  /** 0..1 per character of `text`, when the reader supplies them. */
  charConfidences?: readonly number[];
  /** Caller's image sharpness score (any non-negative scale, larger = sharper) for choosing the best frame. */
  sharpness?: number;
  /** Opaque caller data carried with the observation (e.g. the plate's pixels for the best crop). */
  ref?: unknown;
}

export interface TrackObservation extends Observation {
  sharpness?: number;
  ref?: unknown;
}

export interface TrackerOptions {
  /** A track ends once no read has joined it for longer than this, in ms. Default 1500. */
  maxGapMs: number;
  /** Least IoU (0..1) between a read and a track's predicted box to join by position. Default 0.1. */
  minIou: number;
  /** Least text similarity (0..1, 1 − normalised edit distance) to join by text alone. Default 0.7. */
  minTextSimilarity: number;
  /** A join by text alone must lie within this many predicted box widths of the predicted centre. Default 4. */
  maxJumpWidths: number;
  /** Weight (0..1) of IoU against text similarity in the association score. Default 0.5. */
  iouWeight: number;
  /** Frames a track needs before it emits anything; shorter tracks (noise) vanish silently. Default 1. */
  minFrames: number;
  /**
   * Confidence (0..1) each of the last `confidentMinFrames` reads needs for `firstConfident`. Default 0.8.
   * Agreement of the latest reads, not the whole pass's vote: one misread as the plate enters the
   * frame held a whole-pass vote under 0.8 for 6 more frames; replayed over the frame readings of
   * 34 scene videos, the latest-reads rule fired on 32 passes, 75 % right, at frame 2.2, the
   * whole-pass vote on 28, 68 %, frame 3.2 (docs/accuracy.md).
   */
  confidentConfidence: number;
  /** Consecutive agreeing reads `firstConfident` needs. Default 2 (each frame waited delays a hit by one read). */
  confidentMinFrames: number;
  /** `update` is emitted when the voted text changes or its confidence moves by at least this (0..1) since the last event. Default 0.05. */
  updateConfidenceDelta: number;
  /** A track whose final text equals that of a track that ended on this camera at most this long (ms) before it began is `merged`. Default 10000. */
  mergeWindowMs: number;
  /** Observations kept per track for voting; past this the least confident is dropped. Default 60. */
  maxObservations: number;
  /** Options for the vote. */
  vote: Partial<VoteOptions>;
  /** Drops tracks that do not look like a plate (see plate-gate.ts); null keeps every track. Default null. */
  plateGate: PlateGateOptions | null;
}

export const defaultTrackerOptions: Readonly<TrackerOptions> = Object.freeze({
  maxGapMs: 1500,
  minIou: 0.1,
  minTextSimilarity: 0.7,
  maxJumpWidths: 4,
  iouWeight: 0.5,
  minFrames: 1,
  confidentConfidence: 0.8,
  confidentMinFrames: 2,
  updateConfidenceDelta: 0.05,
  mergeWindowMs: 10_000,
  maxObservations: 60,
  vote: {},
  plateGate: null,
});

/** What every event says about its track. */
export interface TrackSnapshot {
  trackId: string;
  /** Time of the call that produced the event (ms). */
  time: number;
  vote: Vote;
  /** Frames in which the track was seen. */
  frames: number;
  /** Frame time of the first and last read (ms). */
  firstSeen: number;
  lastSeen: number;
  /** Box of the last read. */
  box: Box;
}

export interface TrackFinal extends TrackSnapshot {
  /** Largest box area × sharpness (or × confidence when no sharpness was given). */
  best: TrackObservation;
}

export type TrackEvent =
  | ({ type: 'new' } & TrackSnapshot)
  | ({ type: 'update' } & TrackSnapshot)
  | ({ type: 'firstConfident'; best: TrackObservation } & TrackSnapshot)
  | ({ type: 'end' } & TrackFinal)
  | ({ type: 'merged'; mergedInto: string } & TrackFinal)
  | ({ type: 'dropped'; reason: Exclude<GateVerdict, { plate: true }>['reason'] } & TrackFinal);

interface Track {
  id: string;
  observations: TrackObservation[];
  frames: number;
  /** Frames whose reading looked like a plate (counted only with a plate gate). */
  plateFrames: number;
  firstSeen: number;
  last: TimedBox;
  /** The box before `last`, for the velocity. */
  prev?: TimedBox;
  /** Set by the first `addRead`. */
  best?: TrackObservation;
  bestScore: number;
  vote: Vote;
  /** The last `confidentMinFrames` observations, oldest first. */
  recent: TrackObservation[];
  /** What the last event said; unset until `new` was emitted. */
  emitted?: { text: string; confidence: number };
  confident: boolean;
}

interface Ended {
  rootId: string;
  text: string;
  lastSeen: number;
}

function bestScore(o: TrackObservation): number {
  return boxArea(o.box) * (o.sharpness ?? o.confidence);
}

function observe(read: TrackerRead, at: number): TrackObservation {
  const o: TrackObservation = { text: read.text, confidence: read.confidence, candidates: read.candidates, box: read.box, capturedAt: at };
  if (read.charConfidences !== undefined) o.charConfidences = read.charConfidences;
  if (read.sharpness !== undefined) o.sharpness = read.sharpness;
  if (read.ref !== undefined) o.ref = read.ref;
  return o;
}

/** Ids `${prefix}1`, `${prefix}2`, … for the tracker's `nextId`. */
export function sequentialIds(prefix = 'track-'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

export class PlateTracker {
  private readonly opts: TrackerOptions;
  private readonly open: Track[] = [];
  private ended: Ended[] = [];

  /** `nextId` must return a new unique id on each call. */
  constructor(
    private readonly nextId: () => string,
    options: Partial<TrackerOptions> = {},
  ) {
    this.opts = { ...defaultTrackerOptions, ...options };
  }

  /** Open tracks (for diagnostics). */
  get openTracks(): number {
    return this.open.length;
  }

  /** Feeds one frame's reads taken at `frameTime` (ms); ends tracks unseen for too long first. */
  update(frameTime: number, reads: readonly TrackerRead[]): TrackEvent[] {
    const events = this.tick(frameTime);
    const touched = new Set<Track>();
    const taken = new Set<number>();
    for (const [trackIndex, readIndex] of this.associate(frameTime, reads)) {
      const track = this.open[trackIndex] as Track;
      this.addRead(track, reads[readIndex] as TrackerRead, frameTime);
      touched.add(track);
      taken.add(readIndex);
    }
    reads.forEach((read, index) => {
      if (taken.has(index)) return;
      const track: Track = {
        id: this.nextId(), observations: [], frames: 0, plateFrames: 0, firstSeen: frameTime, last: { box: read.box, at: frameTime },
        bestScore: -1, vote: voteTrack([]), confident: false, recent: [],
      };
      this.addRead(track, read, frameTime);
      this.open.push(track);
      touched.add(track);
    });
    for (const track of this.open) if (touched.has(track)) events.push(...this.progress(track, frameTime));
    return events;
  }

  /** Ends tracks unseen for longer than `maxGapMs` at `now` (ms). */
  tick(now: number): TrackEvent[] {
    const events: TrackEvent[] = [];
    const keep: Track[] = [];
    for (const track of this.open) {
      if (now - track.last.at > this.opts.maxGapMs) this.finish(track, now, events);
      else keep.push(track);
    }
    this.open.splice(0, this.open.length, ...keep);
    this.prune(now);
    return events;
  }

  /** Ends every open track now (shutdown, end of a replay). */
  flush(now: number): TrackEvent[] {
    const events: TrackEvent[] = [];
    for (const track of this.open) this.finish(track, now, events);
    this.open.length = 0;
    this.prune(now);
    return events;
  }

  /** Greedy assignment by score over gated (track, read) pairs; returns [trackIndex, readIndex]. */
  private associate(at: number, reads: readonly TrackerRead[]): [number, number][] {
    const pairs: { t: number; r: number; score: number }[] = [];
    this.open.forEach((track, t) => {
      const predicted = predictBox(track.last, track.prev, at);
      const pc = centre(predicted);
      reads.forEach((read, r) => {
        const overlap = iou(predicted, read.box);
        const similar = track.vote.text.length > 0 && read.text.length > 0 ? textSimilarity(track.vote.text, read.text) : 0;
        const rc = centre(read.box);
        const near = Math.hypot(rc.x - pc.x, rc.y - pc.y) <= this.opts.maxJumpWidths * Math.max(predicted.w, 1);
        if (overlap < this.opts.minIou && !(similar >= this.opts.minTextSimilarity && near)) return;
        pairs.push({ t, r, score: this.opts.iouWeight * overlap + (1 - this.opts.iouWeight) * similar });
      });
    });
    pairs.sort((a, b) => b.score - a.score || a.t - b.t || a.r - b.r);
    const usedTracks = new Set<number>();
    const usedReads = new Set<number>();
    const out: [number, number][] = [];
    for (const p of pairs) {
      if (usedTracks.has(p.t) || usedReads.has(p.r)) continue;
      usedTracks.add(p.t);
      usedReads.add(p.r);
      out.push([p.t, p.r]);
    }
    return out;
  }

  private addRead(track: Track, read: TrackerRead, at: number): void {
    const o = observe(read, at);
    track.prev = track.frames > 0 ? track.last : undefined;
    track.frames++;
    if (this.opts.plateGate && looksLikePlate(read.text, this.opts.plateGate, read.plateScore)) track.plateFrames++;
    track.last = { box: read.box, at };
    const score = bestScore(o);
    if (track.best === undefined || score > track.bestScore) {
      track.best = o;
      track.bestScore = score;
    }
    track.observations.push(o);
    track.recent.push(o);
    if (track.recent.length > Math.max(1, this.opts.confidentMinFrames)) track.recent.shift();
    if (track.observations.length > Math.max(1, this.opts.maxObservations)) {
      let worst = 0;
      track.observations.forEach((x, i) => {
        if (x.confidence < (track.observations[worst] as TrackObservation).confidence) worst = i;
      });
      track.observations.splice(worst, 1);
    }
    track.vote = voteTrack(track.observations, this.opts.vote);
  }

  private snapshot(track: Track, time: number): TrackSnapshot {
    return {
      trackId: track.id,
      time,
      vote: track.vote,
      frames: track.frames,
      firstSeen: track.firstSeen,
      lastSeen: track.last.at,
      box: track.last.box,
    };
  }

  private progress(track: Track, time: number): TrackEvent[] {
    const events: TrackEvent[] = [];
    if (track.frames < this.opts.minFrames) return events;
    const { text, confidence } = track.vote;
    if (track.emitted === undefined) {
      events.push({ type: 'new', ...this.snapshot(track, time) });
      track.emitted = { text, confidence };
    } else if (text !== track.emitted.text || Math.abs(confidence - track.emitted.confidence) >= this.opts.updateConfidenceDelta) {
      events.push({ type: 'update', ...this.snapshot(track, time) });
      track.emitted = { text, confidence };
    }
    if (!track.confident && this.agreed(track) && this.verdict(track).plate) {
      track.confident = true;
      events.push({ type: 'firstConfident', ...this.snapshot(track, time), vote: voteTrack(track.recent, this.opts.vote), best: track.best as TrackObservation });
    }
    return events;
  }

  /** The track's last `confidentMinFrames` reads all give the same text, each at least `confidentConfidence`. */
  private agreed(track: Track): boolean {
    const { recent } = track;
    const first = recent[0];
    return (
      first !== undefined &&
      first.text.length > 0 &&
      recent.length >= Math.max(1, this.opts.confidentMinFrames) &&
      recent.every((o) => o.text === first.text && o.confidence >= this.opts.confidentConfidence)
    );
  }

  private finish(track: Track, now: number, events: TrackEvent[]): void {
    if (track.emitted === undefined) return;
    const final: TrackFinal = { ...this.snapshot(track, now), best: track.best as TrackObservation };
    const verdict = this.verdict(track);
    if (!verdict.plate) {
      // Not stored and not remembered for merging: a sign must not swallow a later plate.
      events.push({ type: 'dropped', reason: verdict.reason, ...final });
      return;
    }
    const text = track.vote.text;
    const earlier =
      text.length > 0 ? this.ended.find((e) => e.text === text && e.lastSeen >= track.firstSeen - this.opts.mergeWindowMs) : undefined;
    if (earlier !== undefined) {
      earlier.lastSeen = Math.max(earlier.lastSeen, track.last.at);
      events.push({ type: 'merged', mergedInto: earlier.rootId, ...final });
    } else {
      events.push({ type: 'end', ...final });
      if (text.length > 0) this.ended.push({ rootId: track.id, text, lastSeen: track.last.at });
    }
  }

  private verdict(track: Track): GateVerdict {
    return this.opts.plateGate ? judgeTrack(track.frames, track.plateFrames, track.vote, this.opts.plateGate) : { plate: true };
  }

  /** Forgets ended tracks that no open or future track could still merge into. */
  private prune(now: number): void {
    const horizon = this.open.reduce((min, t) => Math.min(min, t.firstSeen), now) - this.opts.mergeWindowMs;
    this.ended = this.ended.filter((e) => e.lastSeen >= horizon);
  }
}
