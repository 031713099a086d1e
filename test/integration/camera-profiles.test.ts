/**
 * Every installation profile in firmware-config/ is valid against the one schema, names its
 * cameras' secrets by credential or file only, and builds a frame source for each camera.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFrameSource, isLiveCamera } from '../../src/capture/create-source.ts';
import { loadConfig } from '../../src/config/load.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { packageRoot } from '../../src/platform/paths.ts';

const dir = resolve(packageRoot, 'firmware-config');
const profiles = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();

describe('firmware-config profiles', () => {
  it('include the demo, the pole and the patrol car', () => {
    expect(profiles).toEqual(expect.arrayContaining(['demo.yaml', 'pole.yaml', 'patrol-car.yaml']));
  });

  it.each(profiles)('%s is valid, keeps secrets out of the file and builds every camera', (name) => {
    const file = join(dir, name);
    const cfg = loadConfig(file); // throws ConfigError naming every problem
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('$schema=./config.schema.json');
    expect(text).not.toMatch(/^\s*password\s*:/m);
    expect(text).not.toMatch(/:\/\/[^\s/@]+:[^\s/@]+@/); // no user:password@ in any URL
    for (const cam of cfg.cameras) {
      const source = createFrameSource(cam, { clock: new ManualClock(0) });
      expect(source.id).toBe(cam.id);
      if ('auth' in cam && cam.auth) expect(cam.auth.passwordCredential ?? cam.auth.passwordFile).toBeTruthy();
    }
  });

  it('the pole has one live IP camera with its login in a systemd credential', () => {
    const cfg = loadConfig(join(dir, 'pole.yaml'));
    expect(cfg.cameras).toHaveLength(1);
    expect(cfg.cameras[0]).toMatchObject({ type: 'rtsp', auth: { passwordCredential: expect.any(String) } });
    expect(cfg.store.dataDir).toBe('/var/lib/alpr-edge');
  });

  it('the patrol car has three live cameras, USB ones by stable by-id paths, sharing the CPU', () => {
    const cfg = loadConfig(join(dir, 'patrol-car.yaml'));
    expect(cfg.cameras).toHaveLength(3);
    expect(cfg.cameras.every(isLiveCamera)).toBe(true);
    for (const cam of cfg.cameras) {
      if (cam.type === 'v4l2') expect(cam.device).toMatch(/^\/dev\/v4l\/by-(id|path)\//);
      expect('maxFps' in cam && cam.maxFps).toBeLessThanOrEqual(8);
    }
    expect(cfg.store.dataDir).toBe('/var/lib/alpr-edge');
  });
});
