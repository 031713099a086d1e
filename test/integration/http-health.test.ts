/**
 * /healthz and /metrics of a running daemon: the real reader on the bundled stills, no broker
 * configured at first (so health says exactly what is missing), then the readings in /metrics.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/app/app.ts';
import { parseConfigText } from '../../src/config/load.ts';
import { freePort } from '../support/mosquitto.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { packageRoot } from '../../src/platform/paths.ts';

describe('daemon on stills: health, metrics and stored position', () => {
  let app: App;
  let base: string;
  let dataDirUsed: string;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'alpr-http-'));
    dataDirUsed = dataDir;
    // A broker URL where nothing listens: delivery is enabled but cannot connect.
    const deadBroker = `mqtt://127.0.0.1:${await freePort()}`;
    const config = parseConfigText(
      [
        `cameras: [{type: image-folder, id: stills, path: ${JSON.stringify(resolve(packageRoot, 'fixtures/images'))}, replay: fast}]`,
        `store: {dataDir: ${JSON.stringify(dataDir)}}`,
        `mqtt: {url: ${JSON.stringify(deadBroker)}}`,
        'http: {port: 0}',
        'gps: {surveyed: {lat: 38.5559, lon: -121.4447, altitude: 12}}',
      ].join('\n'),
      'http.yaml',
    );
    app = new App(config, { clock: systemClock, logger: silentLogger() });
    await app.start();
    await app.camerasEnded();
    base = app.httpAddress() ?? '';
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('reports not ready with the reason when the broker is unreachable', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { ready: boolean; reasons: string[]; checks: Record<string, string> };
    expect(body.ready).toBe(false);
    expect(body.checks).toMatchObject({ models: 'ok', store: 'ok', 'camera:stills': 'ok', broker: 'fail' });
    expect(body.reasons).toEqual([expect.stringMatching(/^broker not connected/)]);
  });

  it('exposes frame, pass, stage-latency and outbox figures for Prometheus', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^alpr_frames_total\{camera="stills"\} 3$/m);
    expect(text).toMatch(/^alpr_stage_seconds_count\{stage="read"\} 3$/m);
    expect(text).toMatch(/^alpr_outbox_pending 0$/m);
    expect(text).toMatch(/^alpr_disk_free_bytes \d+/m);
    // prom-client prints NaN as "Nan", which Prometheus parses as NaN: no import yet.
    expect(text).toMatch(/^alpr_hotlist_age_seconds Nan$/m);
    const passes = Number(/^alpr_passes_total\{camera="stills"\} (\d+)$/m.exec(text)?.[1]);
    expect(passes).toBeGreaterThanOrEqual(3);
  });

  it('stores the surveyed position of a fixed install with every detection', () => {
    const db = new Database(join(dataDirUsed, 'alpr.db'), { readonly: true });
    const rows = db.prepare('SELECT gps_lat AS lat, gps_lon AS lon, gps_fix_type AS type FROM detections').all() as { lat: number; lon: number; type: string }[];
    db.close();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const r of rows) expect(r).toEqual({ lat: 38.5559, lon: -121.4447, type: 'surveyed' });
  });
});
