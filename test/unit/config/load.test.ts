import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfigText } from '../../../src/config/load.ts';
import { configJsonSchema } from '../../../src/config/schema.ts';
import { renderConfigReference } from '../../../src/config/reference.ts';
import { packageRoot } from '../../../src/platform/paths.ts';

function problems(text: string): string[] {
  try {
    parseConfigText(text, 't.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('config', () => {
  it('fills defaults from the schema', () => {
    const cfg = parseConfigText('cameras:\n  - {type: video-file, id: cam1, path: a.mp4}\n', 't.yaml');
    expect(cfg.device.id).toBe('demo-01');
    expect(cfg.reader.minConfidence).toBe(0.5);
    expect(cfg.cameras[0]).toMatchObject({ replay: 'realtime', loop: false });
    expect(cfg.mqtt.topicPrefix).toBe('alpr');
  });

  it('reports every problem with its path', () => {
    const found = problems(
      'cameras:\n  - {type: video-file, id: cam1, path: a.mp4, fps: 3}\n  - {type: webcam, id: x}\nreader: {threads: 99}\ncolour: red\n',
    );
    expect(found).toContain('cameras[0]: unknown key(s): fps');
    expect(found.some((p) => p.startsWith('cameras[1].type'))).toBe(true);
    expect(found.some((p) => p.startsWith('reader.threads'))).toBe(true);
    expect(found).toContain('(root): unknown key(s): colour');
  });

  it('rejects duplicate camera ids and missing cameras', () => {
    expect(problems('cameras:\n  - {type: video-file, id: a, path: x}\n  - {type: video-file, id: a, path: y}\n')).toContain(
      'cameras[1].id: duplicate camera id "a"',
    );
    expect(problems('device: {id: x}\n').some((p) => p.startsWith('cameras'))).toBe(true);
  });

  it('reports YAML syntax errors with a line', () => {
    expect(problems('cameras: [\n  {type: video-file\n')[0]).toMatch(/^line \d+/);
  });

  it('resolves paths relative to the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-cfg-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'cameras:\n  - {type: image-folder, id: a, path: frames}\nstore: {dataDir: d}\n');
    const cfg = loadConfig(file);
    expect(cfg.cameras[0]).toMatchObject({ path: join(dir, 'frames') });
    expect(cfg.store.dataDir).toBe(join(dir, 'd'));
  });

  it('keeps firmware-config/config.schema.json in step with the zod schema (npm run gen:schema)', () => {
    const committed: unknown = JSON.parse(readFileSync(resolve(packageRoot, 'firmware-config/config.schema.json'), 'utf8'));
    expect(committed).toEqual(configJsonSchema());
  });

  it('keeps docs/config-reference.md in step with the zod schema (npm run gen:schema)', () => {
    const committed = readFileSync(resolve(packageRoot, 'docs/config-reference.md'), 'utf8');
    expect(committed).toBe(renderConfigReference(configJsonSchema()));
    expect(committed).toContain('| `reader.minConfidence` | number |  | `0.5` | >= 0, <= 1 |');
  });

  it('validates the shipped firmware configs', () => {
    const cfg = loadConfig(resolve(packageRoot, 'firmware-config/demo.yaml'));
    expect(cfg.cameras[0]).toMatchObject({ path: resolve(packageRoot, 'fixtures/video/plates-demo.mp4') });
  });
});
