/**
 * Pure plate-text normalisation: fullwidth and other compatibility forms fold to ASCII (NFKC),
 * lower case becomes upper case, and everything but A-Z and 0-9 is dropped. Look-alikes such as
 * O and 0 are left as read: only hot-list matching may treat them as confusable.
 */
import type { DecodedChar } from './ctc.ts';

/** The plate character for one read character, or '' when it is not a letter or digit. */
export function normaliseChar(ch: string): string {
  const folded = ch.normalize('NFKC').toUpperCase();
  return /^[A-Z0-9]$/.test(folded) ? folded : '';
}

/** A-Z0-9 only, upper case. */
export function normalisePlateText(raw: string): string {
  return [...raw].map(normaliseChar).join('');
}

/** Normalises decoded characters, keeping each one's confidence; dropped characters vanish. */
export function normaliseChars(chars: readonly DecodedChar[]): DecodedChar[] {
  const out: DecodedChar[] = [];
  for (const c of chars) {
    const char = normaliseChar(c.char);
    if (!char) continue;
    const alt = c.alt ? normaliseChar(c.alt.char) : '';
    out.push(alt && c.alt ? { char, confidence: c.confidence, alt: { char: alt, confidence: c.alt.confidence } } : { char, confidence: c.confidence });
  }
  return out;
}
