/** The command table of the `alpr-edge` CLI. Each command lives in its own module. */
import { centralCommand } from './central.ts';
import { hotlistCommand } from './hotlist.ts';
import { holdCommand } from './hold.ts';
import { purgeCommand } from './purge.ts';
import { evalCommand } from './eval.ts';
import { evalVideoCommand } from './eval-video.ts';
import { readCommand } from './read.ts';
import { runCommand } from './run.ts';
import { validateConfigCommand } from './validate-config.ts';
import { userCommand } from './user.ts';
import { auditCommand } from './audit.ts';
import { releaseCommand } from './release.ts';

export interface Command {
  summary: string;
  run(args: string[]): Promise<number> | number;
}

export const commands: Record<string, Command> = {
  run: { summary: 'run --config FILE [--quiet]     run the daemon: cameras -> reads -> hot list -> store -> MQTT', run: runCommand },
  hotlist: {
    summary: 'hotlist import|local|keygen|sign ...    hot-list files (csv, json, ncic, svs/slr/sfr), local entries, signed lists',
    run: (args) => hotlistCommand(args),
  },
  central: {
    summary: 'central --config FILE | central hotlist-publish --config FILE --file LIST --key KEY --source NAME (--device [AGENCY/]ID | --all)  the reference receiver of hits; signed hot lists to devices',
    run: (args) => centralCommand(args),
  },
  'validate-config': { summary: 'validate-config FILE            check a config file, print every problem', run: validateConfigCommand },
  hold: {
    summary: 'hold add DETECTION_ID --case N --reason TEXT | hold list [--all] | hold release HOLD_ID --reason TEXT  (--config FILE --user NAME [--password-file F])  evidence holds',
    run: (args) => holdCommand(args),
  },
  user: {
    summary: 'user add|list|train|passwd|disable ... --config FILE [--user ADMIN [--password-file F]]  accounts, roles, training dates',
    run: (args) => userCommand(args),
  },
  audit: {
    summary: 'audit verify --config FILE | audit report --year YYYY --out DIR --config FILE --user NAME  check the hash-chained audit log; the annual audit (HTML + CSV)',
    run: (args) => auditCommand(args),
  },
  release: {
    summary: 'release request|list|approve|refuse|verify ...  data releases to California public agencies (signed export bundles)',
    run: (args) => releaseCommand(args),
  },
  purge: { summary: 'purge --config FILE [--dry-run]  run one retention sweep now and print the counts', run: (args) => purgeCommand(args) },
  read: { summary: 'read IMAGE...                   read the plates in images, one JSON line per image', run: readCommand },
  'eval-video': {
    summary: 'eval-video --video FILE --truth FILE [--max-fps N]  one-read-per-pass accuracy on a video',
    run: evalVideoCommand,
  },
  eval: { summary: 'eval --dataset DIR [--out FILE] [--limit N]  measure reading accuracy on a labelled folder', run: evalCommand },
};

export function usage(): string {
  return `usage: alpr-edge COMMAND [ARGS]\n\n${Object.values(commands)
    .map((c) => `  ${c.summary}`)
    .join('\n')}\n`;
}
