import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/platform/paths.ts';

function cli(...args: string[]) {
  return spawnSync(process.execPath, [resolve(packageRoot, 'src/bin.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('alpr-edge read', () => {
  it('reports an unreadable image clearly, without a stack trace, and exits non-zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-read-'));
    const bad = join(dir, 'broken.jpg');
    writeFileSync(bad, 'this is not a JPEG');
    const r = cli('read', '--det-max-side', '320', '--threads', '1', bad, join(dir, 'missing.png'));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`cannot read image ${bad}`);
    expect(r.stderr).toContain('missing.png');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('rejects bad usage with exit status 2', () => {
    expect(cli('read').status).toBe(2);
    expect(cli('read', '--threads', 'x', 'a.jpg').stderr).toContain('--threads must be an integer');
    const bad = cli('read', '--plate-detector', 'maybe', 'a.jpg');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--plate-detector must be one of gate, off');
    const region = cli('read', '--region', 'mars', 'a.jpg');
    expect(region.status).toBe(2);
    expect(region.stderr).toContain('--region must be one of us, eu, br, none');
  });
});
