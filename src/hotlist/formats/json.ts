/**
 * JSON hot lists (pure), in either shape:
 *   - a document: `[{...}, ...]` or `{"entries": [{...}, ...]}`;
 *   - JSON Lines: one object per line (blank lines skipped).
 * Each object: `plate`, `state`, `list`, `reason`, `caseNumber` (or `case_number`), optional
 * `vehicle: {year, make, model, colour}`. Problems are reported with the line each object starts
 * on. A document that is not valid JSON, or not one of the two shapes, is fatal.
 */
import type { ParseResult } from '../types.ts';
import { RecordCollector, textLines, type RawFields } from './record.ts';

function str(v: unknown): string | null | undefined {
  if (v === null || v === undefined) return v;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function addObject(out: RecordCollector, line: number, v: unknown): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return out.error(line, 'expected an object');
  const o = v as Record<string, unknown>;
  for (const name of ['plate', 'list'] as const) {
    if (typeof o[name] !== 'string') return out.error(line, `"${name}" must be a string`);
  }
  const caseValue = o.caseNumber ?? o.case_number;
  for (const [name, value] of [
    ['state', o.state],
    ['reason', o.reason],
    ['caseNumber', caseValue],
  ] as const) {
    if (value !== undefined && value !== null && typeof value !== 'string') return out.error(line, `"${name}" must be a string or null`);
  }
  let vehicle: RawFields['vehicle'] = null;
  if (o.vehicle !== undefined && o.vehicle !== null) {
    if (typeof o.vehicle !== 'object' || Array.isArray(o.vehicle)) return out.error(line, '"vehicle" must be an object');
    const ve = o.vehicle as Record<string, unknown>;
    vehicle = { year: str(ve.year) ?? null, make: str(ve.make) ?? null, model: str(ve.model) ?? null, colour: str(ve.colour ?? ve.color) ?? null };
  }
  out.add(line, {
    plate: o.plate as string,
    state: o.state as string | null | undefined,
    list: o.list as string,
    reason: o.reason as string | null | undefined,
    caseNumber: caseValue as string | null | undefined,
    vehicle,
  });
}

/** The line each element of the top-level array starts on (`[` of the array at `open`). */
function elementLines(text: string, open: number): number[] {
  const lines: number[] = [];
  let line = 1;
  for (let i = 0; i < open; i++) if (text.charCodeAt(i) === 10) line++;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && expectElement && !/\s/.test(c) && c !== ']') {
      lines.push(line);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) break;
    } else if (c === ',' && depth === 1) expectElement = true;
  }
  return lines;
}

export function parseHotlistJson(text: string): ParseResult {
  const out = new RecordCollector();
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = body.search(/\S/);
  if (first < 0) {
    out.error(1, 'empty file');
    return out.result(true);
  }
  const lines = textLines(body);
  const looksLikeLines = body[first] === '{' && lines.filter((l) => l.trim() !== '').length > 1 && lines.every((l) => l.trim() === '' || l.trim().startsWith('{'));
  if (looksLikeLines && !/^\s*\{\s*"entries"/.test(body)) {
    lines.forEach((raw, i) => {
      if (raw.trim() === '') return;
      let v: unknown;
      try {
        v = JSON.parse(raw);
      } catch (err) {
        return out.error(i + 1, `not JSON: ${(err as Error).message}`);
      }
      addObject(out, i + 1, v);
    });
    return out.result(false);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    out.error(1, `not a JSON document: ${(err as Error).message}`);
    return out.result(true);
  }
  const items = Array.isArray(doc) ? doc : (doc as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(items)) {
    out.error(1, 'expected an array of entries or {"entries": [...]}');
    return out.result(true);
  }
  const open = Array.isArray(doc) ? first : body.indexOf('[', body.indexOf('"entries"'));
  const at = elementLines(body, open);
  items.forEach((v, i) => addObject(out, at[i] ?? 1, v));
  return out.result(false);
}
