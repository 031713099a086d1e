/**
 * The officer's page end to end, all real: the daemon (`node src/bin.js run`) replays the fixture
 * video with the demo hot list and serves the page; headless Chromium logs in as a trained
 * operator, receives the 6TRK902 hit live, verifies and dispositions it, runs a search with
 * purpose and case number, and the search shows in the audit log (auditor route and the DB).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsersRepo } from '../../src/access/users-repo.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { packageRoot } from '../../src/platform/paths.ts';
import { databaseFile, openDatabase } from '../../src/store/db.ts';
import { freePort } from '../support/mosquitto.ts';

const video = resolve(packageRoot, 'fixtures/video/plates-demo.mp4');
const hotlist = resolve(packageRoot, 'fixtures/hotlists/demo.csv');
const PASSWORD = 'officer password 1';

let daemon: ChildProcess;
let output = '';
let browser: Browser;
let base: string;
let dataDir: string;

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (daemon.exitCode !== null) throw new Error(`daemon exited with ${daemon.exitCode}:\n${output}`);
    try {
      const res = await fetch(url);
      // Ready: the reader is loaded and the camera streams (mqtt is off here).
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`daemon was not ready at ${url} within ${timeoutMs} ms:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'alpr-web-e2e-'));
  // Accounts are made on the daemon's own database file before it starts (as `alpr-edge user add` would).
  const db = openDatabase(databaseFile(dataDir));
  const users = new UsersRepo(db, systemClock);
  for (const [username, roles] of [['officer1', ['operator']], ['auditor1', ['auditor']]] as const) {
    const p = users.create({ username, displayName: username, roles: [...roles], password: PASSWORD });
    users.recordTraining(p.userId, Date.now());
  }
  db.close();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const config = join(dataDir, 'alpr.yaml');
  writeFileSync(
    config,
    [
      'device: {id: car-12, agency: test-agency}',
      // Looped, so the hot-listed car comes by again after the browser has logged in; 'fast' reads
      // every kept frame however loaded the machine is (a paced replay would drop them).
      `cameras: [{type: video-file, id: cam-a, path: ${JSON.stringify(video)}, replay: fast, loop: true, maxFps: 5}]`,
      `store: {dataDir: ${JSON.stringify(dataDir)}}`,
      `hotlist: {importOnStart: [${JSON.stringify(hotlist)}]}`,
      'mqtt: {enabled: false}',
      `http: {host: 127.0.0.1, port: ${port}, web: true}`,
    ].join('\n'),
  );
  daemon = spawn(process.execPath, [resolve(packageRoot, 'src/bin.js'), 'run', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  daemon.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  daemon.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  await waitForHttp(`${base}/healthz`, 90_000);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (daemon && daemon.exitCode === null) {
    const exited = new Promise((r) => daemon.once('exit', r));
    daemon.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe("officer's page in Chromium", () => {
  it('logs in, receives the hit live, verifies and dispositions it, searches, and the search is audited', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(base);
    await page.fill('#login-username', 'officer1');
    await page.fill('#login-password', PASSWORD);
    await page.click('#login-submit');
    await page.waitForSelector('#live-state.on', { timeout: 15_000 });

    // The live alert: the hot-listed car is read on its next pass in front of the camera.
    await page.waitForSelector('#hit-alert:not([hidden])', { timeout: 200_000 });
    expect(await page.textContent('#hit-alert-text')).toMatch(/^HIT 6TRK902 — stolen-vehicle: Stolen vehicle report$/);
    await page.click('#hit-alert-open');
    await page.waitForSelector('#hit-plate');
    expect(await page.textContent('#hit-plate')).toBe('6TRK902');
    expect(await page.textContent('#hit-notice')).toMatch(/^Verify before action/);
    // Crop and reduced full frame side by side, both loaded.
    // (Polled from here: the page's CSP forbids the string evaluation waitForFunction uses.)
    const loaded = () =>
      page.$$eval('#hit-crop, #hit-frame', (imgs) => imgs.map((i) => (i as unknown as { complete: boolean; naturalWidth: number }).naturalWidth));
    await expect.poll(loaded, { timeout: 15_000 }).toEqual([expect.any(Number), expect.any(Number)]);
    await expect.poll(async () => (await loaded()).every((w) => w > 0), { timeout: 15_000 }).toBe(true);
    const [cropWidth, frameWidth] = await loaded();
    expect(cropWidth).toBeGreaterThan(50);
    expect(frameWidth).toBe(640);

    // Disposition buttons stay disabled until the officer ticks "verify".
    expect(await page.isDisabled('button[data-outcome="confirmed"]')).toBe(true);
    await page.check('#verify-check');
    expect(await page.isEnabled('button[data-outcome="confirmed"]')).toBe(true);
    await page.click('button[data-outcome="confirmed"]');
    await page.waitForSelector('text=Recorded: confirmed by officer1');

    // A search with purpose and case number.
    await page.click('button[data-tab="search"]');
    await page.fill('#search-plate', '6TRK9*');
    await page.fill('#search-purpose', 'stolen vehicle follow-up');
    await page.fill('#search-case', '26-004512');
    await page.click('#search-submit');
    await page.waitForSelector('#search-results tbody tr[data-detection]');
    const plates = await page.$$eval('#search-results tbody tr[data-detection] td:nth-child(2)', (tds) => tds.map((t) => t.textContent));
    expect(plates.length).toBeGreaterThanOrEqual(1);
    expect(new Set(plates)).toEqual(new Set(['6TRK902']));
    expect(pageErrors).toEqual([]);

    // The auditor sees the search, with who, why and for which case.
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'auditor1', password: PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const audit = (await (await fetch(`${base}/api/audit?action=search`, { headers: { cookie } })).json()) as { entries: Record<string, unknown>[] };
    expect(audit.entries).toMatchObject([{ username: 'officer1', action: 'search', target: '6TRK9*', purpose: 'stolen vehicle follow-up', caseNumber: '26-004512' }]);

    // And the store holds the disposition against the hit, and the chain of audit entries.
    const db = new Database(databaseFile(dataDir), { readonly: true });
    const dispositions = db.prepare('SELECT d.outcome, d.username, h.plate FROM hit_dispositions d JOIN hits h ON h.id = d.hit_id').all();
    const actions = (db.prepare("SELECT action FROM audit_log WHERE username = 'officer1' ORDER BY seq").all() as { action: string }[]).map((r) => r.action);
    db.close();
    expect(dispositions).toEqual([{ outcome: 'confirmed', username: 'officer1', plate: '6TRK902' }]);
    expect(actions).toEqual(expect.arrayContaining(['login', 'view-hit', 'view-image', 'disposition', 'search']));
  }, 300_000);
});
