/**
 * OCR-confusable plate characters (pure). Every character maps to the representative of its
 * confusion class, so two plates that differ only by confusions have the same canonical key:
 * 0/O/D/Q, 1/I/L, 8/B, 5/S, 2/Z, 6/G.
 */

/** The confusion classes; the first character of each is its representative. */
export const CONFUSION_CLASSES: readonly string[] = ['0ODQ', '1IL', '8B', '5S', '2Z', '6G'];

const CANON = new Uint8Array(128);
for (let c = 0; c < 128; c++) CANON[c] = c;
for (const cls of CONFUSION_CLASSES) {
  const rep = cls.charCodeAt(0);
  for (const ch of cls) CANON[ch.charCodeAt(0)] = rep;
}

/** Bit of each canonical character (A-Z0-9 fold into 27 classes, so a 32-bit mask holds them). */
const BIT = new Int32Array(128);
{
  let next = 0;
  const bitOfRep = new Map<number, number>();
  for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') {
    const rep = CANON[ch.charCodeAt(0)] as number;
    let bit = bitOfRep.get(rep);
    if (bit === undefined) {
      bit = next++;
      bitOfRep.set(rep, bit);
    }
    BIT[ch.charCodeAt(0)] = 1 << bit;
  }
}

/** The canonical form of one character code (non-ASCII codes are returned unchanged). */
export function canonCode(code: number): number {
  return code < 128 ? (CANON[code] as number) : code;
}

/** True when the two characters are equal or in the same confusion class. */
export function confusable(a: string, b: string): boolean {
  return canonCode(a.charCodeAt(0)) === canonCode(b.charCodeAt(0));
}

/** The canonical character of each ASCII code, as a one-character string. */
const CANON_CHAR: readonly string[] = Array.from(CANON, (code) => String.fromCharCode(code));

/** The canonical key of a normalised plate (same length; `*` and `?` pass through). */
export function canonicalPlate(plate: string): string {
  // Runs for every read and alternative: no array, no spread, and no new string at all when
  // the plate holds no folded character (most plates).
  let i = 0;
  for (; i < plate.length; i++) {
    const c = plate.charCodeAt(i);
    if (c >= 128 || CANON[c] !== c) break;
  }
  if (i === plate.length) return plate;
  let out = plate.slice(0, i);
  for (; i < plate.length; i++) {
    const c = plate.charCodeAt(i);
    out += c < 128 ? (CANON_CHAR[c] as string) : plate.charAt(i);
  }
  return out;
}

/** Bit mask of the confusion classes present in `text` (wildcards add nothing). */
export function classMask(text: string): number {
  let m = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) m |= BIT[c] as number;
  }
  return m;
}
