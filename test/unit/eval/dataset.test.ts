import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlprError } from '../../../src/errors.ts';
import { loadDataset, parseCropsCsv, parseOpenAlprLabel, resolveLabelImage } from '../../../src/eval/dataset.ts';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-ds-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('OpenALPR benchmark labels', () => {
  it('parses NAME<TAB>x<TAB>y<TAB>w<TAB>h<TAB>PLATE', () => {
    expect(parseOpenAlprLabel('car1.jpg\t243\t356\t115\t57\t627WWI\n')).toEqual({
      imageName: 'car1.jpg',
      box: { x: 243, y: 356, w: 115, h: 57 },
      plate: '627WWI',
    });
    expect(parseOpenAlprLabel('a.jpg\t1\t2\t3\t4\tab-12 3\r\n')?.plate).toBe('AB123');
    expect(parseOpenAlprLabel('a.jpg\t1\t2\n')).toBeUndefined();
    expect(parseOpenAlprLabel('')).toBeUndefined();
  });

  it('falls back to the image with the label file’s stem', () => {
    const files = new Set(['PAG5219.jpg', 'PAG5219.txt']);
    expect(resolveLabelImage('PAG5219.txt', 'PAG5219.png', files)).toBe('PAG5219.jpg');
    expect(resolveLabelImage('X.txt', 'X.png', files)).toBeUndefined();
  });

  it('loads a folder', () => {
    const dir = folder({
      'a.jpg': 'x',
      'a.txt': 'a.jpg\t1\t2\t30\t15\tABC123',
      'b.jpg': 'x',
      'b.txt': 'b.png\t5\t6\t30\t15\tXYZ 789',
      'notes.md': 'ignored',
    });
    const ds = loadDataset(dir);
    expect(ds.kind).toBe('openalpr');
    expect(ds.samples).toEqual([
      { name: 'a.jpg', image: join(dir, 'a.jpg'), truth: 'ABC123', box: { x: 1, y: 2, w: 30, h: 15 } },
      { name: 'b.jpg', image: join(dir, 'b.jpg'), truth: 'XYZ789', box: { x: 5, y: 6, w: 30, h: 15 } },
    ]);
  });
});

describe('plate crops', () => {
  it('parses groundtruth.csv with or without a header', () => {
    expect(parseCropsCsv('file,state,plate\nak1.png,ak,FUW999\r\n\nal2.png,al,6a5-730a\n')).toEqual([
      { file: 'ak1.png', state: 'ak', plate: 'FUW999' },
      { file: 'al2.png', state: 'al', plate: '6A5730A' },
    ]);
  });

  it('loads a folder', () => {
    const dir = folder({ 'groundtruth.csv': 'x.png,ca,7ABC123\n', 'x.png': 'x' });
    expect(loadDataset(dir)).toEqual({ kind: 'crops', dir, samples: [{ name: 'x.png', image: join(dir, 'x.png'), truth: '7ABC123' }] });
  });

  it('skips rows labelled with the placeholder 0, naming them', () => {
    const dir = folder({ 'groundtruth.csv': 'x.png,ca,7ABC123\nvt1.png,vt,0\n', 'x.png': 'x', 'vt1.png': 'v' });
    const ds = loadDataset(dir);
    expect(ds.samples.map((s) => s.truth)).toEqual(['7ABC123']);
    expect(ds.unlabelled).toEqual(['vt1.png']);
  });
});

describe('invalid datasets', () => {
  it('rejects an empty or missing folder and a label without its image', () => {
    for (const dir of [folder({}), '/no/such/folder', folder({ 'a.txt': 'a.jpg\t1\t2\t3\t4\tABC' })]) {
      try {
        loadDataset(dir);
        expect.unreachable();
      } catch (err) {
        expect(isAlprError(err, 'DATASET_INVALID')).toBe(true);
      }
    }
  });
});
