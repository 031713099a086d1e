/**
 * The access, audit and release commands as an administrator uses them: real `alpr-edge`
 * processes (node src/bin.js) on a real data directory. The first administrator is created
 * without a login, everything after needs one; a single flipped byte in a stored audit row
 * makes `audit verify` fail naming its seq.
 */
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { releaseCommand } from '../../src/cli/release.ts';
import { userCommand } from '../../src/cli/user.ts';
import { packageRoot } from '../../src/platform/paths.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { databaseFile, openDatabase } from '../../src/store/db.ts';
import { DetectionsRepo } from '../../src/store/detections-repo.ts';

const dir = mkdtempSync(join(tmpdir(), 'alpr-access-cli-'));
const dataDir = join(dir, 'data');
const config = join(dir, 'alpr.yaml');
const chiefPw = join(dir, 'chief.pw');
const sgtPw = join(dir, 'sgt.pw');
const keyFile = join(dir, 'release.key');
const pubFile = join(dir, 'release.pub');
const year = new Date().getUTCFullYear();

beforeAll(() => {
  writeFileSync(config, 'cameras:\n  - {type: image-folder, id: cam1, path: frames}\nstore: {dataDir: data}\n');
  writeFileSync(chiefPw, 'chief long passphrase 1\n', { mode: 0o600 });
  writeFileSync(sgtPw, 'sergeant long passphrase\n', { mode: 0o600 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(pubFile, publicKey.export({ type: 'spki', format: 'pem' }));
  const db = openDatabase(databaseFile(dataDir), { clock: systemClock });
  new DetectionsRepo(db).insert({ id: 'det-1', capturedAt: Date.now() - 3600_000, cameraId: 'cam1', plate: '7ABC123', confidence: 0.95, candidates: [], box: { x: 1, y: 1, w: 2, h: 2 }, cropPath: null, createdAt: Date.now() });
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real `alpr-edge` process (stdin is not a terminal: a missing password file is an error, never a hang). */
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const withConfig = args[1] === 'verify' && args[0] === 'release' ? args : [...args, '--config', config];
  const r = spawnSync(process.execPath, [resolve(packageRoot, 'src/bin.js'), ...withConfig], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same command in this process (cheaper than a process on a 2-core box); resolves to its output or its error. */
async function inProcess(run: (args: string[], out: PassThrough) => Promise<number>, ...args: string[]): Promise<string> {
  const out = new PassThrough();
  try {
    await run([...args, '--config', config], out);
    return String(out.read() ?? '');
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}
// Spawning tsx processes costs seconds each on a loaded 2-core machine.
const SLOW = 300_000;
const chief = ['--user', 'chief', '--password-file', chiefPw];
const sgt = ['--user', 'sgt', '--password-file', sgtPw];

describe('alpr-edge user / release / audit', () => {
  it('creates the first administrator without a login, then requires one', async () => {
    const first = cli('user', 'add', '--username', 'chief', '--name', 'Chief Admin', '--roles', 'administrator', '--trained-on', `${year}-01-01`, '--new-password-file', chiefPw);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe(`added chief (administrator), the first administrator; trained ${year}-01-01\n`);

    const anon = cli('user', 'add', '--username', 'sgt', '--name', 'Sgt', '--roles', 'supervisor', '--new-password-file', sgtPw);
    expect(anon.status).toBe(1);
    expect(anon.stderr).toMatch(/this command needs a login: --user NAME/);

    expect(await inProcess(userCommand, 'list', '--user', 'chief', '--password-file', sgtPw)).toBe('error: login refused for chief: wrong username or password');

    expect(cli('user', 'add', '--username', 'sgt', '--name', 'Sgt Lee', '--roles', 'supervisor', '--new-password-file', sgtPw, ...chief).status).toBe(0);
    // No training yet: no data access; a supervisor cannot manage users.
    expect(await inProcess(releaseCommand, 'list', ...sgt)).toBe('error: access refused: training not recorded');
    expect(await inProcess(userCommand, 'list', ...sgt)).toBe('error: access refused: sgt lacks the users:manage permission');
    expect(await inProcess(userCommand, 'train', 'sgt', '--date', `${year}-01-02`, ...chief)).toBe(`sgt: trained ${year}-01-02\n`);
    expect(await inProcess(userCommand, 'list', ...chief)).toBe(`chief\tChief Admin\tadministrator\ttrained ${year}-01-01\tactive\nsgt\tSgt Lee\tsupervisor\ttrained ${year}-01-02\tactive\n`);
  }, SLOW);

  it('records a release request, refuses immigration enforcement and a federal agency, and exports a signed bundle on approval', async () => {
    const base = ['--agency', 'Oakland Police Department', '--kind', 'law-enforcement', '--jurisdiction', 'california-local', '--ori', 'CA0010900', '--requester', 'Det. Rivera', '--legal-basis', 'PC 211', '--case', '26-1234', '--detections', 'det-1'];
    const ice = cli('release', 'request', ...base, '--purpose', 'ICE detainer', ...sgt);
    expect(ice.stderr).toBe('');
    expect(ice.status).toBe(1);
    expect(ice.stdout).toMatch(/^refused: \S+ refused .*California Values Act/);

    // SB 34: a federal agency is not a California public agency, whatever its purpose.
    const fedArgs = ['--agency', 'FBI San Francisco', '--kind', 'law-enforcement', '--jurisdiction', 'federal', '--ori', 'CAFBISF00', '--requester', 'SA Chen', '--purpose', 'bank robbery', '--legal-basis', '18 U.S.C. 2113', '--case', '26-1300', '--detections', 'det-1'];
    const fed = cli('release', 'request', ...fedArgs, ...sgt);
    expect(fed.stderr).toBe('');
    expect(fed.status).toBe(1);
    const fedId = /^refused: (\S+) refused agency="FBI San Francisco" jurisdiction=federal ori=CAFBISF00 .*\(automatic\): refused automatically: FBI San Francisco is a federal agency \(federal\), not a California public agency; Civil Code § 1798\.90\.55\(b\) \(SB 34\)/.exec(fed.stdout)?.[1];
    expect(fedId).toBeTruthy();
    const db = openDatabase(databaseFile(dataDir), { clock: systemClock });
    try {
      const refusal = new AuditLog(db, systemClock).list({ action: 'release-refuse' }).find((e) => e.target === fedId);
      expect(refusal).toMatchObject({ username: 'sgt', caseNumber: '26-1300', detail: { automatic: true, rules: ['not-california-public-agency'], law: expect.stringMatching(/^Civil Code § 1798\.90\.55\(b\) \(SB 34\), as read in the Attorney General's Information Bulletin 2023-DLE-06$/) } });
    } finally {
      db.close();
    }
    // The jurisdiction is required and checked before any login.
    const missing = await inProcess(releaseCommand, 'request', ...fedArgs.slice(0, 4), ...fedArgs.slice(6), ...sgt);
    expect(missing).toMatch(/^error: --jurisdiction is required\nusage: alpr-edge release request .*--jurisdiction JURISDICTION/);
    expect(await inProcess(releaseCommand, 'request', ...base.map((a) => (a === 'california-local' ? 'California' : a)), '--purpose', 'x', '--user', 'nobody')).toBe(
      'error: invalid release request: agencyJurisdiction: agency jurisdiction must be one of california-state, california-local, other-state, federal, tribal, foreign, non-government',
    );

    const ok = cli('release', 'request', ...base, '--purpose', 'armed robbery', ...sgt);
    expect(ok.stderr).toBe('');
    const id = /^recorded: (\S+) pending/.exec(ok.stdout)?.[1] as string;
    expect(id).toBeTruthy();
    // A supervisor cannot decide.
    expect(await inProcess(releaseCommand, 'approve', id, '--key', keyFile, '--out', dir, ...sgt)).toBe('error: access refused: sgt lacks the release:decide permission');
    const approved = cli('release', 'approve', id, '--key', keyFile, '--out', dir, ...chief);
    expect(approved.stderr).toBe('');
    expect(approved.stdout).toMatch(new RegExp(`^approved: ${id} approved .* bundle=`));
    const bundle = join(dir, `release-${id}`);
    expect(JSON.parse(readFileSync(join(bundle, 'detections.json'), 'utf8'))).toMatchObject([{ id: 'det-1', plate: '7ABC123' }]);
    const verified = cli('release', 'verify', bundle, '--pub', pubFile);
    expect(verified.stdout).toBe(`${bundle}: intact, signature verifies\n`);
  }, SLOW);

  it('asks for the password on a real terminal without echoing it', async () => {
    // util-linux `script` runs the command on a pseudo-terminal; what we write is typed on it.
    const command = `'${process.execPath}' '${resolve(packageRoot, 'src/bin.js')}' user list --user chief --config '${config}'`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let seen = '';
    let typed = false;
    child.stdout.on('data', (d: Buffer) => {
      seen += d.toString('utf8');
      if (!typed && seen.includes('password for chief: ')) {
        typed = true;
        child.stdin.write('chief long passphrase 1\r');
      }
    });
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(0);
    expect(seen).toContain('password for chief: ');
    expect(seen).toMatch(/chief\tChief Admin\tadministrator/);
    expect(seen).not.toContain('passphrase');
  }, SLOW);

  it('writes the annual report and verifies the chain; a flipped byte is caught at its seq', () => {
    const out = join(dir, 'report');
    const r = cli('audit', 'report', '--year', String(year), '--out', out, ...chief);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^wrote 9 files to /);
    const html = readFileSync(join(out, `audit-${year}.html`), 'utf8');
    expect(html).toContain('Data releases: 3 requested, 1 approved, 2 refused (2 automatically), 0 routed to records, 0 pending');
    expect(existsSync(join(out, `audit-${year}-accesses.csv`))).toBe(true);

    const intact = cli('audit', 'verify');
    expect(intact.status).toBe(0);
    const count = Number(/audit log intact: (\d+) entries/.exec(intact.stdout)?.[1]);
    expect(count).toBeGreaterThan(20);

    // Someone with the file: drop the guard, flip one bit of one byte of row 7's detail.
    const db = openDatabase(databaseFile(dataDir), { clock: systemClock });
    db.exec('DROP TRIGGER audit_log_no_update');
    const { detail } = db.prepare('SELECT detail FROM audit_log WHERE seq = 7').get() as { detail: string };
    const i = Math.floor(detail.length / 2);
    const flipped = detail.slice(0, i) + String.fromCharCode(detail.charCodeAt(i) ^ 1) + detail.slice(i + 1);
    expect(flipped).not.toBe(detail);
    db.prepare('UPDATE audit_log SET detail = ? WHERE seq = 7').run(flipped);
    db.close();

    const broken = cli('audit', 'verify');
    expect(broken.status).toBe(1);
    expect(broken.stderr).toBe('alpr-edge: audit log broken at seq 7: entry seq 7 does not match its hash (edited) (6 entries before it verify)\n');
  }, SLOW);
});
