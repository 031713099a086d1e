/**
 * Hot-list bench: import time and memory for 1,000,000 entries, index build (and the longest
 * step of a background rebuild), and match latency p50/p99 for exact, confusable and partial
 * matching against that list plus 1,000 wildcard entries. `npm run bench -- hotlist`
 * (HOTLIST_BENCH_ENTRIES=N for a smaller run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HotlistCache } from '../../src/hotlist/cache.ts';
import { importHotlistStaged, importHotlistText } from '../../src/hotlist/import.ts';
import { buildMatchIndex } from '../../src/hotlist/match-index.ts';
import type { MatchInput } from '../../src/hotlist/match.ts';
import type { HotlistEntry } from '../../src/hotlist/types.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { openDatabase } from '../../src/store/db.ts';
import { createIdGenerator } from '../../src/store/ids.ts';
import type { BenchContext, BenchFigure } from './types.ts';

const ALNUM = 'ABCDEFGHJKMNPRTUVWXY0123456789'; // no confusable letters: keeps generated plates distinct
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function plateOf(i: number): string {
  // 7 characters, unique per i (base-30 digits of i scrambled with a fixed multiplier).
  let n = (i * 2_654_435_761) % 21_870_000_000;
  let s = '';
  for (let k = 0; k < 7; k++) {
    s += ALNUM[n % 30];
    n = Math.floor(n / 30);
  }
  return s;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function rssMb(): number {
  return process.memoryUsage().rss / 1_048_576;
}

function timeMatches(cache: HotlistCache, inputs: MatchInput[], expectHit: boolean): { p50: number; p99: number } {
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const input of inputs) {
      const t0 = process.hrtime.bigint();
      const r = cache.match(input);
      const t1 = process.hrtime.bigint();
      if (expectHit && r.length === 0) throw new Error(`expected a hit for ${input.text}`);
      if (round > 0) times.push(Number(t1 - t0) / 1000);
    }
  }
  times.sort((a, b) => a - b);
  return { p50: +percentile(times, 50).toFixed(2), p99: +percentile(times, 99).toFixed(2) };
}

export default async function hotlistBench(ctx: BenchContext): Promise<BenchFigure[]> {
  const n = Number(process.env.HOTLIST_BENCH_ENTRIES ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'alpr-bench-hotlist-'));
  const figures: BenchFigure[] = [];
  try {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const newId = createIdGenerator(clock);
    const db = openDatabase(join(dir, 'alpr.db'));
    const lists = ['stolen-vehicle', 'stolen-plate', 'wanted-person', 'felony-vehicle', 'amber-alert'];
    const states = ['CA', 'NV', 'AZ', 'OR', 'WA', 'TX', 'NY', 'FL'];
    const lines = ['plate,state,list,reason,case_number'];
    for (let i = 0; i < n; i++) lines.push(`${plateOf(i)},${states[i % 8]},${lists[i % 5]},Reason ${i % 50},C-${i}`);
    const text = `${lines.join('\n')}\n`;
    lines.length = 0;
    ctx.log(`generated ${n} entries (${(text.length / 1e6).toFixed(1)} MB of CSV)`);

    global.gc?.();
    const rss0 = rssMb();
    let t0 = performance.now();
    const r = importHotlistText(db, text, 'bench.csv', { mode: 'all-or-nothing', source: 'state', clock, newId });
    const importS = (performance.now() - t0) / 1000;
    if (!r.applied || r.imported !== n) throw new Error(`import failed: ${r.rejectedBecause}`);
    const rssImport = rssMb();
    figures.push({ name: `import ${n} entries (parse + one transaction)`, value: +importS.toFixed(2), unit: 's', target: '< 10 s' });
    figures.push({ name: 'import peak RSS growth', value: Math.round(rssImport - rss0), unit: 'MB', target: '< 300 MB' });

    // The daemon's path: staged import, chunks yielding to the loop, swap, old rows deleted.
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 1);
    t0 = performance.now();
    const staged = await importHotlistStaged(db, text, 'bench.csv', { mode: 'all-or-nothing', source: 'state', clock, newId, chunkSize: 5_000 });
    const stagedS = (performance.now() - t0) / 1000;
    clearInterval(ticker);
    if (!staged.applied) throw new Error('staged import failed');
    figures.push({ name: `staged import ${n} entries (replacing ${staged.replaced})`, value: +stagedS.toFixed(2), unit: 's' });
    figures.push({ name: 'staged import longest event-loop stall (includes the parse)', value: Math.round(longestGap), unit: 'ms' });

    const cache = new HotlistCache(db, { clock, maxAgeMs: () => 24 * 3_600_000, chunkSize: 2_000 });
    global.gc?.();
    const rssBeforeIndex = rssMb();
    t0 = performance.now();
    await cache.refresh();
    const buildS = (performance.now() - t0) / 1000;
    const rssIndex = rssMb();
    figures.push({ name: 'match index build from SQLite (background, chunked)', value: +buildS.toFixed(2), unit: 's' });
    figures.push({ name: 'match index build longest step', value: +cache.stats().longestStepMs.toFixed(1), unit: 'ms', target: '< 1 frame (66 ms at 15 fps)' });
    figures.push({ name: 'match index RSS growth', value: Math.round(rssIndex - rssBeforeIndex), unit: 'MB' });
    figures.push({ name: 'RSS total after import + index', value: Math.round(rssIndex), unit: 'MB' });

    // 1,000 wildcard entries, as local entries would be.
    const rand = rng(7);
    const wild: HotlistEntry[] = [];
    for (let i = 0; i < 1000; i++) {
      const p = plateOf(n + i);
      const k = Math.floor(rand() * 5);
      const pattern = i % 2 === 0 ? `${p.slice(0, 3 + (k % 3))}*` : `${p.slice(0, k)}?${p.slice(k + 1)}`;
      wild.push({ id: `w${i}`, plate: pattern, state: null, list: 'local', reason: 'bench', caseNumber: `L-${i}`, source: 'local', importedAt: 0 });
    }
    // Swap the bench's wildcard index in beside the imported list (what refreshLocal does with approved entries).
    const withWild = { indexes: [cache.snapshot.indexes[0]!, buildMatchIndex(wild)], freshness: cache.snapshot.freshness };
    Object.defineProperty(cache, 'current', { value: withWild, writable: true });

    const SAMPLES = 5_000;
    const exact: MatchInput[] = [];
    const conf: MatchInput[] = [];
    const partial: MatchInput[] = [];
    const miss: MatchInput[] = [];
    const swap: Record<string, string> = { '0': 'O', '1': 'I', '8': 'B', '5': 'S', '2': 'Z', '6': 'G' };
    for (let s = 0; s < SAMPLES; s++) {
      const p = plateOf(Math.floor(rand() * n));
      const alts = [{ text: p }, { text: `${p.slice(1)}X` }, { text: `X${p.slice(1)}` }];
      exact.push({ text: p, candidates: alts });
      const c = [...p].map((ch) => swap[ch] ?? ch).join('');
      conf.push({ text: c === p ? p.replace(/./, '0') : c, candidates: alts });
      const w = wild[s % 1000] as HotlistEntry;
      partial.push({ text: w.plate.replace('*', 'K9').replace('?', 'M'), candidates: alts });
      miss.push({ text: `ZZ${p.slice(2)}Q`, candidates: [{ text: `ZZ${p.slice(2)}` }] });
    }
    for (const [name, inputs, hit] of [
      ['exact', exact, true],
      ['confusable', conf.filter((_, i) => (i & 1) === 0), false],
      ['partial (1,000 wildcard entries)', partial, true],
      ['miss', miss, false],
    ] as const) {
      const t = timeMatches(cache, [...inputs], hit);
      figures.push({ name: `match ${name} p50`, value: t.p50, unit: 'µs' });
      figures.push({ name: `match ${name} p99`, value: t.p99, unit: 'µs', target: '< 100 µs' });
    }
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
