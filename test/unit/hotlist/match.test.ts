import { describe, expect, it } from 'vitest';
import { canonicalPlate, classMask, confusable } from '../../../src/hotlist/confusable.ts';
import { buildMatchIndex, type HotlistSnapshot } from '../../../src/hotlist/match-index.ts';
import { isStale, matchIndexes, matchRead } from '../../../src/hotlist/match.ts';
import { compilePattern, matchPattern } from '../../../src/hotlist/pattern.ts';
import { hotEntry } from './entries.ts';

describe('confusable characters', () => {
  it('folds every required confusion class to one key', () => {
    for (const group of ['0ODQ', '1IL', '8B', '5S', '2Z', '6G']) {
      const keys = new Set([...group].map((c) => canonicalPlate(`A${c}`)));
      expect(keys.size).toBe(1);
    }
    expect(confusable('O', '0')).toBe(true);
    expect(confusable('A', '4')).toBe(false);
    expect(canonicalPlate('ABC123')).toBe(canonicalPlate('A8C1Z3'));
    expect(canonicalPlate('AB*?1')).toBe('A8*?1');
    expect(classMask('B8')).toBe(classMask('8'));
  });
});

describe('wildcard patterns', () => {
  it('matches * (any run, possibly none) and ? (one character) with confusions folded', () => {
    const p = compilePattern('AB**C?1');
    expect(p).toMatchObject({ source: 'AB*C?1', minLength: 5, maxLength: Infinity });
    expect(matchPattern(p, 'ABC91', classMask('ABC91'))).toEqual([]);
    expect(matchPattern(p, 'ABXXC91', classMask('ABXXC91'))).toEqual([]);
    expect(matchPattern(p, 'A8XC9I', classMask('A8XC9I'))).toEqual([
      { at: 1, read: '8', entry: 'B' },
      { at: 5, read: 'I', entry: '1' },
    ]);
    expect(matchPattern(p, 'ABC1', classMask('ABC1'))).toBeNull(); // too short
    expect(matchPattern(p, 'XBC91', classMask('XBC91'))).toBeNull();
    const fixed = compilePattern('7?Y?9');
    expect(fixed.maxLength).toBe(5);
    expect(matchPattern(fixed, '7XYZ9', classMask('7XYZ9'))).toEqual([]);
    expect(matchPattern(fixed, '7XYZ99', classMask('7XYZ99'))).toBeNull();
  });
});

describe('matchRead', () => {
  const stolen = hotEntry('ABC123', { state: 'CA', caseNumber: 'C-1', reason: 'Stolen vehicle' });
  const amber = hotEntry('7XYZ99', { list: 'amber', reason: 'AMBER alert', caseNumber: 'A-9' });
  const partial = hotEntry('6TR*', { source: 'local', list: 'local', caseNumber: 'L-1' });
  const index = buildMatchIndex([stolen, amber, partial]);
  const snap: HotlistSnapshot = { indexes: [index], freshness: new Map() };

  it('exact on the normalised read, with the entry list, reason and case number', () => {
    expect(matchRead(snap, { text: 'abc-123' }, 0)).toEqual([
      { entry: stolen, rule: 'exact', matchedText: 'ABC123', swaps: [], stale: false },
    ]);
    expect(matchRead(snap, { text: 'NOPE1' }, 0)).toEqual([]);
    expect(matchRead(snap, { text: '' }, 0)).toEqual([]);
  });

  it('confusable: reports the characters swapped, for every required class', () => {
    const [m] = matchRead(snap, { text: 'A8CI2E' }, 0); // not a match: E is not confusable with 3
    expect(m).toBeUndefined();
    expect(matchRead(snap, { text: 'A8CIZ3' }, 0)).toEqual([
      {
        entry: stolen,
        rule: 'confusable',
        matchedText: 'A8CIZ3',
        swaps: [
          { at: 1, read: '8', entry: 'B' },
          { at: 3, read: 'I', entry: '1' },
          { at: 4, read: 'Z', entry: '2' },
        ],
        stale: false,
      },
    ]);
    const all = buildMatchIndex([hotEntry('0158260')]);
    expect(matchIndexes([all], { text: 'OLSBZGD' }, 0)[0]).toMatchObject({ rule: 'confusable', swaps: { length: 7 } });
    expect(matchIndexes([all], { text: 'QISBZGO' }, 0)[0]).toMatchObject({ rule: 'confusable' });
  });

  it('tries every alternative the recogniser gave, and prefers the read itself', () => {
    const r = matchRead(snap, { text: 'QQQ111', candidates: [{ text: 'QQQ111' }, { text: 'ABC123' }] }, 0);
    expect(r).toEqual([{ entry: stolen, rule: 'exact', matchedText: 'ABC123', swaps: [], stale: false }]);
    const alt = matchRead(snap, { text: 'ZZZ999', candidates: [{ text: '7XY299' }] }, 0);
    expect(alt).toEqual([{ entry: amber, rule: 'confusable', matchedText: '7XY299', swaps: [{ at: 3, read: '2', entry: 'Z' }], stale: false }]);
    // The same entry found by the read (confusable) and an alternative (exact): reported once, by the better rule.
    const both = matchRead(snap, { text: 'A8C123', candidates: [{ text: 'ABC123' }] }, 0);
    expect(both).toHaveLength(1);
    expect(both[0]).toMatchObject({ rule: 'exact', matchedText: 'ABC123' });
    // Same rule from the read and an alternative: the read wins.
    const same = matchRead(snap, { text: 'A8C123', candidates: [{ text: 'ABCI23' }] }, 0);
    expect(same).toEqual([{ entry: stolen, rule: 'confusable', matchedText: 'A8C123', swaps: [{ at: 1, read: '8', entry: 'B' }], stale: false }]);
  });

  it('partial and wildcard entries', () => {
    expect(matchRead(snap, { text: '6TRK902' }, 0)).toEqual([
      { entry: partial, rule: 'partial', matchedText: '6TRK902', swaps: [], stale: false },
    ]);
    expect(matchRead(snap, { text: 'GTR' }, 0)).toEqual([
      { entry: partial, rule: 'partial', matchedText: 'GTR', swaps: [{ at: 0, read: 'G', entry: '6' }], stale: false },
    ]);
    expect(matchRead(snap, { text: '6XR902' }, 0)).toEqual([]);
  });

  it('looks at wildcard entries by their first character class, or all that start with a wildcard', () => {
    const tail = hotEntry('*99', { source: 'local' });
    const confusableFirst = hotEntry('BXY*', { source: 'local' });
    const anyFirst = hotEntry('?XY*', { source: 'local' });
    const other = hotEntry('CXY*', { source: 'local' });
    const idx = buildMatchIndex([tail, confusableFirst, anyFirst, other]);
    expect([...idx.patternsByFirst.keys()].sort()).toEqual([-1, '8'.charCodeAt(0), 'C'.charCodeAt(0)].sort());
    const hits = matchIndexes([idx], { text: '8XY99' }, 0);
    // Fewest swaps first, then index order; B read as 8 still finds BXY*.
    expect(hits.map((h) => [h.entry.plate, h.swaps])).toEqual([
      ['*99', []],
      ['?XY*', []],
      ['BXY*', [{ at: 0, read: '8', entry: 'B' }]],
    ]);
  });

  it('is state-aware only when both the entry and the read name a state', () => {
    expect(matchRead(snap, { text: 'ABC123', state: 'CA' }, 0)).toHaveLength(1);
    expect(matchRead(snap, { text: 'ABC123', state: 'nv' }, 0)).toEqual([]);
    expect(matchRead(snap, { text: 'ABC123', state: null }, 0)).toHaveLength(1);
    expect(matchRead(snap, { text: '7XYZ99', state: 'NV' }, 0)).toHaveLength(1); // entry has no state
  });

  it('never matches an expired entry', () => {
    const local = hotEntry('LOC123', { source: 'local', expiresAt: 1_000 });
    const s: HotlistSnapshot = { indexes: [buildMatchIndex([local])], freshness: new Map() };
    expect(matchRead(s, { text: 'LOC123' }, 999)).toHaveLength(1);
    expect(matchRead(s, { text: 'LOC123' }, 1_000)).toEqual([]);
  });

  it('says when the entry list was stale', () => {
    const s: HotlistSnapshot = { indexes: [index], freshness: new Map([['feed', { checkedAt: 0, maxAgeMs: 1_000 }]]) };
    expect(matchRead(s, { text: 'ABC123' }, 1_000)[0]?.stale).toBe(false);
    expect(matchRead(s, { text: 'ABC123' }, 1_001)[0]?.stale).toBe(true);
    expect(matchRead(s, { text: '6TRK902' }, 1_001)[0]?.stale).toBe(false); // local entries: other source
    expect(isStale({ checkedAt: 0, maxAgeMs: null }, 1e12)).toBe(false);
    expect(isStale(undefined, 1e12)).toBe(false);
  });

  it('reports several entries best first: exact, confusable, partial', () => {
    const a = hotEntry('ABC123', { list: 'a' });
    const b = hotEntry('A8C123', { list: 'b' });
    const c = hotEntry('A?C123', { list: 'c' });
    const r = matchIndexes([buildMatchIndex([c, b, a])], { text: 'ABC123' }, 0);
    expect(r.map((m) => [m.entry.list, m.rule])).toEqual([
      ['a', 'exact'],
      ['b', 'confusable'],
      ['c', 'partial'],
    ]);
  });
});
