/** The worker-thread side of a synced list: verify, parse, records in chunks, problems capped. */
import { describe, expect, it } from 'vitest';
import { isHotlistError } from '../../../src/hotlist/errors.ts';
import { generateSigningKeys, loadPublicKey, signEnvelope, type ListManifest } from '../../../src/hotlist/signing.ts';
import { WorkerList } from '../../../src/hotlist/worker-list.ts';
import { MAX_REPORTED_PROBLEMS } from '../../../src/hotlist/worker-protocol.ts';

const keys = generateSigningKeys();
const manifest: ListManifest = { source: 'state', version: 'v1', kind: 'full', format: 'csv', generatedAt: '2026-01-01T00:00:00Z' };

describe('WorkerList', () => {
  it('verifies and parses in the worker, hands records over in chunks and caps the problems it sends', async () => {
    const bad = Array.from({ length: 1_500 }, () => ',CA,stolen,,').join('\n');
    const text = `plate,state,list,reason,case_number\nAAA111,CA,stolen,,C-1\n${bad}\nBBB222,NV,wanted,,C-2\nCCC333,AZ,stolen,,C-3\n`;
    const w = await WorkerList.start();
    try {
      expect(await w.verify(Buffer.from(signEnvelope(manifest, text, keys.privateKeyPem)), loadPublicKey(keys.publicKeyRaw), 'test')).toMatchObject(manifest);
      const list = await w.parse('csv', false);
      expect(list).toMatchObject({ valid: 3, errorCount: 1_500, fatal: false });
      expect(list.errors).toHaveLength(MAX_REPORTED_PROBLEMS);
      expect(list.errors[0]).toEqual({ line: 3, message: 'empty plate' });
      expect((await list.next(2)).map((r) => r.plate)).toEqual(['AAA111', 'BBB222']);
      expect((await list.next(2)).map((r) => r.plate)).toEqual(['CCC333']);
      expect(await list.next(2)).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('refuses a tampered envelope with the same error as in this thread', async () => {
    const env = JSON.parse(signEnvelope(manifest, 'plate,state,list,reason,case_number\nAAA111,CA,stolen,,\n', keys.privateKeyPem)) as Record<string, string>;
    const w = await WorkerList.start();
    try {
      const err = await w.verify(JSON.stringify({ ...env, data: 'plate,state,list,reason,case_number\nEVIL1,CA,stolen,,\n' }), loadPublicKey(keys.publicKeyRaw), 'test').catch((e: unknown) => e);
      expect(isHotlistError(err, 'BAD_SIGNATURE')).toBe(true);
      expect((err as Error).message).toMatch(/^test: the hot-list signature does not verify/);
    } finally {
      await w.close();
    }
  });
});
