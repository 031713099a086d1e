import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCentralConfig, parseCentralConfig } from '../../../src/central/config.ts';
import { ConfigError } from '../../../src/config/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'alpr-central-cfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problems(raw: unknown): string[] {
  try {
    parseCentralConfig(raw, 'c.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('central config', () => {
  it('fills defaults around the one required field (the receiver name)', () => {
    const cfg = parseCentralConfig({ receiver: { name: 'rx-1' } }, 'c.yaml');
    expect(cfg).toMatchObject({
      broker: { url: 'mqtt://127.0.0.1:1883', rejectUnauthorized: true },
      topicPrefix: 'alpr',
      receiver: { name: 'rx-1', group: 'alpr-central', lanes: 32, sessionExpiryS: 604_800 },
      store: { kind: 'sqlite', path: 'central.db' },
      ack: { windowMs: 200, maxIds: 1000 },
      hotlistPublish: { retain: true },
    });
  });

  it('names every problem by its path', () => {
    expect(problems({})).toEqual(['receiver: Invalid input: expected object, received undefined']);
    expect(problems({ receiver: { name: 'a/b' }, broker: { url: 'http://x', certFile: 'c.pem' }, ack: { maxIds: 5000 }, extra: 1 })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^receiver\.name: one topic level/),
        expect.stringMatching(/^broker\.url: an mqtt:\/\//),
        expect.stringMatching(/^broker\.certFile: certFile and keyFile go together/),
        expect.stringMatching(/^ack\.maxIds: /),
        '(root): unknown key(s): extra',
      ]),
    );
    expect(problems({ receiver: { name: 'r' }, store: { kind: 'mysql' } })[0]).toMatch(/^store\.kind: /);
    expect(problems({ receiver: { name: 'r' }, store: { kind: 'postgres', url: 'mysql://x' } })[0]).toMatch(/^store\.url: a postgres:\/\/ URL/);
    expect(problems({ receiver: { name: 'r' }, topicPrefix: 'a/#' })[0]).toMatch(/^topicPrefix: /);
  });

  it('loads YAML and resolves paths against the config file', () => {
    const file = join(dir, 'central.yaml');
    writeFileSync(
      file,
      ['broker: {url: "mqtts://broker:8883", caFile: ca.pem, certFile: /etc/c.pem, keyFile: k.pem, passwordFile: pw}', 'receiver: {name: rx}', 'store: {kind: postgres, host: db, passwordFile: secrets/db}'].join('\n'),
    );
    const cfg = loadCentralConfig(file);
    expect(cfg.broker).toMatchObject({ caFile: join(dir, 'ca.pem'), certFile: '/etc/c.pem', keyFile: join(dir, 'k.pem'), passwordFile: join(dir, 'pw') });
    expect(cfg.store).toMatchObject({ kind: 'postgres', host: 'db', port: 5432, database: 'alpr', passwordFile: join(dir, 'secrets/db') });
  });

  it('says which file is missing or malformed', () => {
    expect(() => loadCentralConfig(join(dir, 'none.yaml'))).toThrow(/cannot read config file .*none\.yaml/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'receiver: {name: rx\n');
    expect(() => loadCentralConfig(bad)).toThrow(/bad\.yaml: invalid configuration/);
  });
});

describe('firmware-config/central/central.example.yaml', () => {
  it('is a valid central config', () => {
    const cfg = loadCentralConfig(join(import.meta.dirname, '../../../firmware-config/central/central.example.yaml'));
    expect(cfg.store).toMatchObject({ kind: 'postgres', host: 'db.central.example', ssl: true });
    expect(cfg.receiver).toMatchObject({ name: 'central-1', group: 'alpr-central', lanes: 32 });
  });
});
