import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HotlistCache } from '../../../src/hotlist/cache.ts';
import { isHotlistError } from '../../../src/hotlist/errors.ts';
import { LOCAL_VALIDITY_MS, checkLocalEntry, normaliseLocalPlate, type LocalEntryInput } from '../../../src/hotlist/local-policy.ts';
import { LocalEntriesRepo } from '../../../src/hotlist/local-repo.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { openDatabase, type Database } from '../../../src/store/db.ts';
import { createIdGenerator, type IdGenerator } from '../../../src/store/ids.ts';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);

let dir: string;
let db: Database;
let clock: ManualClock;
let newId: IdGenerator;
let repo: LocalEntriesRepo;
let cache: HotlistCache;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-test-'));
  db = openDatabase(join(dir, 'alpr.db'));
  clock = new ManualClock(T0);
  newId = createIdGenerator(clock);
  repo = new LocalEntriesRepo(db);
  cache = new HotlistCache(db, { clock, maxAgeMs: () => null });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const input = (overrides: Partial<LocalEntryInput> = {}): LocalEntryInput => ({
  plate: 'abc 123',
  state: 'ca',
  list: 'local-bolo',
  vehicle: { year: 2015, make: 'Ford', model: 'Focus', colour: 'blue', description: 'dent in rear door' },
  enteredBy: 'officer-17',
  caseNumber: '26-1234',
  reason: 'Seen leaving burglary',
  ...overrides,
});

function policyError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isHotlistError(err, 'POLICY')) return err.message;
    throw err;
  }
  throw new Error('expected a POLICY error');
}

describe('local entry policy: required fields', () => {
  it('requires entering member, case number, reason, list and a plate with 3 known characters', () => {
    expect(policyError(() => checkLocalEntry(input({ enteredBy: ' ' })))).toBe('entering member is required for a local entry');
    expect(policyError(() => checkLocalEntry(input({ caseNumber: '' })))).toBe('case number is required for a local entry');
    expect(policyError(() => checkLocalEntry(input({ reason: '' })))).toBe('reason is required for a local entry');
    expect(policyError(() => checkLocalEntry(input({ list: '' })))).toBe('list is required for a local entry');
    expect(policyError(() => checkLocalEntry(input({ plate: '' })))).toBe('plate is required for a local entry');
    expect(policyError(() => checkLocalEntry(input({ plate: 'A*B' })))).toMatch(/at least 3 known characters/);
    expect(policyError(() => checkLocalEntry(input({ state: 'Calif' })))).toMatch(/bad state/);
    expect(checkLocalEntry(input({ plate: '6tr**9?2', state: null }))).toMatchObject({ plate: '6TR*9?2', state: null });
    expect(normaliseLocalPlate('ab-c*?')).toBe('ABC*?');
  });

  it('a refused entry is not stored and leaves no history', () => {
    expect(() => repo.create(input({ caseNumber: '' }), clock.now(), newId)).toThrow(/case number is required/);
    expect(repo.list()).toEqual([]);
  });
});

describe('local entry lifecycle', () => {
  it('is inactive until a supervisor approves it, then matches', async () => {
    const e = repo.create(input(), clock.now(), newId);
    expect(e).toMatchObject({ status: 'pending', plate: 'ABC123', state: 'CA', approvedBy: null, expiresAt: null });
    await cache.refresh();
    expect(cache.match({ text: 'ABC123' })).toEqual([]);
    clock.advance(1_000);
    const approved = repo.approve(e.id, 'sgt-4', clock.now());
    expect(approved).toMatchObject({ status: 'active', approvedBy: 'sgt-4', approvedAt: T0 + 1_000, expiresAt: T0 + 1_000 + LOCAL_VALIDITY_MS });
    await cache.refresh();
    expect(cache.match({ text: 'ABC123' })).toMatchObject([
      { rule: 'exact', stale: false, entry: { id: e.id, source: 'local', list: 'local-bolo', reason: 'Seen leaving burglary', caseNumber: '26-1234' } },
    ]);
    expect(cache.match({ text: 'ABC123', state: 'NV' })).toEqual([]);
  });

  it('refuses approval by the entering member, and approving twice', () => {
    const e = repo.create(input(), clock.now(), newId);
    expect(policyError(() => repo.approve(e.id, 'officer-17', clock.now()))).toMatch(/other than the member who entered it/);
    repo.approve(e.id, 'sgt-4', clock.now());
    expect(policyError(() => repo.approve(e.id, 'sgt-5', clock.now()))).toMatch(/is active, only a pending entry can be approved/);
    expect(() => repo.approve('nope', 'sgt-4', clock.now())).toThrow(/no local hot-list entry nope/);
  });

  it('expires 30 days after approval: stops matching at once, and the sweep records it', () => {
    const e = repo.create(input({ plate: '6TR*' }), clock.now(), newId);
    repo.approve(e.id, 'sgt-4', clock.now());
    cache.refreshLocal();
    clock.set(T0 + 30 * DAY - 1);
    expect(cache.match({ text: '6TRK902' })).toMatchObject([{ rule: 'partial' }]);
    expect(repo.expireDue(clock.now())).toEqual([]);
    clock.set(T0 + 30 * DAY);
    expect(cache.match({ text: '6TRK902' })).toEqual([]); // no sweep needed to stop matching
    expect(repo.list(clock.now())[0]?.status).toBe('expired');
    expect(repo.expireDue(clock.now()).map((x) => x.id)).toEqual([e.id]);
    expect(repo.get(e.id)?.status).toBe('expired');
    expect(repo.expireDue(clock.now())).toEqual([]);
    expect(policyError(() => repo.renew(e.id, 'sgt-4', clock.now()))).toMatch(/is expired, only an active entry can be renewed/);
  });

  it('renewal gives another 30 days from the renewal; a pending entry cannot be renewed', () => {
    const e = repo.create(input(), clock.now(), newId);
    expect(policyError(() => repo.renew(e.id, 'sgt-4', clock.now()))).toMatch(/is pending/);
    repo.approve(e.id, 'sgt-4', clock.now());
    clock.set(T0 + 29 * DAY);
    const renewed = repo.renew(e.id, 'sgt-9', clock.now());
    expect(renewed.expiresAt).toBe(T0 + 59 * DAY);
    cache.refreshLocal();
    clock.set(T0 + 45 * DAY);
    expect(cache.match({ text: 'ABC123' })).toHaveLength(1);
    clock.set(T0 + 59 * DAY);
    expect(cache.match({ text: 'ABC123' })).toEqual([]);
  });

  it('records create/approve/renew/expire with who and when, append-only', () => {
    const e = repo.create(input(), clock.now(), newId);
    clock.advance(DAY);
    repo.approve(e.id, 'sgt-4', clock.now());
    clock.advance(DAY);
    repo.renew(e.id, 'sgt-9', clock.now());
    clock.advance(31 * DAY);
    repo.expireDue(clock.now());
    expect(repo.history(e.id).map(({ action, actor, at, expiresAt }) => ({ action, actor, at, expiresAt }))).toEqual([
      { action: 'create', actor: 'officer-17', at: T0, expiresAt: null },
      { action: 'approve', actor: 'sgt-4', at: T0 + DAY, expiresAt: T0 + 31 * DAY },
      { action: 'renew', actor: 'sgt-9', at: T0 + 2 * DAY, expiresAt: T0 + 32 * DAY },
      { action: 'expire', actor: 'system', at: T0 + 33 * DAY, expiresAt: T0 + 32 * DAY },
    ]);
    expect(() => db.prepare("UPDATE hotlist_local_history SET actor = 'someone-else'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM hotlist_local_history').run()).toThrow(/append-only/);
    expect(repo.history(e.id)).toHaveLength(4);
  });
});
