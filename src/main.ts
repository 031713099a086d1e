/**
 * Entry point: picks the command, runs it, and turns every failure into a clear message and a
 * non-zero exit. AlprErrors are expected failures (bad config, missing model, unreadable input):
 * their message is the whole story. Anything else is a bug and keeps its stack.
 */
import { isAlprError } from './errors.ts';
import { commands, usage } from './cli/commands.ts';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`alpr-edge: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isAlprError(err)) {
      process.stderr.write(`alpr-edge: ${err.message}\n`);
      process.exitCode = err.code === 'USAGE' ? 2 : 1;
    } else {
      process.stderr.write(`alpr-edge: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 70;
    }
  },
);
