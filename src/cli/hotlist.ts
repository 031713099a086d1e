/**
 * `alpr-edge hotlist import FILE --config CONFIG [--all-or-nothing] [--source NAME]`: imports a
 * hot-list CSV into `<store.dataDir>/alpr.db`. Prints the counts on stdout and every bad line as
 * `FILE:LINE: message` on stderr; exits 1 when the file was rejected (the previous list stays).
 */
import { loadConfig } from '../config/load.ts';
import { AlprError } from '../errors.ts';
import { importHotlistFile, type ImportMode } from '../hotlist/import.ts';
import { databaseFile, openDatabase } from '../store/db.ts';

const USAGE = 'usage: alpr-edge hotlist import FILE --config CONFIG [--all-or-nothing] [--source NAME]';

interface ImportArgs {
  file: string;
  config: string;
  mode: ImportMode;
  source?: string;
}

function parseImportArgs(args: string[]): ImportArgs {
  let file: string | undefined;
  let config: string | undefined;
  let source: string | undefined;
  let mode: ImportMode = 'apply-valid';
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new AlprError('USAGE', `${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--config') config = value();
    else if (a.startsWith('--config=')) config = a.slice('--config='.length);
    else if (a === '--source') source = value();
    else if (a.startsWith('--source=')) source = a.slice('--source='.length);
    else if (a === '--all-or-nothing') mode = 'all-or-nothing';
    else if (a.startsWith('-')) throw new AlprError('USAGE', `unknown option ${a}\n${USAGE}`);
    else if (file === undefined) file = a;
    else throw new AlprError('USAGE', `unexpected argument ${a}\n${USAGE}`);
  }
  if (!file || !config) throw new AlprError('USAGE', USAGE);
  return source === undefined ? { file, config, mode } : { file, config, mode, source };
}

export function hotlistCommand(
  args: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): number {
  const [sub, ...rest] = args;
  if (sub !== 'import') throw new AlprError('USAGE', USAGE);
  const opts = parseImportArgs(rest);
  const cfg = loadConfig(opts.config);
  const db = openDatabase(databaseFile(cfg.store.dataDir));
  try {
    const result = importHotlistFile(db, opts.file, {
      mode: opts.mode,
      ...(opts.source === undefined ? {} : { source: opts.source }),
    });
    for (const p of result.errors) err.write(`${opts.file}:${p.line}: ${p.message}\n`);
    for (const p of result.warnings) err.write(`${opts.file}:${p.line}: warning: ${p.message}\n`);
    if (!result.applied) {
      out.write(
        `${opts.file}: rejected (${result.rejectedBecause ?? 'invalid'}): ${result.valid} valid, ${result.errors.length} bad line(s); ` +
          'the previous list was kept\n',
      );
      return 1;
    }
    out.write(
      `${opts.file}: imported ${result.imported} entries (replaced ${result.replaced}), ${result.errors.length} bad line(s) skipped, ` +
        `${result.warnings.length} duplicate(s) skipped; source ${result.source}\n`,
    );
    return 0;
  } finally {
    db.close();
  }
}
