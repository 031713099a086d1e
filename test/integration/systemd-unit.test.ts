/**
 * systemd/alpr-edge.service, as scripts/provision.sh installs it (with its credentials drop-in),
 * passes `systemd-analyze verify` with no warning and `systemd-analyze security` with a low
 * exposure. verify checks that the Exec binaries exist, so the unit is verified against a
 * rehearsal install whose /opt/alpr-edge paths are rewritten to lie in that tree.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/platform/paths.ts';
import { tempDir } from '../unit/capture/capture-test-inputs.ts';

const unitText = readFileSync(resolve(packageRoot, 'systemd/alpr-edge.service'), 'utf8');

function analyze(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync('systemd-analyze', args, { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('systemd/alpr-edge.service', () => {
  const root = tempDir('unit-root');
  const check = tempDir('unit-check');
  let unit = '';

  beforeAll(() => {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' }); // Debian package "systemd"
    const secret = join(root, 'cam.pw');
    writeFileSync(secret, 'pw\n');
    execFileSync('bash', [resolve(packageRoot, 'scripts/provision.sh'), '--root', root, '--profile', 'pole', '--credential', `camera-pole-17-north=${secret}`], {
      stdio: 'ignore',
    });
    // The installed unit and drop-in, with the app's paths pointing into the rehearsal tree.
    const installed = join(root, 'etc/systemd/system');
    unit = join(check, 'alpr-edge.service');
    writeFileSync(unit, readFileSync(join(installed, 'alpr-edge.service'), 'utf8').replaceAll('/opt/alpr-edge/bin/', `${root}/opt/alpr-edge/bin/`));
    cpSync(join(installed, 'alpr-edge.service.d'), join(check, 'alpr-edge.service.d'), { recursive: true });
  });

  it('passes systemd-analyze verify without a single warning', () => {
    const { status, output } = analyze('verify', '--man=no', unit);
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('verify really checks the binaries: the unit fails it where the app is not installed', () => {
    if (existsSync('/opt/alpr-edge/bin/alpr-edge')) return; // this machine is an appliance
    const bare = join(check, 'bare', 'alpr-edge.service');
    cpSync(resolve(packageRoot, 'systemd/alpr-edge.service'), bare);
    const { status, output } = analyze('verify', '--man=no', bare);
    expect(status).not.toBe(0);
    expect(output).toContain('/opt/alpr-edge/bin/alpr-edge');
  });

  it('is hardened: overall exposure at most 3.0 of 10 in systemd-analyze security', () => {
    const { status, output } = analyze('security', '--offline=true', '--threshold=30', unit);
    expect(output).toMatch(/Overall exposure level for alpr-edge\.service: [0-2]\.\d|Overall exposure level for alpr-edge\.service: 3\.0/);
    expect(status).toBe(0);
  });

  it('states the contract: notify + watchdog, config checked first, own user, only the data dir writable, cameras and serial only', () => {
    const lines = new Set(unitText.split('\n').map((l) => l.trim()));
    for (const line of [
      'Type=notify',
      'NotifyAccess=all',
      'WatchdogSec=30s',
      'ExecStartPre=/opt/alpr-edge/bin/alpr-edge validate-config /etc/alpr-edge/config.yaml',
      'ExecStart=/opt/alpr-edge/bin/alpr-edge run --config /etc/alpr-edge/config.yaml --quiet',
      'User=alpr',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/alpr-edge',
      'NoNewPrivileges=yes',
      'DevicePolicy=closed',
      'CapabilityBoundingSet=',
    ]) {
      expect(lines.has(line), line).toBe(true);
    }
    expect(unitText.match(/^DeviceAllow=.*$/gm)).toEqual([
      'DeviceAllow=char-video4linux rw',
      'DeviceAllow=char-ttyUSB rw',
      'DeviceAllow=char-ttyACM rw',
      'DeviceAllow=char-usb_device rw',
    ]);
    for (const word of ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'READY=1', 'WATCHDOG=1', 'STOPPING=1', 'CREDENTIALS_DIRECTORY']) expect(unitText).toContain(word);
    expect(readFileSync(join(check, 'alpr-edge.service.d/credentials.conf'), 'utf8')).toContain(
      'LoadCredential=camera-pole-17-north:/etc/alpr-edge/credentials/camera-pole-17-north',
    );
  });
});
