/**
 * scripts/provision.sh rehearsed into a temporary tree (--root): it lays out the appliance
 * (app, launcher, config from the profile, root-only credentials, unit + credentials drop-in,
 * enable link), touches nothing outside the tree, and a second run changes nothing at all.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { packageRoot } from '../../src/platform/paths.ts';
import { tempDir } from '../unit/capture/capture-test-inputs.ts';

const script = resolve(packageRoot, 'scripts/provision.sh');

function provision(root: string, ...args: string[]): string {
  return execFileSync('bash', [script, '--root', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Every path under `dir` with its type, mode, and content hash or link target. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = lstatSync(p);
    const rel = relative(dir, p) || '.';
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) out.push(`${rel} link ${readlinkSync(p)}`);
    else if (st.isDirectory()) {
      out.push(`${rel} dir ${mode}`);
      for (const name of readdirSync(p).sort()) walk(join(p, name));
    } else out.push(`${rel} file ${mode} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
  };
  walk(dir);
  return out;
}

describe('scripts/provision.sh --root (rehearsal)', () => {
  const root = tempDir('provision');
  const secretDir = tempDir('provision-secrets');
  writeFileSync(join(secretDir, 'front.pw'), 'front-camera-password\n');
  writeFileSync(join(secretDir, 'mqtt.pw'), 'mqtt-password\n');
  const args = ['--profile', 'patrol-car', '--credential', `camera-front=${join(secretDir, 'front.pw')}`, '--credential', `mqtt-password=${join(secretDir, 'mqtt.pw')}`];

  it('installs the appliance layout from a profile, only printing what it would run on a real box', () => {
    const out = provision(root, ...args);
    expect(out).toMatch(/provision: \d+ change\(s\)/);
    const wouldRun = out.split('\n').filter((l) => l.startsWith('provision: would run: '));
    for (const step of ['apt-get install', 'useradd --system', 'npm ci --omit=dev', 'systemctl enable alpr-edge.service']) {
      expect(wouldRun.some((l) => l.includes(step)), step).toBe(true);
    }
    // The profile became the config, valid against the schema; the schema sits beside it.
    const cfg = loadConfig(join(root, 'etc/alpr-edge/config.yaml'));
    expect(cfg.cameras.map((c) => c.id)).toEqual(['front', 'left', 'right']);
    expect(readFileSync(join(root, 'etc/alpr-edge/config.schema.json'), 'utf8')).toBe(readFileSync(resolve(packageRoot, 'firmware-config/config.schema.json'), 'utf8'));
    // Secrets: root-only files, loaded by the unit as credentials; the missing ones are named.
    expect((lstatSync(join(root, 'etc/alpr-edge/credentials')).mode & 0o777).toString(8)).toBe('700');
    expect((lstatSync(join(root, 'etc/alpr-edge/credentials/camera-front')).mode & 0o777).toString(8)).toBe('600');
    expect(readFileSync(join(root, 'etc/systemd/system/alpr-edge.service.d/credentials.conf'), 'utf8')).toContain(
      '[Service]\nLoadCredential=camera-front:/etc/alpr-edge/credentials/camera-front\nLoadCredential=mqtt-password:/etc/alpr-edge/credentials/mqtt-password\n',
    );
    expect(out).not.toContain('front-camera-password');
    // The app, its launcher, the unit and its enable link.
    expect(readFileSync(join(root, 'opt/alpr-edge/src/bin.js'), 'utf8')).toBe(readFileSync(resolve(packageRoot, 'src/bin.js'), 'utf8'));
    expect(readFileSync(join(root, 'opt/alpr-edge/bin/alpr-edge'), 'utf8')).toMatch(/^#!\/bin\/sh\n[\s\S]*exec \S*node \/opt\/alpr-edge\/src\/bin\.js "\$@"\n$/);
    expect((lstatSync(join(root, 'opt/alpr-edge/bin/alpr-edge')).mode & 0o777).toString(8)).toBe('755');
    expect(readlinkSync(join(root, 'usr/local/bin/alpr-edge'))).toBe('/opt/alpr-edge/bin/alpr-edge');
    expect(readFileSync(join(root, 'etc/systemd/system/alpr-edge.service'), 'utf8')).toBe(readFileSync(resolve(packageRoot, 'systemd/alpr-edge.service'), 'utf8'));
    expect(readlinkSync(join(root, 'etc/systemd/system/multi-user.target.wants/alpr-edge.service'))).toBe('/etc/systemd/system/alpr-edge.service');
    expect((lstatSync(join(root, 'var/lib/alpr-edge')).mode & 0o777).toString(8)).toBe('750');
    // Nothing outside the tree: every path it wrote is under --root.
    expect(out.match(/changed: (\S+)/g)?.every((l) => l.includes(root) || l.startsWith('changed: enabled'))).toBe(true);
  });

  it('a second run changes nothing: same tree, same modes, same contents', () => {
    const before = snapshot(root);
    expect(before.length).toBeGreaterThan(20);
    const out = provision(root, ...args);
    expect(out).toContain('provision: nothing to change');
    expect(out).not.toContain('changed:');
    expect(snapshot(root)).toEqual(before);
  });

  it('keeps a locally edited config and says so', () => {
    const config = join(root, 'etc/alpr-edge/config.yaml');
    const edited = readFileSync(config, 'utf8').replace('id: unit-4417', 'id: unit-4418');
    writeFileSync(config, edited);
    const out = provision(root, '--profile', 'patrol-car');
    expect(out).toContain('keeping the existing /etc/alpr-edge/config.yaml');
    expect(readFileSync(config, 'utf8')).toBe(edited);
    expect(out).toContain('provision: nothing to change');
  });

  it('refuses a first install without a profile, and bad arguments', () => {
    const empty = tempDir('provision-empty');
    const run = (...a: string[]): string => {
      try {
        provision(empty, ...a);
        return 'exit 0';
      } catch (err) {
        return String((err as { stderr?: string }).stderr);
      }
    };
    expect(run()).toContain('choose one with --profile');
    expect(run('--profile', 'no-such-place')).toContain('no profile firmware-config/no-such-place.yaml');
    expect(run('--profile', 'pole', '--credential', 'bad name=/x')).toContain('NAME=FILE');
    expect(execFileSync('bash', [script, '--help'], { encoding: 'utf8' })).toContain('--root DIR installs into DIR');
  });
});
