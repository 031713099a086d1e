import { describe, expect, it } from 'vitest';
import { alignToReference, editDistance, normalizedEditDistance } from '../../../src/track/align.ts';
import { voteTrack, type Observation } from '../../../src/track/vote.ts';

let clock = 0;
function obs(text: string, confidence: number, extra: Partial<Observation> = {}): Observation {
  clock += 100;
  return { text, confidence, candidates: [], box: { x: 0, y: 0, w: 100, h: 30 }, capturedAt: clock, ...extra };
}

describe('align helpers', () => {
  it('measures edit distance', () => {
    expect(editDistance('AB123', 'AB123')).toBe(0);
    expect(editDistance('AB123', 'B123')).toBe(1);
    expect(editDistance('AB123', 'AB128')).toBe(1);
    expect(editDistance('', 'ABC')).toBe(3);
    expect(normalizedEditDistance('ABCD', 'ABCE')).toBe(0.25);
    expect(normalizedEditDistance('', '')).toBe(0);
  });

  it('aligns a reading with a dropped first or last character onto the reference', () => {
    expect(alignToReference('KL55MNP', 'L55MNP')).toEqual([-1, 0, 1, 2, 3, 4, 5]);
    expect(alignToReference('KL55MNP', 'KL55MN')).toEqual([0, 1, 2, 3, 4, 5, -1]);
    expect(alignToReference('KL55MNP', 'KL55MNPX')).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(alignToReference('AB0123', 'ABO123')).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('voteTrack', () => {
  it('fixes a single-frame O/0 misread by majority, even when that frame is the most confident', () => {
    const v = voteTrack([obs('AB0123', 0.7), obs('ABO123', 0.95), obs('AB0123', 0.7), obs('AB0123', 0.7)]);
    expect(v.text).toBe('AB0123');
    expect(v.support).toBe(3);
    expect(v.alternatives[0]?.text).toBe('ABO123');
    const unanimous = voteTrack([obs('AB0123', 0.7), obs('AB0123', 0.95), obs('AB0123', 0.7), obs('AB0123', 0.7)]);
    expect(v.confidence).toBeLessThan(unanimous.confidence);
    expect(v.alternatives[0]?.score).toBeLessThan(v.confidence);
  });

  it('aligns a frame that dropped its first character instead of shifting every position', () => {
    // Without the short frame M and H tie; the short frame must vote M at position 4, not N.
    const v = voteTrack([obs('KL55MNP', 0.8), obs('KL55HNP', 0.8), obs('L55MNP', 0.95)]);
    expect(v.text).toBe('KL55MNP');
    expect(v.support).toBe(1);
    expect(v.alternatives.map((a) => a.text)).toContain('KL55HNP');
    expect(voteTrack([obs('KL55MNP', 0.8), obs('KL55HNP', 0.8)]).text).toBe('KL55HNP');
  });

  it('aligns a frame that dropped its last character', () => {
    const v = voteTrack([obs('KL55MHP', 0.8), obs('KL55MNP', 0.8), obs('KL55MN', 0.95)]);
    expect(v.text).toBe('KL55MNP');
    expect(voteTrack([obs('KL55MNP', 0.8), obs('KL55MHP', 0.8)]).text).toBe('KL55MHP');
  });

  it('votes the length by weight', () => {
    expect(voteTrack([obs('AB1234', 0.9), obs('AB1234', 0.9), obs('AB12345', 0.5)]).text).toBe('AB1234');
    expect(voteTrack([obs('AB1234', 0.3), obs('AB1234', 0.3), obs('AB12345', 0.9)]).text).toBe('AB12345');
  });

  it('weights characters by confidence, and by per-character confidence when given', () => {
    const byText = voteTrack([obs('ABC123', 0.3), obs('ABC123', 0.3), obs('ABC128', 0.9)]);
    expect(byText.text).toBe('ABC128');
    expect(byText.support).toBe(1);
    const lowLast = [0.9, 0.9, 0.9, 0.9, 0.9, 0.2];
    const byChar = voteTrack([
      obs('ABC123', 0.9, { charConfidences: lowLast }),
      obs('ABC123', 0.9, { charConfidences: lowLast }),
      obs('ABC128', 0.5),
    ]);
    expect(byChar.text).toBe('ABC128');
    expect(voteTrack([obs('ABC123', 0.9), obs('ABC123', 0.9), obs('ABC128', 0.5)]).text).toBe('ABC123');
  });

  it('breaks ties the same way whatever the order of the observations', () => {
    const a = obs('ABC128', 0.8);
    const b = obs('ABC123', 0.8);
    const forward = voteTrack([a, b]);
    const backward = voteTrack([b, a]);
    expect(forward).toEqual(backward);
    expect(forward.text).toBe('ABC123');
    expect(forward.alternatives[0]).toEqual({ text: 'ABC128', score: forward.confidence });
  });

  it('returns a single observation as read, with its close candidates as alternatives', () => {
    const only = voteTrack([obs('XY99ZZ', 0.77)]);
    expect(only).toEqual({ text: 'XY99ZZ', confidence: expect.closeTo(0.77, 9), alternatives: [], support: 1 });
    const withCandidates = voteTrack([
      obs('XY99ZZ', 0.77, {
        candidates: [
          { text: 'XY99Z2', confidence: 0.6 },
          { text: 'DEALER', confidence: 0.9 },
        ],
      }),
    ]);
    expect(withCandidates.text).toBe('XY99ZZ');
    expect(withCandidates.alternatives.map((a) => a.text)).toEqual(['XY99Z2']);
    expect(withCandidates.confidence).toBeLessThan(0.77);
  });

  it('uses candidates to settle an otherwise tied position', () => {
    const v = voteTrack([
      obs('ABC123', 0.8, { candidates: [{ text: 'ABC128', confidence: 0.7 }] }),
      obs('ABC128', 0.8, { candidates: [{ text: 'ABC12B', confidence: 0.7 }] }),
    ]);
    expect(v.text).toBe('ABC128');
    expect(voteTrack([obs('ABC123', 0.8), obs('ABC128', 0.8)], { candidateWeight: 0 }).text).toBe('ABC123');
  });

  it('ignores empty readings and returns an empty vote when nothing was read', () => {
    expect(voteTrack([])).toEqual({ text: '', confidence: 0, alternatives: [], support: 0 });
    expect(voteTrack([obs('', 0.9)]).text).toBe('');
    expect(voteTrack([obs('', 0.9), obs('AB12', 0.6)]).text).toBe('AB12');
  });

  it('limits alternatives and ranks them by score', () => {
    const v = voteTrack(
      [obs('AAAAAA', 0.9), obs('BAAAAA', 0.5), obs('ACAAAA', 0.4), obs('AADAAA', 0.3), obs('AAAEAA', 0.2)],
      { maxAlternatives: 3 },
    );
    expect(v.text).toBe('AAAAAA');
    expect(v.alternatives.map((a) => a.text)).toEqual(['BAAAAA', 'ACAAAA', 'AADAAA']);
  });
});
