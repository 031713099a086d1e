/**
 * Every expected failure of the daemon's CLI is one clear message and a non-zero exit, never a
 * bare stack trace: bad config, a missing model, a model with the wrong checksum, a corrupt video.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/platform/paths.ts';

const bin = resolve(packageRoot, 'src/bin.js');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectCleanFailure(r: { status: number | null; stderr: string }, message: RegExp): void {
  expect(r.status).not.toBe(0);
  expect(r.status).not.toBeNull();
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/^\s+at /m); // no stack frames
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'alpr-cli-'));
}

describe('CLI failures', () => {
  it('validate-config lists every problem with its path and exits 1', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'cameras:\n  - {type: video-file, id: "bad id", path: x.mp4}\nreader: {minConfidence: 2}\nmqtt: {url: http://x}\n');
    const r = cli(['validate-config', file]);
    expectCleanFailure(r, /invalid configuration/);
    expect(r.stderr).toMatch(/cameras\[0\]\.id: /);
    expect(r.stderr).toMatch(/reader\.minConfidence: /);
    expect(r.stderr).toMatch(/mqtt\.url: /);
    expect(r.status).toBe(1);
  });

  it('validate-config accepts the demo config', () => {
    const r = cli(['validate-config', resolve(packageRoot, 'firmware-config/demo.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('run with a missing config file says so', () => {
    expectCleanFailure(cli(['run', '--config', '/nonexistent/alpr.yaml']), /cannot read config file \/nonexistent\/alpr\.yaml/);
  });

  it('a missing model file is named, with the manifest', () => {
    const dir = tempDir();
    const manifest = JSON.parse(readFileSync(resolve(packageRoot, 'models/manifest.json'), 'utf8')) as {
      models: Array<{ name: string; file: unknown }>;
    };
    const det = manifest.models.find((m) => m.name === 'det');
    if (!det) throw new Error('manifest has no det model');
    det.file = { path: 'det-missing.onnx' };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const img = join(dir, 'x.jpg');
    copyFileSync(resolve(packageRoot, 'fixtures/images/plates-demo-f0071.jpg'), img);
    const config = join(dir, 'c.yaml');
    writeFileSync(config, `cameras: [{type: image-folder, id: a, path: ${dir}}]\nreader: {modelsDir: ${dir}}\nstore: {dataDir: ${join(dir, 'data')}}\nmqtt: {enabled: false}\nhttp: {enabled: false}\n`);
    expectCleanFailure(cli(['run', '--config', config]), /det-missing\.onnx/);
  });

  it('a model with the wrong checksum is refused', () => {
    const dir = tempDir();
    const manifest = JSON.parse(readFileSync(resolve(packageRoot, 'models/manifest.json'), 'utf8')) as {
      models: Array<{ name: string; sha256: string }>;
    };
    const rec = manifest.models.find((m) => m.name === 'rec');
    if (!rec) throw new Error('manifest has no rec model');
    rec.sha256 = '0'.repeat(64);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const config = join(dir, 'c.yaml');
    writeFileSync(config, `cameras: [{type: image-folder, id: a, path: ${dir}}]\nreader: {modelsDir: ${dir}}\nstore: {dataDir: ${join(dir, 'data')}}\nmqtt: {enabled: false}\nhttp: {enabled: false}\n`);
    expectCleanFailure(cli(['run', '--config', config]), /sha256|checksum/i);
  });

  it('a corrupt video fails its camera with the file named, and the run exits 1', () => {
    const dir = tempDir();
    const video = join(dir, 'broken.mp4');
    const good = readFileSync(resolve(packageRoot, 'fixtures/video/plates-demo.mp4'));
    writeFileSync(video, Buffer.concat([Buffer.from('not a video at all'), good.subarray(good.length - 4096)]));
    const config = join(dir, 'c.yaml');
    writeFileSync(config, `cameras: [{type: video-file, id: a, path: ${video}, replay: fast}]\nstore: {dataDir: ${join(dir, 'data')}}\nmqtt: {enabled: false}\nhttp: {enabled: false}\n`);
    const r = cli(['run', '--config', config, '--quiet']);
    expectCleanFailure(r, /camera a: cannot read video .*broken\.mp4/);
    expect(r.status).toBe(1);
  });
});
