/**
 * `alpr-edge release ...`: data releases to other agencies.
 *
 *   release request --agency NAME --kind law-enforcement|prosecutor|other --jurisdiction J [--ori ORI]
 *                   --requester NAME --purpose TEXT --legal-basis TEXT --case N --detections ID[,ID...] --config C LOGIN
 *   release list [--status pending|approved|refused|records-process] --config C LOGIN
 *   release approve ID --key PRIVATE.key --out DIR [--reason TEXT] --config C LOGIN
 *   release refuse ID --reason TEXT --config C LOGIN
 *   release verify DIR [--pub PUBLIC.pem]
 *
 * Requests need release:request (supervisors), decisions release:decide (administrators). A
 * request for immigration enforcement, or from an agency that is not a California public agency
 * (--jurisdiction other than california-state|california-local; SB 34), is refused on entry
 * (exit 1); one from a body that is not law enforcement or a prosecutor goes to the public
 * records process. `--key` is an Ed25519
 * private key (`alpr-edge hotlist keygen` makes one); its public half goes to the receiving
 * agency, which checks a bundle with `release verify`.
 */
import { readFileSync } from 'node:fs';
import type { Permission } from '../access/types.ts';
import { loadConfig } from '../config/load.ts';
import { AlprError } from '../errors.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { loadSigningKey, verifyBundle } from '../release/bundle.ts';
import { ReleaseService } from '../release/release-service.ts';
import { checkReleaseRequest, type ReleaseRequest, type ReleaseStatus } from '../release/releases-repo.ts';
import { JURISDICTIONS } from '../release/screen.ts';
import { databaseFile, openDatabase } from '../store/db.ts';
import { parseOptions, requireOption, type ParsedOptions } from './cli-options.ts';
import { cliLogin, LOGIN_USAGE, loginArgs } from './login.ts';

const USAGE = `usage: alpr-edge release request --agency NAME --kind law-enforcement|prosecutor|other --jurisdiction JURISDICTION [--ori ORI] --requester NAME --purpose TEXT --legal-basis TEXT --case N --detections ID[,ID...] --config FILE LOGIN
       alpr-edge release list [--status pending|approved|refused|records-process] --config FILE LOGIN
       alpr-edge release approve ID --key PRIVATE.key --out DIR [--reason TEXT] --config FILE LOGIN
       alpr-edge release refuse ID --reason TEXT --config FILE LOGIN
       alpr-edge release verify DIR [--pub PUBLIC.pem]
  JURISDICTION (who governs the receiving agency): ${JURISDICTIONS.join(' | ')}
    Only california-state and california-local are California public agencies; the others are refused
    (Civil Code § 1798.90.55(b), SB 34), except a non-government body of kind other, which goes to the
    public records process. A California agency's ORI must start with CA.
  LOGIN: ${LOGIN_USAGE}`;

const LOGIN = ['--config', '--user', '--password-file'];
const SPEC: Record<string, { values: string[]; positional: number; permission: Permission | null }> = {
  request: {
    values: [...LOGIN, '--agency', '--kind', '--jurisdiction', '--ori', '--requester', '--purpose', '--legal-basis', '--case', '--detections'],
    positional: 0,
    permission: 'release:request',
  },
  list: { values: [...LOGIN, '--status'], positional: 0, permission: 'release:request' },
  approve: { values: [...LOGIN, '--key', '--out', '--reason'], positional: 1, permission: 'release:decide' },
  refuse: { values: [...LOGIN, '--reason'], positional: 1, permission: 'release:decide' },
  verify: { values: ['--pub'], positional: 1, permission: null },
};
const ALL_VALUES = [...new Set(Object.values(SPEC).flatMap((s) => s.values))];
const STATUSES: readonly ReleaseStatus[] = ['pending', 'approved', 'refused', 'records-process'];

function describe(r: ReleaseRequest): string {
  const decided = r.decidedAt === null ? '' : ` ${new Date(r.decidedAt).toISOString()} by ${r.decidedBy}${r.automatic ? ' (automatic)' : ''}: ${r.decisionReason}`;
  return `${r.id} ${r.status} agency="${r.agency}" jurisdiction=${r.agencyJurisdiction}${r.agencyOri ? ` ori=${r.agencyOri}` : ''} case=${r.caseNumber} purpose="${r.purpose}" detections=${r.detectionIds.length} requested-by=${r.requestedBy}${decided}${r.bundlePath ? ` bundle=${r.bundlePath}` : ''}`;
}

function requestInput(p: ParsedOptions): Record<string, unknown> {
  const need = (n: string): string => requireOption(p, n, USAGE);
  return {
    agency: need('--agency'),
    agencyKind: need('--kind'),
    agencyJurisdiction: need('--jurisdiction'),
    agencyOri: p.options.get('--ori') ?? null,
    requester: need('--requester'),
    purpose: need('--purpose'),
    legalBasis: need('--legal-basis'),
    caseNumber: need('--case'),
    detectionIds: need('--detections')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  };
}

export async function releaseCommand(args: string[], out: NodeJS.WritableStream = process.stdout, clock: Clock = systemClock): Promise<number> {
  const [sub, ...rest] = args;
  const spec = sub === undefined ? undefined : SPEC[sub];
  if (!spec) throw new AlprError('USAGE', USAGE);
  const p = parseOptions(rest, { values: ALL_VALUES }, USAGE);
  for (const k of p.options.keys()) if (!spec.values.includes(k)) throw new AlprError('USAGE', `${k} does not apply to release ${sub}\n${USAGE}`);
  if (p.positional.length !== spec.positional) throw new AlprError('USAGE', USAGE);
  const id = p.positional[0] as string;

  if (sub === 'verify') {
    const pub = p.options.get('--pub');
    const problems = verifyBundle(id, pub === undefined ? undefined : readFileSync(pub, 'utf8'));
    for (const x of problems) out.write(`${x}\n`);
    out.write(problems.length === 0 ? `${id}: intact, signature verifies${pub ? '' : ' (with the bundled key: compare it with the published one)'}\n` : `${id}: ${problems.length} problem(s)\n`);
    return problems.length === 0 ? 0 : 1;
  }
  // Check the arguments before anyone types a password (the service checks them again).
  const input = sub === 'request' ? checkReleaseRequest(requestInput(p)) : null;
  const status = p.options.get('--status');
  if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) throw new AlprError('USAGE', `--status must be one of ${STATUSES.join(', ')}`);
  const key = sub === 'approve' ? loadSigningKey(readFileSync(requireOption(p, '--key', USAGE), 'utf8')) : null;
  const outDir = sub === 'approve' ? requireOption(p, '--out', USAGE) : '';
  const reason = sub === 'refuse' ? requireOption(p, '--reason', USAGE) : p.options.get('--reason');

  const cfg = loadConfig(requireOption(p, '--config', USAGE));
  const db = openDatabase(databaseFile(cfg.store.dataDir), { clock });
  try {
    const session = await cliLogin(db, clock, cfg, loginArgs(p.options), spec.permission);
    try {
      const actor = { userId: session.principal.userId, username: session.principal.username };
      const svc = new ReleaseService({ db, clock, dataDir: cfg.store.dataDir, audit: session.audit });
      switch (sub) {
        case 'request': {
          const r = svc.request(input, actor);
          out.write(`${r.status === 'pending' ? 'recorded' : r.status === 'refused' ? 'refused' : 'routed to the public records process'}: ${describe(r)}\n`);
          return r.status === 'refused' ? 1 : 0;
        }
        case 'list': {
          const all = svc.list(status === undefined ? {} : { status: status as ReleaseStatus });
          for (const r of all) out.write(`${describe(r)}\n`);
          out.write(`${all.length} request(s)\n`);
          return 0;
        }
        case 'approve': {
          const r = svc.approve(id, actor, { key: key as NonNullable<typeof key>, outDir, ...(reason === undefined ? {} : { reason }) });
          out.write(`approved: ${describe(r)}\n`);
          return 0;
        }
        case 'refuse': {
          const r = svc.refuse(id, actor, reason as string);
          out.write(`refused: ${describe(r)}\n`);
          return 0;
        }
        default:
          throw new AlprError('USAGE', USAGE);
      }
    } finally {
      session.end();
    }
  } finally {
    db.close();
  }
}
