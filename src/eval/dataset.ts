/**
 * Evaluation datasets, in two layouts:
 * - OpenALPR benchmark: NAME.jpg + NAME.txt holding `NAME.jpg<TAB>x<TAB>y<TAB>w<TAB>h<TAB>PLATE`
 *   (when the named image is absent, the image with the .txt's stem is used);
 * - plate crops: images + groundtruth.csv with rows `file,state,PLATE`.
 * Parsing is pure; `loadDataset` only lists and reads the folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { AlprError } from '../errors.ts';
import { normalisePlateText } from '../ocr/normalise.ts';
import type { Box } from '../ocr/types.ts';

export type DatasetKind = 'openalpr' | 'crops';

export interface EvalSample {
  /** Image file name as found in the folder. */
  name: string;
  /** Path of the image (the dataset folder joined with `name`). */
  image: string;
  /** Truth plate text, A-Z0-9. */
  truth: string;
  /** Truth plate box (OpenALPR layout only). */
  box?: Box;
}

export interface Dataset {
  kind: DatasetKind;
  dir: string;
  samples: EvalSample[];
  /** Images whose label is a placeholder, not a plate (skipped: there is nothing to compare). */
  unlabelled?: string[];
}

/**
 * A crops label shorter than this is a placeholder, not a plate: us-plate-crops marks rows it has
 * no text for with `0` (its README). scripts/train/dataset.py drops the same rows from training.
 */
const MIN_LABEL_CHARS = 2;

export interface OpenAlprLabel {
  imageName: string;
  box: Box;
  plate: string;
}

/** Parses the first label line of an OpenALPR .txt file; undefined when it is malformed. */
export function parseOpenAlprLabel(text: string): OpenAlprLabel | undefined {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '');
  if (!line) return undefined;
  const f = line.trim().split('\t');
  if (f.length < 6) return undefined;
  const [imageName, ...rest] = f;
  const [x, y, w, h] = rest.slice(0, 4).map(Number);
  const plate = normalisePlateText(rest.slice(4).join(''));
  if (!imageName || ![x, y, w, h].every((v) => Number.isFinite(v)) || !plate) return undefined;
  return { imageName, box: { x: x!, y: y!, w: w!, h: h! }, plate };
}

const IMAGE_EXT = ['.jpg', '.jpeg', '.png', '.webp', '.bmp'];

/** The image a label belongs to: the name it gives, else an image with the label file's stem. */
export function resolveLabelImage(labelFile: string, named: string, files: ReadonlySet<string>): string | undefined {
  if (files.has(named)) return named;
  const stem = basename(labelFile, extname(labelFile));
  return IMAGE_EXT.map((e) => stem + e).find((f) => files.has(f)) ?? [...files].find((f) => basename(f, extname(f)) === stem && IMAGE_EXT.includes(extname(f).toLowerCase()));
}

export interface CropLabel {
  file: string;
  state: string;
  plate: string;
}

/** Parses groundtruth.csv (`file,state,PLATE`; an optional header row is skipped). */
export function parseCropsCsv(text: string): CropLabel[] {
  const out: CropLabel[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const [file = '', state = '', plate = ''] = line.split(',').map((s) => s.trim());
    if (file.toLowerCase() === 'file' || !file) continue;
    out.push({ file, state, plate: normalisePlateText(plate) });
  }
  return out;
}

/** Reads a dataset folder of either layout, samples in name order. */
export function loadDataset(dir: string): Dataset {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (err) {
    throw new AlprError('DATASET_INVALID', `cannot read dataset folder ${dir}: ${(err as Error).message}`, { cause: err });
  }
  const files = new Set(entries);
  if (files.has('groundtruth.csv')) {
    const labels = parseCropsCsv(readFileSync(join(dir, 'groundtruth.csv'), 'utf8'));
    const samples: EvalSample[] = [];
    const unlabelled: string[] = [];
    for (const l of labels) {
      if (!files.has(l.file)) throw new AlprError('DATASET_INVALID', `${join(dir, 'groundtruth.csv')}: image ${l.file} is missing`);
      if (l.plate.length >= MIN_LABEL_CHARS) samples.push({ name: l.file, image: join(dir, l.file), truth: l.plate });
      else unlabelled.push(l.file);
    }
    if (samples.length === 0) throw new AlprError('DATASET_INVALID', `${join(dir, 'groundtruth.csv')} lists no plates`);
    return { kind: 'crops', dir, samples, ...(unlabelled.length > 0 ? { unlabelled } : {}) };
  }
  const samples: EvalSample[] = [];
  for (const txt of entries.filter((e) => e.toLowerCase().endsWith('.txt'))) {
    const label = parseOpenAlprLabel(readFileSync(join(dir, txt), 'utf8'));
    if (!label) continue;
    const name = resolveLabelImage(txt, label.imageName, files);
    if (!name) throw new AlprError('DATASET_INVALID', `${join(dir, txt)}: image ${label.imageName} is missing`);
    samples.push({ name, image: join(dir, name), truth: label.plate, box: label.box });
  }
  if (samples.length === 0) {
    throw new AlprError('DATASET_INVALID', `${dir} is neither an OpenALPR benchmark folder (NAME.txt labels) nor a crops folder (groundtruth.csv)`);
  }
  return { kind: 'openalpr', dir, samples };
}
