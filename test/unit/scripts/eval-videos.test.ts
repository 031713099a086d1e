import { describe, expect, it } from 'vitest';
import {
  aggregate,
  editDistance,
  everyKth,
  outcome,
  parseEvalOutput,
  parseReadLine,
  readBreakdown,
  readKinds,
  scoreWithoutOneFrameReads,
  totalsTable,
  type VideoFigures,
} from '../../../scripts/eval-videos.ts';

const row = (over: Partial<VideoFigures>): VideoFigures => ({
  video: 'v.mp4',
  vehicles: 1,
  reads: 1,
  correct: 1,
  duplicates: 0,
  missed: 0,
  falseReads: 0,
  framesRead: 25,
  singleFrameTop1: 0.8,
  votedTop1: 1,
  ...over,
});

describe('parseEvalOutput', () => {
  it('reads the accuracy line and the last (score) line', () => {
    const stdout =
      'some log\n{"framesRead":176,"singleFrameTop1":0.9,"votedTop1":1}\n' +
      '{"video":"a.mp4","vehicles":6,"reads":7,"correct":6,"duplicates":0,"missed":0,"falseReads":1}\n';
    expect(parseEvalOutput(stdout)).toEqual({
      video: 'a.mp4', vehicles: 6, reads: 7, correct: 6, duplicates: 0, missed: 0, falseReads: 1, framesRead: 176, singleFrameTop1: 0.9, votedTop1: 1,
    });
  });

  it('refuses output without the two result lines', () => {
    expect(() => parseEvalOutput('{"video":"a"}\n')).toThrow(/no result lines/);
    expect(() => parseEvalOutput('{"framesRead":1}\n{"video":"a"}\n')).toThrow(/lacks vehicles/);
  });
});

describe('aggregate', () => {
  it('sums counts, averages single-frame accuracy per video and votes over vehicles', () => {
    const t = aggregate([
      row({ singleFrameTop1: 0.5 }),
      row({ reads: 2, correct: 0, duplicates: 1, singleFrameTop1: 0.7, votedTop1: 0 }),
      row({ reads: 0, correct: 0, missed: 1, singleFrameTop1: 0, votedTop1: 0 }),
      row({ vehicles: 0, reads: 1, correct: 0, falseReads: 1, singleFrameTop1: 0, votedTop1: 0 }), // no pass: not in the mean
    ]);
    expect(t).toMatchObject({ videos: 4, vehicles: 3, reads: 4, correct: 1, duplicates: 1, missed: 1, falseReads: 1, framesRead: 100 });
    expect(t.meanSingleFrameTop1).toBeCloseTo(0.4);
    expect(t.votedTop1).toBeCloseTo(1 / 3);
    expect(totalsTable(t)).toContain('| 4 | 3 | 4 | 1 | 1 | 1 | 1 | 100 | 40.0 % | 33.3 % |');
  });

  it('is all zeros for no videos', () => {
    expect(aggregate([])).toMatchObject({ videos: 0, meanSingleFrameTop1: 0, votedTop1: 0 });
  });
});

describe('everyKth and outcome', () => {
  it('keeps the 1st, (k+1)-th, ... entries', () => {
    expect(everyKth(['a', 'b', 'c', 'd', 'e'], 2)).toEqual(['a', 'c', 'e']);
    expect(everyKth(['a', 'b'], 1)).toEqual(['a', 'b']);
  });

  it('names what happened to a pass', () => {
    expect(outcome(row({}))).toBe('correct');
    expect(outcome(row({ correct: 0 }))).toBe('wrong text');
    expect(outcome(row({ reads: 2, correct: 0, duplicates: 1 }))).toBe('extra reads (duplicates)');
    expect(outcome(row({ reads: 0, correct: 0, missed: 1 }))).toBe('missed');
    expect(outcome(row({ reads: 2, falseReads: 1 }))).toBe('correct + false read');
  });
});

describe('read kinds', () => {
  it('measures edit distance', () => {
    expect(editDistance('HK0E7C', 'HKOE7C')).toBe(1);
    expect(editDistance('627W', '627WWI')).toBe(2);
    expect(editDistance('', 'ABC')).toBe(3);
    expect(editDistance('TEXAS', 'BGB3282')).toBe(7);
  });

  it('tells plate reads (also misread or cut) from other text', () => {
    expect(readKinds('627WWI', ['NGTON9 frames 8-8', '627W frames 2-23'])).toEqual({ plateReads: ['627W'], otherText: ['NGTON9'] });
  });

  it('counts split passes, other text, and what voting would give without other text', () => {
    const b = readBreakdown([
      { plate: 'BGB3282', readLines: ['BGB3282 frames 1-24', 'TEXAS frames 8-17'] },
      { plate: 'ANW2529', readLines: ['ANW2529 frames 2-12', 'ANW2S29 frames 14-24'] },
      { plate: 'SB3X6N', readLines: ['SB3X6N frames 0-25'] },
      { plate: 'YF2L6G', readLines: ['VF26G frames 18-22'] },
    ]);
    expect(b).toEqual({ splitPasses: 1, passesWithOtherText: 1, otherTextReads: 1, correctIgnoringOtherText: 2 });
  });
});

describe('scoreWithoutOneFrameReads', () => {
  it('parses read lines', () => {
    expect(parseReadLine('2014L frames 3-3')).toEqual({ text: '2014L', firstFrame: 3, lastFrame: 3 });
    expect(parseReadLine('FA8M7S frames 1-22 vote 0.762')).toEqual({ text: 'FA8M7S', firstFrame: 1, lastFrame: 22, vote: 0.762 });
    expect(() => parseReadLine('nonsense')).toThrow(/not a read line/);
  });

  it('rescores a pass without the reads decided on a single frame', () => {
    const passes = [{ plate: 'RDN464', firstFrame: 1, lastFrame: 22 }];
    expect(scoreWithoutOneFrameReads(passes, ['2014L frames 3-3', 'RDN464 frames 1-22'])).toEqual({
      vehicles: 1, reads: 1, correct: 1, duplicates: 0, missed: 0, falseReads: 0,
    });
    expect(scoreWithoutOneFrameReads(passes, ['RDN464 frames 1-12', 'RDN464 frames 14-22']).duplicates).toBe(1);
  });
});
