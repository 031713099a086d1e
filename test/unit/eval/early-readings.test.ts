import { describe, expect, it } from 'vitest';
import { earlyReadings } from '../../../src/eval/video-run.ts';
import { passOf } from '../../../src/eval/video-score.ts';

// Two overlapping passes, as in the demo video: the truth counts a pass from the first frame
// in which its whole plate is in view.
const passes = [
  { plate: '7ABC123', firstFrame: 9, lastFrame: 34 },
  { plate: '8XYZ456', firstFrame: 23, lastFrame: 45 },
];

describe('earlyReadings', () => {
  it("counts a reading that became confident before the whole plate was in view, by its track's pass", () => {
    const confident = [
      { text: '7ABC123', firstFrame: 6, lastFrame: 7, trackId: 't1' },
      { text: '8XYZ456', firstFrame: 19, lastFrame: 21, trackId: 't2' },
    ];
    const decided = [
      { text: '7ABC123', firstFrame: 6, lastFrame: 39, trackId: 't1' },
      { text: '8XYZ456', firstFrame: 19, lastFrame: 48, trackId: 't2' },
    ];
    expect(earlyReadings(passes, confident, decided)).toEqual({ passes: 2, correct: 2, meanFrames: (7 - 9 + (21 - 23)) / 2 });
    // Without the decided reads only frames can match them (the rule before track ids): both
    // readings come before their pass's first frame, the first pass takes the second vehicle's
    // reading (frames 19-21 overlap 9-34) and the second pass gets none.
    expect(earlyReadings(passes, confident)).toEqual({ passes: 1, correct: 0, meanFrames: 21 - 9 });
  });

  it("never gives a pass another track's reading, even while both are in view", () => {
    // The second vehicle's track turned confident at frame 30, inside the first pass's frames.
    const confident = [{ text: '8XYZ456', firstFrame: 25, lastFrame: 30, trackId: 't2' }];
    const decided = [{ text: '8XYZ456', firstFrame: 25, lastFrame: 48, trackId: 't2' }];
    expect(earlyReadings(passes, confident, decided)).toEqual({ passes: 1, correct: 1, meanFrames: 30 - 23 });
    expect(passOf(passes, decided[0]!)).toBe(1);
  });

  it('scores a wrong early reading as wrong', () => {
    const confident = [{ text: '7A8C123', firstFrame: 10, lastFrame: 12, trackId: 't1' }];
    const decided = [{ text: '7ABC123', firstFrame: 10, lastFrame: 34, trackId: 't1' }];
    expect(earlyReadings(passes, confident, decided)).toEqual({ passes: 1, correct: 0, meanFrames: 3 });
  });
});
