/**
 * Reads a YAML or JSON config file, validates it and resolves relative paths against the
 * file's folder. Every problem is reported with its path, all at once.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { AlprError } from '../errors.ts';
import { configSchema, mapCameraPaths, type Config } from './schema.ts';

export interface ConfigProblem {
  path: string;
  message: string;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(root)';
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

export function problemsOf(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => {
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown key(s): ${issue.keys.join(', ')}`;
    return { path: formatPath(issue.path), message };
  });
}

export class ConfigError extends AlprError {
  readonly problems: ConfigProblem[];

  constructor(file: string, problems: ConfigProblem[]) {
    super('CONFIG_INVALID', `${file}: invalid configuration\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    this.problems = problems;
  }
}

/** Parses text (YAML is a superset of JSON) into a validated Config, without resolving paths. */
export function parseConfigText(text: string, file: string): Config {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ path: `line ${e.linePos?.[0]?.line ?? '?'}`, message: e.message.split('\n')[0] ?? e.message })),
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(file, problemsOf(result.error));
  return result.data;
}

function resolveFrom(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

/** Loads a config file; paths inside it become absolute, relative to the file's folder. */
export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AlprError('CONFIG_UNREADABLE', `cannot read config file ${file}: ${(err as Error).message}`, { cause: err });
  }
  const cfg = parseConfigText(text, file);
  const base = dirname(resolve(file));
  return {
    ...cfg,
    cameras: cfg.cameras.map((c) => mapCameraPaths(c, (p) => resolveFrom(base, p))),
    reader: cfg.reader.modelsDir ? { ...cfg.reader, modelsDir: resolveFrom(base, cfg.reader.modelsDir) } : cfg.reader,
    store: { ...cfg.store, dataDir: resolveFrom(base, cfg.store.dataDir) },
    hotlist: { ...cfg.hotlist, importOnStart: cfg.hotlist.importOnStart.map((p) => resolveFrom(base, p)) },
    mqtt: cfg.mqtt.passwordFile ? { ...cfg.mqtt, passwordFile: resolveFrom(base, cfg.mqtt.passwordFile) } : cfg.mqtt,
  };
}
