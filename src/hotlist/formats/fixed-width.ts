/** Fixed-width field extraction shared by the NCIC and CA DOJ parsers (pure). */

export interface Column {
  name: string;
  /** 0-based first column. */
  start: number;
  /** Width in characters; Infinity for "to the end of the line". */
  width: number;
}

/** The trimmed text of each column (short lines give empty fields). */
export function cut<const C extends readonly Column[]>(line: string, columns: C): Record<C[number]['name'], string> {
  const out: Record<string, string> = {};
  for (const c of columns) out[c.name] = line.slice(c.start, c.width === Infinity ? undefined : c.start + c.width).trim();
  return out as Record<C[number]['name'], string>;
}

/** The width a line needs to hold every fixed column (the last, open-ended one excepted). */
export function minimumWidth(columns: readonly Column[]): number {
  return Math.max(...columns.filter((c) => c.width !== Infinity).map((c) => c.start + c.width));
}

/** YYYYMMDD → YYYY-MM-DD, '' for an empty field, null when malformed. */
export function extractDate(text: string): string | null {
  if (text === '') return '';
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12 || Number(m[3]) < 1 || Number(m[3]) > 31) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}
