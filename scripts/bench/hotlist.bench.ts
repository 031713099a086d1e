/**
 * Hot-list bench: import time and memory for 1,000,000 entries; a signed 1,000,000-entry list
 * applied the daemon's way (HotlistSync: verified and parsed in a worker thread, staged in
 * chunks, swapped, index rebuilt in a worker, old rows deleted) with the longest event-loop delay
 * meanwhile; index build; and match latency p50/p99 for exact, confusable and partial matching
 * against that list plus 1,000 wildcard entries. `npm run bench -- hotlist`
 * (HOTLIST_BENCH_ENTRIES=N for a smaller run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HotlistCache } from '../../src/hotlist/cache.ts';
import { importHotlistText } from '../../src/hotlist/import.ts';
import { buildMatchIndex } from '../../src/hotlist/match-index.ts';
import type { MatchInput } from '../../src/hotlist/match.ts';
import { generateSigningKeys, loadPublicKey, signEnvelope } from '../../src/hotlist/signing.ts';
import { HotlistSync } from '../../src/hotlist/sync.ts';
import type { HotlistEntry } from '../../src/hotlist/types.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/logger.ts';
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
    const peak0 = process.resourceUsage().maxRSS / 1024;
    let t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const r = importHotlistText(db, text, 'bench.csv', { mode: 'all-or-nothing', source: 'state', clock, newId });
    const importS = (performance.now() - t0) / 1000;
    const importCpu = process.cpuUsage(cpu0);
    if (!r.applied || r.imported !== n) throw new Error(`import failed: ${r.rejectedBecause}`);
    // The import is one synchronous call: its peak is the process's peak RSS, if it set a new one.
    const rssImport = Math.max(rssMb(), process.resourceUsage().maxRSS / 1024, peak0);
    figures.push({ name: `import ${n} entries (parse + one transaction), wall`, value: +importS.toFixed(2), unit: 's', target: '< 10 s' });
    figures.push({ name: 'import CPU time of this process (all threads)', value: +((importCpu.user + importCpu.system) / 1e6).toFixed(2), unit: 's' });
    figures.push({ name: 'import peak RSS growth (upper bound)', value: Math.round(rssImport - rss0), unit: 'MB', target: '< 300 MB' });
    ctx.log(`import: ${importS.toFixed(1)} s`);

    // The daemon's path: a signed list through HotlistSync (worker-thread verify + parse, chunks
    // written between yields, atomic swap, index rebuilt in a worker thread, the replaced rows deleted).
    const cache = new HotlistCache(db, { clock, maxAgeMs: () => 24 * 3_600_000 });
    cache.loadNow();
    const keys = generateSigningKeys();
    const manifest = { source: 'state', version: 'bench-2', kind: 'full' as const, format: 'csv' as const, generatedAt: new Date(clock.now()).toISOString() };
    const envelope = Buffer.from(signEnvelope(manifest, text, keys.privateKeyPem));
    const sync = new HotlistSync(db, { clock, logger: silentLogger(), publicKey: loadPublicKey(keys.publicKeyPem), feeds: [], pushSources: ['state'], cache, newId });
    // The bench's own garbage (the generated million-line CSV, the import's records) is collected
    // first: in the daemon a synced list arrives as one off-heap buffer, with no such heap to collect.
    global.gc?.();
    const delay = monitorEventLoopDelay({ resolution: 5 });
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 1);
    delay.enable();
    t0 = performance.now();
    const synced = await sync.applyPushed(envelope, 'bench');
    const syncS = (performance.now() - t0) / 1000;
    delay.disable();
    clearInterval(ticker);
    if (synced.result !== 'applied' || synced.entries !== n) throw new Error('sync failed');
    figures.push({ name: `sync ${n} entries replacing ${n} (signed envelope, worker parse, staged, swap, index rebuild, old rows deleted)`, value: +syncS.toFixed(2), unit: 's' });
    figures.push({ name: 'sync: max event-loop delay (monitorEventLoopDelay)', value: Math.round(delay.max / 1e6), unit: 'ms', target: '< 1 frame (66 ms at 15 fps)' });
    figures.push({ name: 'sync: event-loop delay p99', value: +(delay.percentile(99) / 1e6).toFixed(1), unit: 'ms' });
    figures.push({ name: 'sync: longest gap between 1 ms timer ticks', value: Math.round(longestGap), unit: 'ms' });
    figures.push({ name: `sync: index swap on the main thread (index read in a ${cache.stats().builtIn} thread)`, value: +cache.stats().installMs.toFixed(1), unit: 'ms' });
    ctx.log(`sync: ${syncS.toFixed(1)} s, max event-loop delay ${Math.round(delay.max / 1e6)} ms`);

    global.gc?.();
    const rssBeforeIndex = rssMb();
    const buildDelay = monitorEventLoopDelay({ resolution: 5 });
    buildDelay.enable();
    t0 = performance.now();
    const fresh = new HotlistCache(db, { clock, maxAgeMs: () => 24 * 3_600_000 });
    await fresh.refresh();
    const buildS = (performance.now() - t0) / 1000;
    buildDelay.disable();
    const rssIndex = rssMb();
    figures.push({ name: `match index build from SQLite (${fresh.stats().builtIn} thread, typed arrays transferred)`, value: +buildS.toFixed(2), unit: 's' });
    figures.push({ name: 'match index build: max event-loop delay', value: Math.round(buildDelay.max / 1e6), unit: 'ms', target: '< 1 frame (66 ms at 15 fps)' });
    figures.push({ name: 'match index RSS (a second index beside the first)', value: Math.round(rssIndex - rssBeforeIndex), unit: 'MB' });
    figures.push({ name: 'RSS total after import + sync + two indexes', value: Math.round(rssIndex), unit: 'MB' });

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
