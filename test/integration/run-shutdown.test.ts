/**
 * Graceful shutdown of `alpr-edge run`: SIGTERM stops capture, finishes what is in hand, keeps
 * the outbox and closes the database cleanly (exit 0, WAL checkpointed); a second SIGTERM exits
 * at once (tested in test/unit/cli/stop-signals.test.ts: a real second signal races the end of
 * the orderly stop). Uses a real-time replay so the daemon is mid-stream when the signal comes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/platform/paths.ts';

const bin = resolve(packageRoot, 'src/bin.js');
const video = resolve(packageRoot, 'fixtures/video/plates-demo.mp4');

function startDaemon(): { child: ReturnType<typeof spawn>; dataDir: string; stdout: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-term-'));
  const dataDir = join(dir, 'data');
  const config = join(dir, 'c.yaml');
  writeFileSync(
    config,
    [
      `cameras: [{type: video-file, id: cam, path: ${JSON.stringify(video)}, replay: realtime, loop: true}]`,
      `store: {dataDir: ${JSON.stringify(dataDir)}}`,
      'mqtt: {enabled: false}',
      'http: {port: 0}',
      'log: {level: info}',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [bin, 'run', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  return { child, dataDir, stdout: () => out, exited };
}

async function waitFor(pred: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('run: SIGTERM', () => {
  it('stops in order, keeps every pass it finished and closes the store', async () => {
    const d = startDaemon();
    await waitFor(() => d.stdout().includes('"msg":"started"'), 90_000);
    await waitFor(() => /^read /m.test(d.stdout()), 90_000); // mid-stream, a pass already stored
    d.child.kill('SIGTERM');
    const { code } = await d.exited;
    expect(code).toBe(0);
    expect(d.stdout()).toMatch(/"msg":"stopping"/);
    expect(d.stdout()).toMatch(/camera cam: \d+ frames/);
    // Closed cleanly: the WAL was checkpointed into the database file and removed.
    expect(existsSync(join(d.dataDir, 'alpr.db-wal'))).toBe(false);
    const db = new Database(join(d.dataDir, 'alpr.db'), { readonly: true });
    const stored = (db.prepare('SELECT COUNT(*) AS n FROM detections').get() as { n: number }).n;
    db.close();
    const printed = d.stdout().match(/^read /gm)?.length ?? 0;
    expect(stored).toBe(printed);
    expect(stored).toBeGreaterThan(0);
  }, 180_000);
});
