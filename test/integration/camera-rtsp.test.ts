/**
 * RTSP cameras end to end: ffmpeg encodes a live H.264 test pattern and publishes it to a tiny
 * RTSP relay (fake-rtsp-camera.ts, its own process); RtspSource connects to it as it would to
 * an IP camera, over TCP and over UDP, with a login read from a file or a systemd credential.
 * The camera process is SIGKILLed mid-stream and started again: the source recovers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RtspSource, type RtspCamera } from '../../src/capture/ffmpeg-camera.ts';
import { isAlprError } from '../../src/errors.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { liveChildrenMentioning, tempDir } from '../unit/capture/capture-test-inputs.ts';
import { CameraProcess, freePort } from '../unit/capture/fake-cameras.ts';
import { describeLiveSourceContract } from '../unit/capture/live-source-contract.ts';

// A password with every character that would break a naive URL or script.
const PASSWORD = "p@ss:w/rd%'x y";
const reconnect = { initialMs: 100, maxMs: 400 };
const secrets = tempDir('rtsp-secrets');
writeFileSync(join(secrets, 'cam.pw'), `${PASSWORD}\n`, { mode: 0o600 });
writeFileSync(join(secrets, 'rtsp-cam'), PASSWORD, { mode: 0o600 }); // as systemd's LoadCredential leaves it
const credentialEnv = { ...process.env, CREDENTIALS_DIRECTORY: secrets };

/** The RTSP client ffmpeg processes of this test (the only ones reading a script on pipe:3). */
const rtspClients = (_port: number): number[] => liveChildrenMentioning('pipe:3');

function rtspCamera(port: number, transport: 'tcp' | 'udp', auth: RtspCamera['auth']): RtspCamera {
  return { type: 'rtsp', id: `rtsp-${transport}`, url: `rtsp://127.0.0.1:${port}/cam`, transport, auth, reconnect, stallTimeoutMs: 5_000 };
}

for (const transport of ['tcp', 'udp'] as const) {
  let port = 0;
  let camera: CameraProcess;
  describeLiveSourceContract({
    name: `RtspSource over ${transport.toUpperCase()} with a login`,
    setup: async () => {
      port = await freePort();
      camera = new CameraProcess('fake-rtsp-camera.ts', [String(port), '5', 'admin', PASSWORD]);
      await camera.start();
    },
    teardown: () => camera.kill(),
    expected: () => ({ width: 160, height: 120 }),
    make: (deps) =>
      new RtspSource(
        rtspCamera(port, transport, transport === 'tcp' ? { username: 'admin', passwordFile: join(secrets, 'cam.pw') } : { username: 'admin', passwordCredential: 'rtsp-cam' }),
        { ...deps, env: credentialEnv },
      ),
    interrupt: () => camera.kill(),
    restore: () => camera.start(),
    liveProcesses: () => rtspClients(port),
  });
}

describe('RtspSource logins', () => {
  let port = 0;
  let camera: CameraProcess;
  beforeAll(async () => {
    port = await freePort();
    camera = new CameraProcess('fake-rtsp-camera.ts', [String(port), '5', 'admin', PASSWORD]);
    await camera.start();
  });
  afterAll(() => camera.kill());

  it('never puts the password on the ffmpeg command line or in its environment', async () => {
    const ac = new AbortController();
    const source = new RtspSource(rtspCamera(port, 'tcp', { username: 'admin', passwordFile: join(secrets, 'cam.pw') }), { clock: systemClock });
    const it = source.frames(ac.signal)[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false); // logged in: frames flow
    const [pid] = rtspClients(port);
    expect(pid).toBeDefined();
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    for (const form of [PASSWORD, encodeURIComponent(PASSWORD), 'p@ss']) {
      expect(cmdline).not.toContain(form);
      expect(environ).not.toContain(form);
    }
    expect(cmdline).toContain('pipe:3');
    ac.abort();
    expect((await it.next()).done).toBe(true);
  });

  it('a refused login is retried with backoff and the error does not show the password', async () => {
    const wrong = join(secrets, 'wrong.pw');
    writeFileSync(wrong, 'not-the-password\n');
    const ac = new AbortController();
    const source = new RtspSource(rtspCamera(port, 'tcp', { username: 'admin', passwordFile: wrong }), { clock: systemClock, random: () => 0.5 });
    const done = (async () => {
      for await (const _ of source.frames(ac.signal)) throw new Error('no frame expected');
    })();
    await vi.waitFor(() => expect(source.status.failures).toBeGreaterThanOrEqual(2), { timeout: 20_000 });
    expect(source.status.state).not.toBe('streaming');
    expect(source.status.lastError).toMatch(/401|Unauthorized|authoriz/i);
    expect(source.status.lastError).not.toContain('not-the-password');
    ac.abort();
    await done;
    expect(rtspClients(port)).toEqual([]);
  });

  it('a missing password file or credential ends the source with SOURCE_FAILED (retrying cannot fix it)', async () => {
    const cases: Array<[RtspCamera['auth'], NodeJS.ProcessEnv, string]> = [
      [{ username: 'admin', passwordFile: join(secrets, 'missing.pw') }, process.env, 'missing.pw'],
      [{ username: 'admin', passwordCredential: 'rtsp-cam' }, { ...process.env, CREDENTIALS_DIRECTORY: '' }, 'CREDENTIALS_DIRECTORY'],
    ];
    for (const [auth, env, mentions] of cases) {
      const source = new RtspSource(rtspCamera(port, 'tcp', auth), { clock: systemClock, env });
      const err = await (async () => {
        for await (const _ of source.frames()) return new Error('no frame expected');
        return new Error('ended without error');
      })().catch((e: unknown) => e);
      expect(isAlprError(err, 'SOURCE_FAILED'), String(err)).toBe(true);
      expect((err as Error).message).toContain(mentions);
      expect(source.status.state).toBe('stopped');
    }
  });
});
