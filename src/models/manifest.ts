/**
 * The model manifest (models/manifest.json): one entry per model file with its sha256, input
 * description, source, licence and how to rebuild it. `verifyModels` locates every file and
 * checks its checksum before a session is built; nothing is ever downloaded.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { AlprError } from '../errors.ts';
import { bundledModelsDir, packageRoot } from '../platform/paths.ts';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits');
const relPath = z.string().min(1).max(1024);

const fileRef = z.union([
  z.strictObject({
    npm: z.string().min(1).max(214).describe('Installed npm package holding the file.'),
    path: relPath.describe('Path inside the package.'),
  }),
  z.strictObject({ path: relPath.describe('Path relative to the folder of manifest.json.') }),
]);

const entrySchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  role: z.string().min(1).max(64),
  file: fileRef,
  sha256,
  bytes: z.int().positive().optional(),
  input: z
    .strictObject({
      name: z.string().min(1),
      shape: z.array(z.union([z.int().positive(), z.string().min(1)])).min(1),
      layout: z.string().optional(),
      channels: z.string().optional(),
      normalise: z.string().optional(),
    })
    .optional(),
  output: z
    .strictObject({
      name: z.string().min(1),
      shape: z.array(z.union([z.int().positive(), z.string().min(1)])).min(1),
      meaning: z.string().optional(),
    })
    .optional(),
  labels: z.string().optional().describe('Name of the entry holding this model’s labels.'),
  training: z
    .strictObject({
      command: z.string().min(1).describe('The one command that rebuilds the model from scratch.'),
      data: z.array(z.string().min(1)).min(1).describe('Exactly which data the model saw, and which it never saw.'),
      validation: z.record(z.string(), z.number().min(0).max(1)).describe('Held-out rates (0..1): exact-match per source, or recall per threshold.'),
      validationCounts: z.record(z.string(), z.int().nonnegative()).optional(),
      figures: z.record(z.string(), z.number().nonnegative()).optional().describe('Other held-out figures that are not rates (e.g. mean detections per scene).'),
      metric: z.string().optional(),
      steps: z.int().positive().optional().describe('Training steps in all, those of a continued model included.'),
      continuedFrom: z
        .strictObject({
          sha256: z.string().regex(/^[0-9a-f]{64}$/),
          command: z.string().min(1),
          steps: z.int().nonnegative(),
          validation: z.record(z.string(), z.number().min(0).max(1)).optional(),
        })
        .optional()
        .describe('The shipped model this one continued training from: its sha256, the command that built it, its steps and held-out rates.'),
    })
    .optional()
    .describe('For models this project trains.'),
  format: z.string().optional(),
  source: z.string().min(1),
  licence: z.string().min(1),
  rebuild: z.string().min(1),
});

export const manifestSchema = z.strictObject({
  version: z.literal(1),
  description: z.string().optional(),
  models: z
    .array(entrySchema)
    .min(1)
    .refine((ms) => new Set(ms.map((m) => m.name)).size === ms.length, 'model names must be unique'),
});

export type Manifest = z.output<typeof manifestSchema>;
export type ManifestEntry = Manifest['models'][number];

export interface VerifiedModel {
  name: string;
  /** Absolute path of the checked file. */
  path: string;
  entry: ManifestEntry;
}

export function manifestPathOf(modelsDir: string = bundledModelsDir): string {
  return join(resolve(modelsDir), 'manifest.json');
}

/** Reads and validates a manifest file. */
export function loadManifest(manifestFile: string): Manifest {
  if (!existsSync(manifestFile)) throw new AlprError('MODEL_MISSING', `model manifest ${manifestFile} does not exist`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (err) {
    throw new AlprError('MANIFEST_INVALID', `model manifest ${manifestFile}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new AlprError('MANIFEST_INVALID', `model manifest ${manifestFile} is invalid:\n${problems}`);
  }
  return parsed.data;
}

/** Folder of an installed npm package, searched from `fromDirs` in order (no `exports` needed). */
function findPackageDir(pkg: string, fromDirs: string[]): string | undefined {
  for (const from of fromDirs) {
    const paths = createRequire(join(from, 'noop.js')).resolve.paths(pkg) ?? [];
    for (const base of paths) {
      const dir = join(base, pkg);
      if (existsSync(join(dir, 'package.json'))) return dir;
    }
  }
  return undefined;
}

/** Absolute path of one entry's file (which may not exist). */
export function resolveModelFile(entry: ManifestEntry, manifestFile: string): string {
  const base = dirname(resolve(manifestFile));
  if (!('npm' in entry.file)) return resolve(base, entry.file.path);
  const pkgDir = findPackageDir(entry.file.npm, [base, packageRoot]);
  if (!pkgDir) {
    throw new AlprError(
      'MODEL_MISSING',
      `model "${entry.name}": npm package ${entry.file.npm} (file ${entry.file.path}) is not installed; listed in ${manifestFile}`,
    );
  }
  return join(pkgDir, entry.file.path);
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Locates every file of the manifest in `modelsDir` (default: the models/ folder shipped with
 * alpr-edge) and checks its sha256. Throws MODEL_MISSING or MODEL_CHECKSUM.
 */
export async function verifyModels(modelsDir?: string): Promise<Map<string, VerifiedModel>> {
  const manifestFile = manifestPathOf(modelsDir);
  const manifest = loadManifest(manifestFile);
  const out = new Map<string, VerifiedModel>();
  for (const entry of manifest.models) {
    const path = resolveModelFile(entry, manifestFile);
    if (!existsSync(path)) {
      throw new AlprError('MODEL_MISSING', `model "${entry.name}": file ${path} is missing; listed in ${manifestFile} (${entry.rebuild})`);
    }
    const actual = await sha256OfFile(path);
    if (actual !== entry.sha256) {
      throw new AlprError(
        'MODEL_CHECKSUM',
        `model "${entry.name}": checksum mismatch for ${path}: expected sha256 ${entry.sha256}, actual ${actual} (manifest ${manifestFile})`,
      );
    }
    out.set(entry.name, { name: entry.name, path, entry });
  }
  return out;
}

/** The verified model called `name`, or MANIFEST_INVALID when the manifest lacks it. */
export function requireModel(models: Map<string, VerifiedModel>, name: string, modelsDir?: string): VerifiedModel {
  const m = models.get(name);
  if (!m) throw new AlprError('MANIFEST_INVALID', `model manifest ${manifestPathOf(modelsDir)} has no entry "${name}"`);
  return m;
}

/** The verified models of one role (e.g. every 'plate-recogniser' of an ensemble), in manifest order. */
export function modelsWithRole(models: Map<string, VerifiedModel>, role: string): VerifiedModel[] {
  return [...models.values()].filter((m) => m.entry.role === role);
}
