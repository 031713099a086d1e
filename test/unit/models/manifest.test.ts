import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlprError } from '../../../src/errors.ts';
import { loadManifest, manifestPathOf, modelsWithRole, verifyModels } from '../../../src/models/manifest.ts';

function entry(name: string, file: object, sha256: string, role = 'test') {
  return { name, role, file, sha256, source: 'test', licence: 'Apache-2.0', rebuild: 'written by the test' };
}

function tempModels(models: object[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-models-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: 1, models }));
  return dir;
}

async function errorOf(p: Promise<unknown>): Promise<AlprError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AlprError) return err;
    throw err;
  }
  throw new Error('expected an AlprError');
}

describe('model manifest', () => {
  it('accepts a file whose sha256 matches', async () => {
    const dir = tempModels([entry('m', { path: 'm.bin' }, createHash('sha256').update('model').digest('hex'))]);
    writeFileSync(join(dir, 'm.bin'), 'model');
    const models = await verifyModels(dir);
    expect(models.get('m')?.path).toBe(join(dir, 'm.bin'));
  });

  it('rejects a checksum mismatch naming file, expected and actual', async () => {
    const expected = 'a'.repeat(64);
    const dir = tempModels([entry('m', { path: 'm.bin' }, expected)]);
    writeFileSync(join(dir, 'm.bin'), 'tampered');
    const err = await errorOf(verifyModels(dir));
    expect(err.code).toBe('MODEL_CHECKSUM');
    expect(err.message).toContain(join(dir, 'm.bin'));
    expect(err.message).toContain(expected);
    expect(err.message).toContain(createHash('sha256').update('tampered').digest('hex'));
  });

  it('reports a missing file naming the file and the manifest', async () => {
    const dir = tempModels([entry('m', { path: 'gone.onnx' }, 'b'.repeat(64))]);
    const err = await errorOf(verifyModels(dir));
    expect(err.code).toBe('MODEL_MISSING');
    expect(err.message).toContain(join(dir, 'gone.onnx'));
    expect(err.message).toContain(join(dir, 'manifest.json'));
  });

  it('reports a missing npm package as a missing model', async () => {
    const dir = tempModels([entry('m', { npm: 'no-such-package-alpr', path: 'x.onnx' }, 'b'.repeat(64))]);
    const err = await errorOf(verifyModels(dir));
    expect(err.code).toBe('MODEL_MISSING');
    expect(err.message).toContain('no-such-package-alpr');
  });

  it('reports a missing manifest and an invalid one', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'alpr-models-'));
    expect((await errorOf(verifyModels(empty))).code).toBe('MODEL_MISSING');
    const bad = tempModels([{ name: 'm', file: { path: 'x' } }]);
    const err = await errorOf(verifyModels(bad));
    expect(err.code).toBe('MANIFEST_INVALID');
    expect(err.message).toContain('sha256');
  });

  it("lists the models of one role in the manifest's order (the plate recognisers' ensemble)", async () => {
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    const names = ['b', 'keys', 'a', 'c'];
    const dir = tempModels(names.map((n) => entry(n, { path: `${n}.bin` }, sha(n), n === 'keys' ? 'alphabet' : 'plate-recogniser')));
    for (const n of names) writeFileSync(join(dir, `${n}.bin`), n);
    const models = await verifyModels(dir);
    expect(modelsWithRole(models, 'plate-recogniser').map((m) => m.name)).toEqual(['b', 'a', 'c']);
    expect(modelsWithRole(models, 'plate-detector')).toEqual([]);
  });

  it('ships a manifest whose files are installed and match', async () => {
    const manifest = loadManifest(manifestPathOf());
    expect(manifest.models.map((m) => m.name)).toEqual(['det', 'rec', 'rec-keys', 'plate-rec', 'plate-rec-keys', 'plate-rec-2', 'plate-rec-3', 'plate-det', 'plate-priors']);
    const models = await verifyModels();
    expect(models.get('rec')?.path).toMatch(/ch_PP-OCRv4_rec_infer\.onnx$/);
    expect(models.get('plate-rec')?.path).toMatch(/models\/plate-rec\.onnx$/);
    expect(models.get('plate-det')?.path).toMatch(/models\/plate-det\.onnx$/);
    // The project's own models say exactly what they were trained on and how to rebuild them.
    for (const name of ['plate-rec', 'plate-rec-2', 'plate-rec-3', 'plate-det']) {
      const own = manifest.models.find((m) => m.name === name)!;
      expect(own.training?.command).toContain('scripts/train/build_models.sh');
      expect(own.training?.data.join('\n')).toContain('never seen: openalpr-us-dev');
      // A member of the ensemble is rebuilt under its own name, with plate-rec's alphabet.
      if (name.startsWith('plate-rec-')) expect(own.training?.command).toContain(`REC_NAME=${name} `);
      if (name.startsWith('plate-rec')) expect(own.labels).toBe('plate-rec-keys');
    }
  });

  it('rejects a training record without its data list', async () => {
    const dir = tempModels([{ ...entry('m', { path: 'm.bin' }, 'c'.repeat(64)), training: { command: 'x', validation: {} } }]);
    const err = await errorOf(verifyModels(dir));
    expect(err.code).toBe('MANIFEST_INVALID');
    expect(err.message).toContain('training.data');
  });

  it('accepts a continued training record and rejects one without the sha256 it continued', async () => {
    const training = { command: 'a && b', data: ['d'], validation: { all: 0.8 }, steps: 30000 };
    const good = { sha256: 'a'.repeat(64), command: 'a', steps: 16906, validation: { all: 0.81 } };
    const file = { path: 'm.bin' };
    const dir = tempModels([{ ...entry('m', file, 'c'.repeat(64)), training: { ...training, continuedFrom: good } }]);
    expect(loadManifest(manifestPathOf(dir)).models[0]?.training?.continuedFrom?.steps).toBe(16906);
    const bad = tempModels([{ ...entry('m', file, 'c'.repeat(64)), training: { ...training, continuedFrom: { command: 'a', steps: 1 } } }]);
    const err = await errorOf(verifyModels(bad));
    expect(err.code).toBe('MANIFEST_INVALID');
    expect(err.message).toContain('continuedFrom.sha256');
  });
});
