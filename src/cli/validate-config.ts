import { loadConfig } from '../config/load.ts';
import { AlprError } from '../errors.ts';

/** `alpr-edge validate-config FILE`: prints every problem with its path; exit 1 when invalid. */
export function validateConfigCommand(args: string[]): number {
  const file = args[0];
  if (!file || args.length > 1) throw new AlprError('USAGE', 'usage: alpr-edge validate-config FILE');
  const cfg = loadConfig(file);
  process.stdout.write(`${file}: valid (${cfg.cameras.length} camera(s), device ${cfg.device.agency}/${cfg.device.id})\n`);
  return 0;
}
