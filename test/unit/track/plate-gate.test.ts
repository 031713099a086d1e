import { describe, expect, it } from 'vitest';
import { defaultPlateGateOptions as gate, judgeTrack, looksLikePlate, textPlateScore } from '../../../src/track/plate-gate.ts';
import { PlateTracker, sequentialIds, type TrackEvent, type TrackerRead } from '../../../src/track/tracker.ts';

describe('looksLikePlate', () => {
  it('takes plates of letters and digits, and digits-only plates', () => {
    for (const text of ['6LKR481', 'HB8X9J', '627W', '1268205', 'N2427E']) expect(looksLikePlate(text, gate), text).toBe(true);
  });

  it('rejects words, short fragments and over-long text', () => {
    for (const text of ['TEXAS', 'TITAN', 'ONLY', 'EXIT', 'NJIVERS', 'F20', '9973', 'CALIFORNIA', 'AB12CD34EF']) {
      expect(looksLikePlate(text, gate), text).toBe(false);
    }
  });

  it("prefers the reader's own plate score when it gives one, within the length bounds", () => {
    expect(looksLikePlate('TITAN', gate, 0.9)).toBe(true);
    expect(looksLikePlate('6LKR481', gate, 0.1)).toBe(false);
    expect(looksLikePlate('A1', gate, 0.9)).toBe(true);
    expect(looksLikePlate('ABC123456', gate, 0.9)).toBe(false);
  });

  it('scores text by length and letter/digit mix', () => {
    expect(textPlateScore('ABC123')).toBe(1);
    expect(textPlateScore('TEXAS')).toBeCloseTo(0.4);
    expect(textPlateScore('123456')).toBeCloseTo(0.5);
  });
});

describe('judgeTrack', () => {
  const sure = (text: string) => ({ text, confidence: 0.9 });

  it('needs enough plate-like frames and a plate-like voted text', () => {
    expect(judgeTrack(10, 5, sure('ABC123'), gate)).toEqual({ plate: true });
    expect(judgeTrack(10, 4, sure('ABC123'), gate)).toEqual({ plate: false, reason: 'few-plate-frames' });
    expect(judgeTrack(10, 10, sure('TEXAS'), gate)).toEqual({ plate: false, reason: 'text-not-plate' });
    expect(judgeTrack(0, 0, sure('ABC123'), gate)).toEqual({ plate: false, reason: 'few-plate-frames' });
  });

  it('needs a vote its frames agree on', () => {
    expect(judgeTrack(10, 10, { text: 'ABC123', confidence: gate.minVoteConfidence }, gate)).toEqual({ plate: true });
    expect(judgeTrack(10, 10, { text: 'ABC123', confidence: gate.minVoteConfidence - 0.01 }, gate)).toEqual({ plate: false, reason: 'frames-disagree' });
    expect(judgeTrack(10, 10, { text: 'ABC123', confidence: 0 }, { ...gate, minVoteConfidence: 0 })).toEqual({ plate: true });
  });
});

const at = (x: number, y: number) => ({ x, y, w: 100, h: 30 });

function frames(t: PlateTracker, count: number, reads: (i: number) => TrackerRead[]): TrackEvent[] {
  const events: TrackEvent[] = [];
  for (let i = 0; i < count; i++) events.push(...t.update(1000 + i * 100, reads(i)));
  return [...events, ...t.tick(1000 + count * 100 + 5000)];
}

describe('PlateTracker with a plate gate', () => {
  it('ends the plate and drops the state name printed above it', () => {
    const t = new PlateTracker(sequentialIds(), { plateGate: gate });
    const events = frames(t, 8, (i) => [
      { text: 'BGB3282', confidence: 0.9, box: at(100 + 10 * i, 200), candidates: [] },
      { text: 'TEXAS', confidence: 0.95, box: at(100 + 10 * i, 160), candidates: [] },
    ]);
    const ends = events.filter((e) => e.type === 'end');
    const dropped = events.filter((e) => e.type === 'dropped');
    expect(ends.map((e) => e.vote.text)).toEqual(['BGB3282']);
    expect(dropped.map((e) => [e.vote.text, e.type === 'dropped' && e.reason])).toEqual([['TEXAS', 'few-plate-frames']]);
    // A hot-list match runs on firstConfident: a sign must never get there.
    expect(events.filter((e) => e.type === 'firstConfident').map((e) => e.vote.text)).toEqual(['BGB3282']);
  });

  it("drops a burned-in timestamp read as plate-like text by the reader's low plate-likeness score", () => {
    const t = new PlateTracker(sequentialIds(), { plateGate: gate });
    const events = frames(t, 6, (i) => [
      { text: 'AU41257', confidence: 0.85, box: at(100 + 10 * i, 200), candidates: [], plateScore: 1 },
      { text: 'DER5485', confidence: 0.66, box: { x: 1100, y: 700, w: 46, h: 11 }, candidates: [], plateScore: 0.35 },
    ]);
    expect(events.filter((e) => e.type === 'end').map((e) => e.vote.text)).toEqual(['AU41257']);
    expect(events.filter((e) => e.type === 'dropped').map((e) => e.vote.text)).toEqual(['DER5485']);
  });

  it('drops text read differently in every frame (a burned-in date), keeps the plate beside it', () => {
    // Readings of a date overlay in four frames of a scene video (docs/accuracy.md): each one
    // plate-like on its own, together a vote of about 0.15.
    const date = ['281412', '2014812', '2512', '20312'];
    const t = new PlateTracker(sequentialIds(), { plateGate: gate });
    const events = frames(t, 4, (i) => [
      { text: 'FA8M7S', confidence: 0.95, box: at(100 + 10 * i, 200), candidates: [], plateScore: 0.9 },
      { text: date[i] as string, confidence: 0.6, box: at(600, 500), candidates: [], plateScore: 0.9 },
    ]);
    expect(events.filter((e) => e.type === 'end').map((e) => e.vote.text)).toEqual(['FA8M7S']);
    const dropped = events.filter((e) => e.type === 'dropped');
    expect(dropped.map((e) => e.type === 'dropped' && e.reason)).toEqual(['frames-disagree']);
    expect(dropped[0]?.vote.confidence).toBeLessThan(gate.minVoteConfidence);
    expect(events.filter((e) => e.type === 'firstConfident').map((e) => e.vote.text)).toEqual(['FA8M7S']);
  });

  it('keeps a plate misread as a word in a minority of its frames', () => {
    const t = new PlateTracker(sequentialIds(), { plateGate: gate });
    const events = frames(t, 6, (i) => [{ text: i < 2 ? 'SBEXGN' : i === 2 ? 'SBEX' : 'SB3X6N', confidence: 0.8, box: at(100, 200), candidates: [] }]);
    expect(events.filter((e) => e.type === 'dropped')).toEqual([]);
    expect(events.filter((e) => e.type === 'end').length).toBe(1);
  });

  it("a dropped track is not remembered for merging, so the same text later is judged on its own", () => {
    const t = new PlateTracker(sequentialIds(), { plateGate: gate, mergeWindowMs: 60_000 });
    const first = frames(t, 3, () => [{ text: 'ONLY', confidence: 0.9, box: at(100, 200), candidates: [] }]);
    expect(first.map((e) => e.type)).toEqual(['new', 'dropped']);
    const second = frames(t, 3, () => [{ text: 'ONLY', confidence: 0.9, box: at(100, 200), candidates: [] }]);
    expect(second.filter((e) => e.type === 'merged')).toEqual([]);
  });

  it('without a gate every track still ends as before', () => {
    const t = new PlateTracker(sequentialIds());
    const events = frames(t, 3, () => [{ text: 'TEXAS', confidence: 0.9, box: at(100, 200), candidates: [] }]);
    expect(events.filter((e) => e.type === 'end').map((e) => e.vote.text)).toEqual(['TEXAS']);
  });
});
