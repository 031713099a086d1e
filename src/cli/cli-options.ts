/** A small argv parser for the access, audit and release commands: `--name value`, `--name=value`, flags, positionals. */
import { AlprError } from '../errors.ts';

export interface ParsedOptions {
  positional: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

export function parseOptions(args: string[], spec: { values: readonly string[]; flags?: readonly string[] }, usage: string): ParsedOptions {
  const out: ParsedOptions = { positional: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (spec.values.includes(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined || (eq < 0 && v.startsWith('--'))) throw new AlprError('USAGE', `${name} needs a value\n${usage}`);
      if (out.options.has(name)) throw new AlprError('USAGE', `${name} given twice\n${usage}`);
      out.options.set(name, v);
    } else if (spec.flags?.includes(a)) {
      out.flags.add(a);
    } else if (a.startsWith('-')) {
      throw new AlprError('USAGE', `unknown option ${name}\n${usage}`);
    } else {
      out.positional.push(a);
    }
  }
  return out;
}

export function requireOption(p: ParsedOptions, name: string, usage: string): string {
  const v = p.options.get(name);
  if (v === undefined || v.trim() === '') throw new AlprError('USAGE', `${name} is required\n${usage}`);
  return v;
}

/** A calendar date YYYY-MM-DD as ms at 00:00 UTC. */
export function parseDate(name: string, v: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v) throw new AlprError('USAGE', `${name} must be a date YYYY-MM-DD, got "${v}"`);
  return t;
}
