/**
 * `npm run bench [-- NAME...]`: runs every scripts/bench/*.bench.ts (or the named ones) in turn
 * and prints each figure as a line and, at the end, one JSON object with all of them. Speed and
 * memory are measured here, never asserted in tests; record figures in docs/benchmarks.md with
 * the command that produced them.
 *
 * A bench module default-exports `async (ctx: BenchContext) => BenchFigure[]`.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchFigure, BenchModule } from './types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(basename(f, '.bench.ts')))
  .sort();

const all: Record<string, BenchFigure[]> = {};
for (const file of files) {
  const name = basename(file, '.bench.ts');
  process.stderr.write(`bench ${name}...\n`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
  const figures = await mod.default({ log: (msg) => process.stderr.write(`  ${msg}\n`) });
  all[name] = figures;
  for (const f of figures) process.stdout.write(`${name}: ${f.name} = ${f.value} ${f.unit}${f.target ? ` (target ${f.target})` : ''}\n`);
}
process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), node: process.version, results: all })}\n`);
