import { describe, expect, it } from 'vitest';
import { parseTruthCsv, scoreVideo } from '../../../src/eval/video-score.ts';

const passes = [
  { plate: '7ABC123', firstFrame: 0, lastFrame: 20 },
  { plate: '8XYZ456', firstFrame: 15, lastFrame: 40 },
  { plate: 'JKR482', firstFrame: 60, lastFrame: 80 },
];

describe('scoreVideo', () => {
  it('counts one correct read per pass', () => {
    const s = scoreVideo(passes, [
      { text: '7ABC123', firstFrame: 2, lastFrame: 19 },
      { text: '8XYZ456', firstFrame: 16, lastFrame: 39 },
      { text: 'JKR482', firstFrame: 61, lastFrame: 79 },
    ]);
    expect(s).toEqual({ vehicles: 3, reads: 3, correct: 3, duplicates: 0, missed: 0, falseReads: 0 });
  });

  it('counts duplicates, misreads, misses and false reads', () => {
    const s = scoreVideo(passes, [
      { text: '7ABC123', firstFrame: 2, lastFrame: 9 },
      { text: '7ABC123', firstFrame: 12, lastFrame: 19 }, // second read of the same pass
      { text: '8XYZ4S6', firstFrame: 16, lastFrame: 39 }, // misread
      { text: 'CALIF', firstFrame: 50, lastFrame: 52 }, // between passes
    ]);
    expect(s).toEqual({ vehicles: 3, reads: 4, correct: 0, duplicates: 1, missed: 1, falseReads: 1 });
  });

  it('gives an overlapping read to the pass it overlaps most, then to the plate it equals', () => {
    expect(scoreVideo(passes, [{ text: '8XYZ456', firstFrame: 15, lastFrame: 20 }, { text: '7ABC123', firstFrame: 0, lastFrame: 14 }]).correct).toBe(2);
  });
});

describe('parseTruthCsv', () => {
  it('parses the header and rows, normalising plates', () => {
    expect(parseTruthCsv('plate,first_frame,last_frame\n7abc-123,9,34\n\n')).toEqual([{ plate: '7ABC123', firstFrame: 9, lastFrame: 34 }]);
  });

  it('names the bad line', () => {
    expect(() => parseTruthCsv('plate,first_frame,last_frame\nX,5,2\n', 't.csv')).toThrow('t.csv:2:');
    expect(() => parseTruthCsv('plate,start,end\n', 't.csv')).toThrow('t.csv:1: header');
  });
});
