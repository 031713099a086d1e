/** Every hot-list file format, chosen by name or by the file's extension (pure). */
import { AlprError } from '../../errors.ts';
import type { ParseResult } from '../types.ts';
import { parseCaDoj } from './ca-doj.ts';
import { parseHotlistCsv } from './csv.ts';
import { parseHotlistJson } from './json.ts';
import { parseNcic } from './ncic.ts';

export const HOTLIST_FORMATS = ['csv', 'json', 'ncic', 'svs', 'slr', 'sfr'] as const;
export type HotlistFormat = (typeof HOTLIST_FORMATS)[number];

export function isHotlistFormat(s: string): s is HotlistFormat {
  return (HOTLIST_FORMATS as readonly string[]).includes(s);
}

/**
 * The format implied by a file name: .csv, .json/.jsonl/.ndjson, .ncic, .svs/.slr/.sfr, and the
 * CA DOJ extracts' own names svs.tbl, slr.tbl, sfr.tbl; null when unknown.
 */
export function formatFromFileName(file: string): HotlistFormat | null {
  const table = /(?:^|[\\/])(svs|slr|sfr)[^\\/]*\.tbl$/i.exec(file)?.[1]?.toLowerCase();
  if (table === 'svs' || table === 'slr' || table === 'sfr') return table;
  const ext = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase();
  if (ext === undefined) return null;
  if (ext === 'jsonl' || ext === 'ndjson') return 'json';
  return isHotlistFormat(ext) ? ext : null;
}

/** The format to read `file` with: the one given, else the extension's; a USAGE error when neither. */
export function resolveFormat(file: string, format: HotlistFormat | undefined): HotlistFormat {
  const f = format ?? formatFromFileName(file);
  if (f === null) {
    throw new AlprError('USAGE', `cannot tell the format of ${file} from its name; give one of ${HOTLIST_FORMATS.join(', ')}`);
  }
  return f;
}

export function parseHotlist(text: string, format: HotlistFormat): ParseResult {
  switch (format) {
    case 'csv':
      return parseHotlistCsv(text);
    case 'json':
      return parseHotlistJson(text);
    case 'ncic':
      return parseNcic(text);
    case 'svs':
    case 'slr':
    case 'sfr':
      return parseCaDoj(text, format);
  }
}
