/** `alpr-edge central` as a process: configuration and store problems are one clear line and a non-zero exit. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../src/bin.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'alpr-central-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

describe('alpr-edge central (errors)', () => {
  it('reports usage, a bad config and an unreachable store clearly', async () => {
    const usage = await run(['central']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^alpr-edge: usage: alpr-edge central --config FILE/);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'receiver: {name: "a b"}\nstore: {kind: oracle}\n');
    const invalid = await run(['central', '--config', bad]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('bad.yaml: invalid configuration');
    expect(invalid.stderr).toMatch(/receiver\.name: one topic level/);
    expect(invalid.stderr).toMatch(/store\.kind: /);

    const pg = join(dir, 'pg.yaml');
    writeFileSync(pg, 'receiver: {name: rx}\nstore: {kind: postgres, url: "postgres://alpr@127.0.0.1:1/alpr"}\n');
    const down = await run(['central', '--config', pg]);
    expect(down.code).toBe(1);
    expect(down.stderr.trim()).toMatch(/^alpr-edge: cannot connect to the central PostgreSQL store at 127\.0\.0\.1:1\/alpr: .*ECONNREFUSED/);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
  });
});
