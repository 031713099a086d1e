import { describe, expect, it } from 'vitest';
import { isAlprError } from '../../../src/errors.ts';
import { parsePlateKeys } from '../../../src/ocr/plate-recogniser.ts';

describe('parsePlateKeys', () => {
  it('puts the CTC blank first, then one class per line', () => {
    expect(parsePlateKeys('A\nB\n0')).toEqual(['', 'A', 'B', '0']);
    expect(parsePlateKeys('A\r\nB\n')).toEqual(['', 'A', 'B']);
  });

  it('rejects lines that are not one plate character, and duplicates, naming the file', () => {
    for (const bad of ['A\nab', 'A\n\nB', '', 'A\nA']) {
      let err: unknown;
      try {
        parsePlateKeys(bad, 'models/plate-rec.keys');
      } catch (e) {
        err = e;
      }
      expect(isAlprError(err, 'MANIFEST_INVALID')).toBe(true);
      expect((err as Error).message).toContain('models/plate-rec.keys');
    }
  });
});

describe('recogniser choice', () => {
  it('the reader falls back to the same recogniser as the config schema default', async () => {
    const { configSchema } = await import('../../../src/config/schema.ts');
    const { DEFAULT_RECOGNIZER } = await import('../../../src/ocr/reader.ts');
    expect(configSchema.shape.reader.parse(undefined).recognizer).toBe(DEFAULT_RECOGNIZER);
  });
});
