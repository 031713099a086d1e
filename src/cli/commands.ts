/** The command table of the `alpr-edge` CLI. Each command lives in its own module. */
import { validateConfigCommand } from './validate-config.ts';

export interface Command {
  summary: string;
  run(args: string[]): Promise<number> | number;
}

export const commands: Record<string, Command> = {
  'validate-config': { summary: 'validate-config FILE            check a config file, print every problem', run: validateConfigCommand },
};

export function usage(): string {
  return `usage: alpr-edge COMMAND [ARGS]\n\n${Object.values(commands)
    .map((c) => `  ${c.summary}`)
    .join('\n')}\n`;
}
