/**
 * HTTP IP cameras end to end: a node:http camera (fake-http-camera.ts, its own process)
 * streams multipart MJPEG and serves JPEG snapshots made by sharp, behind a Digest or Basic
 * login. It is SIGKILLed mid-stream and started again: the sources recover.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HttpSnapshotSource, MjpegSource, type HttpSnapshotCamera, type MjpegCamera } from '../../src/capture/http-camera.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { tempDir } from '../unit/capture/capture-test-inputs.ts';
import { CameraProcess, freePort, writeJpegs } from '../unit/capture/fake-cameras.ts';
import { describeLiveSourceContract } from '../unit/capture/live-source-contract.ts';

const PASSWORD = 'vid:eo@cam "1"';
const reconnect = { initialMs: 100, maxMs: 400 };
const dir = tempDir('http-camera');
const secrets = tempDir('http-secrets');
writeFileSync(join(secrets, 'cam.pw'), `${PASSWORD}\n`, { mode: 0o600 });
writeFileSync(join(secrets, 'mjpeg-cam'), `${PASSWORD}\n`, { mode: 0o600 });
const credentialEnv = { ...process.env, CREDENTIALS_DIRECTORY: secrets };

const mjpeg = (port: number, path = '/video', auth: MjpegCamera['auth'] = { username: 'viewer', passwordCredential: 'mjpeg-cam' }): MjpegCamera => ({
  type: 'mjpeg',
  id: 'mjpeg',
  url: `http://127.0.0.1:${port}${path}`,
  auth,
  tlsInsecure: false,
  reconnect,
  stallTimeoutMs: 3_000,
});

const snapshot = (port: number): HttpSnapshotCamera => ({
  type: 'http-snapshot',
  id: 'snap',
  url: `http://127.0.0.1:${port}/snapshot`,
  auth: { username: 'viewer', passwordFile: join(secrets, 'cam.pw') },
  tlsInsecure: false,
  intervalMs: 150,
  reconnect,
  stallTimeoutMs: 3_000,
});

const cameras: CameraProcess[] = [];
async function startCamera(scheme: 'basic' | 'digest'): Promise<{ port: number; camera: CameraProcess }> {
  const port = await freePort();
  const camera = new CameraProcess('fake-http-camera.ts', [String(port), dir, '5', scheme, 'viewer', PASSWORD]);
  cameras.push(camera);
  await camera.start();
  return { port, camera };
}

beforeAll(() => writeJpegs(dir, 6));
afterAll(async () => {
  for (const c of cameras) await c.kill();
});

{
  let cam: { port: number; camera: CameraProcess };
  describeLiveSourceContract({
    name: 'MjpegSource (multipart MJPEG, Digest login from a systemd credential)',
    setup: async () => {
      cam = await startCamera('digest');
    },
    teardown: () => cam.camera.kill(),
    expected: () => ({ width: 160, height: 120 }),
    make: (deps) => new MjpegSource(mjpeg(cam.port), { ...deps, env: credentialEnv }),
    interrupt: () => cam.camera.kill(),
    restore: () => cam.camera.start(),
    liveProcesses: () => [],
  });
}

{
  let cam: { port: number; camera: CameraProcess };
  describeLiveSourceContract({
    name: 'HttpSnapshotSource (JPEG polling, Basic login from a file)',
    setup: async () => {
      cam = await startCamera('basic');
    },
    teardown: () => cam.camera.kill(),
    expected: () => ({ width: 160, height: 120 }),
    make: (deps) => new HttpSnapshotSource(snapshot(cam.port), deps),
    interrupt: () => cam.camera.kill(),
    restore: () => cam.camera.start(),
    liveProcesses: () => [],
  });
}

describe('HTTP camera failures', () => {
  let port = 0;
  beforeAll(async () => {
    ({ port } = await startCamera('digest'));
  });

  async function failuresOf(source: MjpegSource): Promise<string> {
    const ac = new AbortController();
    const done = (async () => {
      for await (const _ of source.frames(ac.signal)) throw new Error('no frame expected');
    })();
    await vi.waitFor(() => expect(source.status.failures).toBeGreaterThanOrEqual(2), { timeout: 20_000 });
    ac.abort();
    await done;
    return source.status.lastError ?? '';
  }

  it('a refused login is an error that does not show the password, retried with backoff', async () => {
    const wrong = join(secrets, 'wrong.pw');
    writeFileSync(wrong, 'Sup3r-wrong\n');
    const error = await failuresOf(new MjpegSource(mjpeg(port, '/video', { username: 'viewer', passwordFile: wrong }), { clock: systemClock }));
    expect(error).toContain('refused the login (HTTP 401)');
    expect(error).not.toContain('Sup3r-wrong');
  });

  it('no login configured, or a wrong path, names the HTTP status', async () => {
    expect(await failuresOf(new MjpegSource({ ...mjpeg(port), auth: undefined }, { clock: systemClock }))).toContain('asks for a login');
    const notFound = await failuresOf(new MjpegSource(mjpeg(port, '/nothing-here'), { clock: systemClock, env: credentialEnv }));
    expect(notFound).toContain(`http://127.0.0.1:${port}/nothing-here: HTTP 404`);
  });

  it('maxFps keeps at most that many frames a second from a faster stream', async () => {
    const source = new MjpegSource({ ...mjpeg(port), maxFps: 2 }, { clock: systemClock, env: credentialEnv });
    const ac = new AbortController();
    const times: number[] = [];
    const started = Date.now();
    for await (const f of source.frames(ac.signal)) {
      times.push(f.capturedAt);
      if (Date.now() - started > 2_600) break;
    }
    // 5 fps offered for ~2.6 s: 2 a second kept, at most one per half-second slot.
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(times.length).toBeLessThanOrEqual(7);
    const slots = times.map((t) => Math.floor((t * 2) / 1000));
    expect(new Set(slots).size).toBe(slots.length);
  });
});
