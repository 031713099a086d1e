/** Hot-list sync over real HTTP (node:http on a loopback port) with Ed25519-signed envelopes. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HotlistCache } from '../../src/hotlist/cache.ts';
import { isHotlistError } from '../../src/hotlist/errors.ts';
import { HotlistRepo } from '../../src/hotlist/repo.ts';
import { generateSigningKeys, loadPublicKey, signEnvelope, type ListManifest } from '../../src/hotlist/signing.ts';
import { HotlistSync, type ListStatus, type SyncFeed } from '../../src/hotlist/sync.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { openDatabase, type Database } from '../../src/store/db.ts';

const HOUR = 3_600_000;
const keys = generateSigningKeys();
const otherKeys = generateSigningKeys();
const demoCsv = readFileSync(join(import.meta.dirname, '../../fixtures/hotlists/demo.csv'), 'utf8');

function manifest(overrides: Partial<ListManifest> = {}): ListManifest {
  return { source: 'state', version: 'v1', kind: 'full', format: 'csv', generatedAt: '2026-01-01T00:00:00Z', ...overrides };
}

interface Served {
  status: number;
  body: string;
  etag?: string;
}

let dir: string;
let db: Database;
let clock: ManualClock;
let server: Server;
let url: string;
let next: Served;
let requests: IncomingHttpHeaders[];
let cache: HotlistCache;
let sync: HotlistSync;
let statuses: ListStatus[];
let feed: SyncFeed;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-sync-'));
  db = openDatabase(join(dir, 'alpr.db'));
  clock = new ManualClock(Date.UTC(2026, 0, 1));
  requests = [];
  next = { status: 200, body: signEnvelope(manifest(), demoCsv, keys.privateKeyPem), etag: '"v1"' };
  server = createServer((req, res) => {
    requests.push(req.headers);
    if (next.etag && req.headers['if-none-match'] === next.etag) {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(next.status, { 'content-type': 'application/json', ...(next.etag ? { etag: next.etag } : {}) }).end(next.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hotlist/state.json`;
  feed = { source: 'state', url, intervalMs: 60_000, maxAgeMs: 6 * HOUR, mode: 'all-or-nothing' };
  cache = new HotlistCache(db, { clock, maxAgeMs: (s) => (s === 'state' ? 6 * HOUR : null) });
  statuses = [];
  sync = newSync(undefined);
});

/** workerMinBytes 0: every list is verified and parsed in a worker thread; undefined: small lists in this one. */
function newSync(workerMinBytes: number | undefined): HotlistSync {
  return new HotlistSync(db, {
    clock,
    logger: silentLogger(),
    publicKey: loadPublicKey(keys.publicKeyRaw),
    feeds: [feed],
    cache,
    chunkSize: 2,
    ...(workerMinBytes === undefined ? {} : { workerMinBytes }),
    onStatus: (s) => {
      statuses.push(s);
    },
  });
}
afterEach(async () => {
  await sync.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function refusal(p: Promise<unknown>): Promise<{ reason: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (isHotlistError(err)) return { reason: err.reason, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe.each([
  ['in this thread', undefined],
  ['in a worker thread', 0],
])('HotlistSync over HTTP, list verified and parsed %s', (_where, workerMinBytes) => {
  beforeEach(() => {
    sync = newSync(workerMinBytes);
  });

  it('applies a signed full list, then uses the ETag (304 confirms the list current)', async () => {
    expect(await sync.syncFeed(feed)).toEqual({ result: 'applied', source: 'state', version: 'v1', kind: 'full', entries: 3, errors: 0 });
    expect(cache.match({ text: '6TRK902' })).toMatchObject([{ rule: 'exact', stale: false, entry: { list: 'stolen-vehicle', source: 'state' } }]);
    expect(new HotlistRepo(db).source('state')).toMatchObject({ publishedVersion: 'v1', etag: '"v1"', entries: 3 });
    clock.advance(HOUR);
    expect(await sync.syncFeed(feed)).toEqual({ result: 'not-modified', source: 'state' });
    expect(requests[1]).toMatchObject({ 'if-none-match': '"v1"', 'x-hotlist-version': 'v1' });
    expect(new HotlistRepo(db).source('state')?.checkedAt).toBe(clock.now());
  });

  it('refuses an unsigned, tampered or foreign-signed list with a clear error; the previous list stays in force', async () => {
    await sync.syncFeed(feed);
    next = { status: 200, body: demoCsv };
    expect(await refusal(sync.syncFeed(feed))).toMatchObject({ reason: 'UNSIGNED', message: expect.stringMatching(/unsigned lists are refused/) });

    const good = JSON.parse(signEnvelope(manifest({ version: 'v2' }), 'plate,state,list,reason,case_number\nEVIL1,CA,stolen,,\n', keys.privateKeyPem)) as Record<string, string>;
    next = { status: 200, body: JSON.stringify({ ...good, data: 'plate,state,list,reason,case_number\nEVIL2,CA,stolen,,\n' }) };
    expect(await refusal(sync.syncFeed(feed))).toMatchObject({ reason: 'BAD_SIGNATURE', message: expect.stringMatching(/does not verify \(tampered/) });

    next = { status: 200, body: JSON.stringify({ ...good, signature: '' }) };
    expect(await refusal(sync.syncFeed(feed))).toMatchObject({ reason: 'UNSIGNED' });

    next = { status: 200, body: signEnvelope(manifest({ version: 'v3' }), 'plate,state,list,reason,case_number\nEVIL3,CA,stolen,,\n', otherKeys.privateKeyPem) };
    expect(await refusal(sync.syncFeed(feed))).toMatchObject({ reason: 'BAD_SIGNATURE' });

    next = { status: 200, body: signEnvelope(manifest({ source: 'other', version: 'v4' }), demoCsv, keys.privateKeyPem) };
    expect(await refusal(sync.syncFeed(feed))).toMatchObject({ reason: 'BAD_ENVELOPE', message: expect.stringMatching(/is for "other"/) });

    next = { status: 200, body: signEnvelope(manifest({ version: 'v5' }), 'plate,state,list,reason,case_number\nOK1,CA,stolen,,\n,CA,stolen,,\n', keys.privateKeyPem) };
    expect(await refusal(sync.syncFeed(feed))).toMatchObject({ reason: 'REJECTED', message: expect.stringMatching(/line 3: empty plate; the previous list stays/) });

    next = { status: 500, body: 'oops' };
    expect(await refusal(sync.syncFeed(feed))).toMatchObject({ reason: 'FETCH_FAILED', message: expect.stringMatching(/HTTP 500/) });

    for (const plate of ['EVIL1', 'EVIL2', 'EVIL3', 'OK1']) expect(cache.match({ text: plate })).toEqual([]);
    expect(cache.match({ text: '6TRK902' })).toHaveLength(1);
    expect(new HotlistRepo(db).source('state')).toMatchObject({ publishedVersion: 'v1', entries: 3 });
    expect(new HotlistRepo(db).count()).toBe(3);
  });

  it('applies a delta on its base version and refuses one on another', async () => {
    await sync.syncFeed(feed);
    const delta = manifest({ kind: 'delta', version: 'v2', baseVersion: 'v1', remove: [{ plate: '3WXY771', state: 'CA', list: 'wanted-person' }] });
    next = { status: 200, body: signEnvelope(delta, 'plate,state,list,reason,case_number\nNEW777,OR,stolen-plate,Stolen plate,26-9\n', keys.privateKeyPem), etag: '"v2"' };
    expect(await sync.syncFeed(feed)).toMatchObject({ result: 'applied', kind: 'delta', version: 'v2', entries: 1 });
    expect(cache.match({ text: 'NEW777' })).toMatchObject([{ entry: { list: 'stolen-plate' } }]);
    expect(cache.match({ text: '3WXY771' })).toEqual([]);
    expect(new HotlistRepo(db).source('state')).toMatchObject({ publishedVersion: 'v2', entries: 3 });

    const stray = manifest({ kind: 'delta', version: 'v9', baseVersion: 'v7' });
    next = { status: 200, body: signEnvelope(stray, 'plate,state,list,reason,case_number\nSTRAY1,CA,stolen,,\n', keys.privateKeyPem), etag: '"v9"' };
    expect(await refusal(sync.syncFeed(feed))).toMatchObject({ reason: 'VERSION_MISMATCH', message: expect.stringMatching(/version in force is v2/) });
    expect(cache.match({ text: 'STRAY1' })).toEqual([]);
  });

  it('flags hits stale when the list is older than its maximum age, and reports the status', async () => {
    await sync.syncFeed(feed);
    clock.advance(6 * HOUR);
    expect(cache.match({ text: '6TRK902' })[0]?.stale).toBe(false);
    expect(await sync.checkStaleness()).toMatchObject([{ source: 'state', stale: false }]);
    expect(statuses).toEqual([]);
    clock.advance(1);
    expect(cache.match({ text: '6TRK902' })[0]?.stale).toBe(true);
    await sync.checkStaleness();
    expect(statuses).toEqual([{ source: 'state', stale: true, version: 'v1', entries: 3, checkedAt: '2026-01-01T00:00:00.000Z', maxAgeMs: 6 * HOUR }]);
    expect(cache.staleSources().map((s) => s.source)).toEqual(['state']);
    // A 304 confirms the list current again.
    await sync.syncFeed(feed);
    expect(cache.match({ text: '6TRK902' })[0]?.stale).toBe(false);
  });

  it('start() pulls on its schedule; stop() ends it', async () => {
    sync.start();
    const deadline = Date.now() + 10_000;
    while (cache.match({ text: '9QRS552' }).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(cache.match({ text: '9QRS552' })).toHaveLength(1);
    await sync.stop();
    expect(requests.length).toBe(1);
  });
});
