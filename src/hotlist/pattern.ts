/**
 * Partial plates: an entry with `*` (any run of characters, possibly none) and `?` (exactly one
 * character), compared with OCR confusions folded (pure). A compiled pattern carries its length
 * bounds and the classes of its literal characters, so most reads are rejected without a scan.
 */
import { canonCode, classMask } from './confusable.ts';
import type { CharSwap } from './types.ts';

export interface CompiledPattern {
  /** The pattern, `**` collapsed to `*`. */
  source: string;
  minLength: number;
  /** Infinity when the pattern holds a `*`. */
  maxLength: number;
  /** Confusion classes of the literal characters: a text lacking one of them cannot match. */
  mask: number;
}

/** True when a normalised plate text holds a wildcard. */
export function isPattern(plate: string): boolean {
  return plate.includes('*') || plate.includes('?');
}

export function compilePattern(pattern: string): CompiledPattern {
  const source = pattern.replace(/\*+/g, '*');
  let minLength = 0;
  for (const ch of source) if (ch !== '*') minLength++;
  return { source, minLength, maxLength: source.includes('*') ? Infinity : minLength, mask: classMask(source) };
}

/**
 * Matches `text` against the pattern with confusions folded. Returns the swapped characters
 * (empty when every literal matched exactly), or null when it does not match. Among the ways a
 * `*` can stretch, the first found is reported (leftmost-shortest).
 */
export function matchPattern(p: CompiledPattern, text: string, textMask: number): CharSwap[] | null {
  if (text.length < p.minLength || text.length > p.maxLength) return null;
  if ((p.mask & ~textMask) !== 0) return null;
  const at: number[] = [];
  const pat = p.source;
  const walk = (pi: number, ti: number): boolean => {
    if (pi === pat.length) return ti === text.length;
    const pc = pat.charCodeAt(pi);
    if (pc === 42 /* * */) {
      for (let k = ti; k <= text.length; k++) if (walk(pi + 1, k)) return true;
      return false;
    }
    if (ti >= text.length) return false;
    if (pc !== 63 /* ? */ && canonCode(pc) !== canonCode(text.charCodeAt(ti))) return false;
    at[pi] = ti;
    return walk(pi + 1, ti + 1);
  };
  if (!walk(0, 0)) return null;
  const swaps: CharSwap[] = [];
  for (let pi = 0; pi < pat.length; pi++) {
    const ch = pat[pi] as string;
    if (ch === '*' || ch === '?') continue;
    const ti = at[pi] as number;
    const read = text[ti] as string;
    if (read !== ch) swaps.push({ at: ti, read, entry: ch });
  }
  return swaps;
}
