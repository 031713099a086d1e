/**
 * Search speed on a store the size of a busy month: 1,000,000 reads over 30 days with GPS
 * positions spread over ~20 km. Median of repeated runs for each kind of search the officer's
 * page offers (exact plate, partial plate with a leading or trailing wildcard, one hour, 500 m).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/db.ts';
import { searchDetections, type SearchCriteria } from '../../src/store/detection-search.ts';
import type { BenchContext, BenchFigure } from './types.ts';

const ROWS = 1_000_000;
const DAY = 86_400_000;
const START = Date.UTC(2026, 9, 1);
const ALNUM = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)] as number;
}

export default async function bench(ctx: BenchContext): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-search-bench-'));
  const db = openDatabase(join(dir, 'alpr.db'));
  try {
    const rnd = seeded(42);
    const insert = db.prepare(`INSERT INTO detections (id, captured_at, camera_id, plate, confidence, box_x, box_y, box_w, box_h, created_at, gps_lat, gps_lon, gps_fix_type)
      VALUES (?, ?, 'cam-a', ?, 0.9, 0, 0, 10, 5, ?, ?, ?, '3d')`);
    const t0 = performance.now();
    db.transaction(() => {
      for (let i = 0; i < ROWS; i++) {
        let plate = '';
        for (let k = 0; k < 7; k++) plate += ALNUM[Math.floor(rnd() * ALNUM.length)];
        const at = START + Math.floor((i / ROWS) * 30 * DAY);
        insert.run(String(i).padStart(8, '0'), at, plate, at, 38.5 + (rnd() - 0.5) * 0.2, -121.5 + (rnd() - 0.5) * 0.25);
      }
    })();
    ctx.log(`seeded ${ROWS} reads in ${Math.round(performance.now() - t0)} ms`);
    const probe = (db.prepare('SELECT plate FROM detections WHERE rowid = 500000').get() as { plate: string }).plate;
    const cases: Array<[string, SearchCriteria]> = [
      ['exact plate', { plate: probe, limit: 100 }],
      ['partial plate, trailing *', { plate: `${probe.slice(0, 4)}*`, limit: 100 }],
      ['partial plate, leading *', { plate: `*${probe.slice(3)}`, limit: 100 }],
      ['one hour', { from: START + 15 * DAY, to: START + 15 * DAY + 3_600_000, limit: 500 }],
      ['500 m radius', { near: { lat: 38.5, lon: -121.5, radiusM: 500 }, limit: 500 }],
      ['500 m radius, one day', { near: { lat: 38.5, lon: -121.5, radiusM: 500 }, from: START + 15 * DAY, to: START + 16 * DAY, limit: 500 }],
    ];
    const figures: BenchFigure[] = [];
    for (const [name, criteria] of cases) {
      const times: number[] = [];
      let found = 0;
      for (let r = 0; r < 7; r++) {
        const s = performance.now();
        found = searchDetections(db, criteria).length;
        times.push(performance.now() - s);
      }
      ctx.log(`${name}: ${found} results`);
      figures.push({ name: `${name} (1M reads), median`, value: Math.round(median(times) * 10) / 10, unit: 'ms' });
    }
    return figures;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
