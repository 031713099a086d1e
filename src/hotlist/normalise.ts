/** Plate text normalisation shared by the reader, the hot list and matching (pure). */

/** Upper-case A-Z and 0-9 only: drops spaces, dashes, dots and anything else; folds accents and full-width forms. */
export function normalisePlate(text: string): string {
  if (/^[A-Z0-9]*$/.test(text)) return text;
  return text
    .normalize('NFKD')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
}
