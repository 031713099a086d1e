/**
 * Pure string helpers for plate voting and association: Levenshtein distance, a similarity in
 * 0..1, and an alignment of one reading onto a reference so per-character votes line up even
 * when a frame dropped or added a character.
 */

/** Levenshtein distance (unit cost for substitution, insertion and deletion). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur[j] = Math.min(sub, (prev[j] as number) + 1, (cur[j - 1] as number) + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] as number;
}

/** Edit distance divided by the longer length: 0 = identical, 1 = nothing in common. Two empty strings are 0. */
export function normalizedEditDistance(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 0 : editDistance(a, b) / longest;
}

/** 1 − normalised edit distance, in 0..1. */
export function textSimilarity(a: string, b: string): number {
  return 1 - normalizedEditDistance(a, b);
}

/**
 * Aligns `text` onto `reference` with a minimum-cost edit alignment. Returns, for every position
 * of `reference`, the index of the character of `text` aligned to it, or -1 where `text` has
 * nothing there (a dropped character). Characters of `text` with no reference position (extra
 * characters) are left out. Among equally cheap alignments the choice is deterministic: from
 * the end backwards, a match/substitution is preferred, then a gap in `text`, then an extra
 * character.
 */
export function alignToReference(reference: string, text: string): number[] {
  const n = reference.length;
  const m = text.length;
  const width = m + 1;
  const dp = new Int32Array((n + 1) * width);
  for (let i = 0; i <= n; i++) dp[i * width] = i;
  for (let j = 0; j <= m; j++) dp[j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const sub = (dp[(i - 1) * width + j - 1] as number) + (reference[i - 1] === text[j - 1] ? 0 : 1);
      const del = (dp[(i - 1) * width + j] as number) + 1;
      const ins = (dp[i * width + j - 1] as number) + 1;
      dp[i * width + j] = Math.min(sub, del, ins);
    }
  }
  const aligned = new Array<number>(n).fill(-1);
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const here = dp[i * width + j] as number;
    if (i > 0 && j > 0) {
      const cost = reference[i - 1] === text[j - 1] ? 0 : 1;
      if (here === (dp[(i - 1) * width + j - 1] as number) + cost) {
        aligned[i - 1] = j - 1;
        i--;
        j--;
        continue;
      }
    }
    if (i > 0 && (j === 0 || here === (dp[(i - 1) * width + j] as number) + 1)) {
      i--;
    } else {
      j--;
    }
  }
  return aligned;
}
