import { describe, expect, it } from 'vitest';
import { predictBox, iou } from '../../../src/track/box.ts';
import { PlateTracker, sequentialIds, type TrackEvent, type TrackerOptions, type TrackerRead } from '../../../src/track/tracker.ts';

function read(text: string, x: number, confidence = 0.9, extra: Partial<TrackerRead> = {}): TrackerRead {
  return { text, confidence, box: { x, y: 100, w: 100, h: 30 }, candidates: [], ...extra };
}

function tracker(options: Partial<TrackerOptions> = {}): PlateTracker {
  return new PlateTracker(sequentialIds('cam1-'), { maxGapMs: 1000, ...options });
}

/** Runs frames (time → reads) through the tracker, then ticks at `endAt`; returns every event. */
function run(t: PlateTracker, frames: [number, TrackerRead[]][], endAt: number): TrackEvent[] {
  const events: TrackEvent[] = [];
  for (const [time, reads] of frames) events.push(...t.update(time, reads));
  events.push(...t.tick(endAt));
  return events;
}

const finals = (events: TrackEvent[]) => events.filter((e) => e.type === 'end' || e.type === 'merged');

describe('box helpers', () => {
  it('computes IoU and predicts at constant velocity', () => {
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 5, y: 0, w: 10, h: 10 })).toBeCloseTo(50 / 150);
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 20, y: 0, w: 10, h: 10 })).toBe(0);
    const last = { box: { x: 40, y: 10, w: 100, h: 30 }, at: 200 };
    expect(predictBox(last, { box: { x: 20, y: 10, w: 100, h: 30 }, at: 100 }, 400)).toEqual({ x: 80, y: 10, w: 100, h: 30 });
    expect(predictBox(last, undefined, 400)).toEqual(last.box);
  });
});

describe('PlateTracker', () => {
  it('keeps two vehicles apart while they cross, by motion and text', () => {
    const frames: [number, TrackerRead[]][] = [];
    for (let i = 0; i < 15; i++) {
      // A drives right, B drives left in the same image row; from the crossing on (i = 6) neither
      // plate is readable, so only predicted motion can tell them apart. A is misread once at i = 3.
      const a = i >= 6 ? '' : i === 3 ? 'AAA1I1' : 'AAA111';
      const b = i >= 6 ? '' : 'BBB222';
      frames.push([i * 100, [read(a, 40 * i, 0.8), read(b, 580 - 40 * i, 0.85)]]);
    }
    const events = run(tracker(), frames, 5000);
    const ends = finals(events);
    expect(ends.map((e) => [e.type, e.trackId, e.vote.text, e.frames, e.box.x])).toEqual([
      ['end', 'cam1-1', 'AAA111', 15, 560],
      ['end', 'cam1-2', 'BBB222', 15, 20],
    ]);
    expect(events.filter((e) => e.type === 'new').map((e) => e.trackId)).toEqual(['cam1-1', 'cam1-2']);
  });

  it('lets an occluded plate re-join its track by predicted motion', () => {
    const t = tracker();
    const frames: [number, TrackerRead[]][] = [];
    // 80 px per frame, hidden for five frames: it reappears 480 px on, beyond a text-only join.
    for (let i = 0; i < 12; i++) if (i < 4 || i > 8) frames.push([i * 100, [read('CD5678', 80 * i)]]);
    const events = run(t, frames, 5000);
    expect(events.filter((e) => e.type === 'new')).toHaveLength(1);
    expect(finals(events)).toMatchObject([{ type: 'end', trackId: 'cam1-1', frames: 7 }]);
  });

  it('lets a read with similar text re-join after an occlusion where boxes no longer overlap', () => {
    // Vehicle stopped behind a truck: the reappearing box is 250 px from the prediction.
    const frames: [number, TrackerRead[]][] = [
      [0, [read('EF9012', 0)]],
      [100, [read('EF9012', 0)]],
      [600, [read('EF9O12', 250)]],
      [700, [read('EF9012', 250)]],
    ];
    const ends = finals(run(tracker(), frames, 5000));
    expect(ends).toMatchObject([{ type: 'end', trackId: 'cam1-1', frames: 4, vote: { text: 'EF9012' } }]);
    // A different plate at the same spot is a different vehicle.
    const other = finals(run(tracker(), [[0, [read('EF9012', 0)]], [600, [read('ZZ4455', 250)]]], 5000));
    expect(other.map((e) => e.vote.text)).toEqual(['EF9012', 'ZZ4455']);
    // Similar text far beyond maxJumpWidths × box width is another vehicle too.
    const far = finals(run(tracker(), [[0, [read('EF9012', 0)]], [100, [read('EF9O12', 1000)]]], 5000));
    expect(far.map((e) => [e.trackId, e.vote.text])).toEqual([
      ['cam1-1', 'EF9012'],
      ['cam1-2', 'EF9O12'],
    ]);
  });

  it('ends a track only once it has been unseen for longer than maxGapMs', () => {
    const t = tracker({ maxGapMs: 1500 });
    t.update(0, [read('GH3456', 0)]);
    t.update(100, [read('GH3456', 10)]);
    expect(t.tick(1600)).toEqual([]);
    expect(t.openTracks).toBe(1);
    const ended = t.tick(1601);
    expect(ended).toMatchObject([{ type: 'end', trackId: 'cam1-1', time: 1601, firstSeen: 0, lastSeen: 100, frames: 2 }]);
    expect(t.openTracks).toBe(0);
    expect(t.tick(9000)).toEqual([]);
    // Too late to re-join: the same plate now starts a new track.
    expect(t.update(9100, [read('GH3456', 10)])).toMatchObject([{ type: 'new', trackId: 'cam1-2' }]);
  });

  it('reports new, then update only when text or confidence moves, then end, under one id', () => {
    const events = run(
      tracker(),
      [
        [0, [read('XY12ZZ', 0, 0.5)]],
        [100, [read('XY12Z2', 10, 0.9)]], // text flips to XY12Z2
        [200, [read('XY12Z2', 20, 0.9)]], // confidence 0.66 → 0.74
        [300, [read('XY12Z2', 30, 0.9)]], // moves by < 0.05: no event
      ],
      5000,
    );
    // The two latest reads agree at 0.9 at t=200: confident then, though the whole pass's vote is 0.74.
    expect(events.map((e) => e.type)).toEqual(['new', 'update', 'update', 'firstConfident', 'end']);
    expect(new Set(events.map((e) => e.trackId))).toEqual(new Set(['cam1-1']));
    expect(events.map((e) => e.vote.text)).toEqual(['XY12ZZ', 'XY12Z2', 'XY12Z2', 'XY12Z2', 'XY12Z2']);
    expect(events[3]).toMatchObject({ time: 200, frames: 3 });
    expect(events[4]).toMatchObject({ frames: 4, lastSeen: 300 });
  });

  it('fires firstConfident once, when both confidence and frame count are reached', () => {
    const frames: [number, TrackerRead[]][] = [];
    for (let i = 0; i < 8; i++) frames.push([i * 100, [read('JK7788', 10 * i, 0.9)]]);
    const events = run(tracker({ confidentConfidence: 0.85, confidentMinFrames: 3 }), frames, 5000);
    const confident = events.filter((e) => e.type === 'firstConfident');
    expect(confident).toHaveLength(1);
    expect(confident[0]).toMatchObject({ trackId: 'cam1-1', frames: 3, time: 200, vote: { text: 'JK7788' } });
    const never = run(tracker({ confidentConfidence: 0.95, confidentMinFrames: 3 }), frames, 5000);
    expect(never.some((e) => e.type === 'firstConfident')).toBe(false);
  });

  it('a misread as the plate enters does not hold back firstConfident: the latest reads decide it', () => {
    const frames: [number, TrackerRead[]][] = [[0, [read('U1710Z', 0, 0.75)]], ...[1, 2, 3].map((i): [number, TrackerRead[]] => [i * 100, [read('6TRK902', 10 * i, 1)]])];
    const events = run(tracker({ confidentConfidence: 0.8, confidentMinFrames: 2 }), frames, 5000);
    const confident = events.filter((e) => e.type === 'firstConfident');
    expect(confident).toMatchObject([{ time: 200, frames: 3, vote: { text: '6TRK902' } }]);
    expect(confident[0]?.vote.confidence).toBeGreaterThanOrEqual(0.8);
    // Reads that disagree, or agree below the confidence, never make it confident.
    const flip = run(tracker(), [0, 1, 2, 3].map((i): [number, TrackerRead[]] => [i * 100, [read(i % 2 ? 'AB1234' : 'AB1284', 10 * i, 0.95)]]), 5000);
    expect(flip.some((e) => e.type === 'firstConfident')).toBe(false);
    const weak = run(tracker(), [0, 1, 2].map((i): [number, TrackerRead[]] => [i * 100, [read('AB1234', 10 * i, 0.7)]]), 5000);
    expect(weak.some((e) => e.type === 'firstConfident')).toBe(false);
  });

  it('merges a second pass of the same plate within mergeWindowMs, and not outside it', () => {
    const pass = (start: number, x: number): [number, TrackerRead[]][] => [
      [start, [read('MN4321', x)]],
      [start + 100, [read('MN4321', x + 10)]],
    ];
    const within = run(tracker({ mergeWindowMs: 3000 }), [...pass(0, 0), ...pass(2500, 400), ...pass(5000, 800)], 9000);
    expect(finals(within).map((e) => [e.type, e.trackId, e.type === 'merged' ? e.mergedInto : null])).toEqual([
      ['end', 'cam1-1', null],
      ['merged', 'cam1-2', 'cam1-1'],
      ['merged', 'cam1-3', 'cam1-1'],
    ]);
    // A parked car read throughout keeps older ended tracks in memory; the window must still apply.
    const parked = (): TrackerRead => read('LONG99', 2000, 0.9, { box: { x: 2000, y: 500, w: 100, h: 30 } });
    const outside = run(
      tracker({ mergeWindowMs: 2000 }),
      [0, 100, 500, 1000, 1500, 2000, 2500, 2600, 3000].map((time): [number, TrackerRead[]] => [
        time,
        [parked(), ...(time <= 100 ? [read('MN4321', time / 10)] : time >= 2500 && time <= 2600 ? [read('MN4321', 400)] : [])],
      ]),
      9000,
    );
    expect(finals(outside).map((e) => [e.type, e.trackId, e.vote.text])).toEqual([
      ['end', 'cam1-2', 'MN4321'],
      ['end', 'cam1-1', 'LONG99'],
      ['end', 'cam1-3', 'MN4321'],
    ]);
    const otherText = run(tracker({ mergeWindowMs: 3000 }), [...pass(0, 0), [2500, [read('MN4322', 400)]]], 9000);
    expect(finals(otherText).map((e) => e.type)).toEqual(['end', 'end']);
  });

  it('drops single-frame noise when minFrames is 2, and reports it when minFrames is 1', () => {
    const frames: [number, TrackerRead[]][] = [
      [0, [read('PQ1111', 0), read('W', 600, 0.3)]],
      [100, [read('PQ1111', 10)]],
    ];
    const strict = run(tracker({ minFrames: 2 }), frames, 5000);
    expect(strict.map((e) => [e.type, e.vote.text])).toEqual([
      ['new', 'PQ1111'],
      ['firstConfident', 'PQ1111'], // two confident frames: the default confidentMinFrames
      ['end', 'PQ1111'],
    ]);
    expect(strict[0]).toMatchObject({ time: 100, frames: 2 });
    const lax = run(tracker({ minFrames: 1 }), frames, 5000);
    expect(finals(lax).map((e) => e.vote.text)).toEqual(['PQ1111', 'W']);
  });

  it('picks the best observation by box area × sharpness, or × confidence without sharpness', () => {
    const big = { x: 0, y: 100, w: 200, h: 60 };
    const small = { x: 10, y: 100, w: 180, h: 55 };
    const sharp = finals(
      run(tracker(), [
        [0, [read('RS2020', 0, 0.9, { box: big, sharpness: 0.2 })]],
        [100, [read('RS2020', 0, 0.6, { box: small, sharpness: 0.9 })]],
      ], 5000),
    );
    expect(sharp[0]).toMatchObject({ best: { capturedAt: 100, sharpness: 0.9, box: small } });
    const byConfidence = finals(
      run(tracker(), [
        [0, [read('RS2020', 0, 0.9, { box: big })]],
        [100, [read('RS2020', 0, 0.6, { box: small })]],
      ], 5000),
    );
    expect(byConfidence[0]).toMatchObject({ best: { capturedAt: 0, confidence: 0.9, box: big } });
  });

  it('flush ends every open track', () => {
    const t = tracker();
    t.update(0, [read('TU1', 0), read('VW2', 500)]);
    expect(t.flush(50).map((e) => [e.type, e.trackId, e.time])).toEqual([
      ['end', 'cam1-1', 50],
      ['end', 'cam1-2', 50],
    ]);
    expect(t.openTracks).toBe(0);
  });
});
