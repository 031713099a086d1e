/** The retention sweeper's `purge` audit entries: one per purge that deleted something, with its counts; an audit failure never stops a purge. */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/audit/audit-log.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { RetentionSweeper, type RetentionStatus } from '../../../src/retention/sweeper.ts';
import { count, DAY, openStore, retentionConfig, T0, tempDataDir, type Store } from '../retention/helpers.ts';

let dir: string;
let clock: ManualClock;
let store: Store;
let statuses: RetentionStatus[];
beforeEach(() => {
  dir = tempDataDir();
  clock = new ManualClock(T0 - 40 * DAY);
  store = openStore(dir, clock);
  statuses = [];
});
afterEach(() => {
  store.db.close();
  rmSync(dir, { recursive: true, force: true });
});

const sweeper = (audit: ConstructorParameters<typeof RetentionSweeper>[0]['audit']) =>
  new RetentionSweeper({ db: store.db, dataDir: dir, clock, config: retentionConfig(), onStatus: (s) => statuses.push(s), audit });

describe('purge audit entries', () => {
  it('appends one purge entry with the counts, and none for a sweep that deleted nothing', async () => {
    await store.addRead(T0 - 31 * DAY, { hit: true });
    await store.addRead(T0 - 31 * DAY);
    await store.addRead(T0 - DAY);
    clock.set(T0);
    const log = new AuditLog(store.db, clock);
    await sweeper(log).sweepOnce();
    await sweeper(log).sweepOnce();
    const entries = log.list({ action: 'purge' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ userId: null, username: 'system', target: 'age', detail: { reason: 'age', rowsDeleted: 2, hitsDeleted: 1, outboxDeleted: 1 } });
    expect(log.verify()).toEqual({ ok: true, count: 1 });
  });

  it('reports an audit failure and still purges', async () => {
    await store.addRead(T0 - 31 * DAY);
    clock.set(T0);
    const failing = {
      append: (): never => {
        throw new Error('disk full');
      },
    };
    const r = await sweeper(failing).sweepOnce();
    expect(r.age.rowsDeleted).toBe(1);
    expect(count(store.db, 'detections')).toBe(0);
    expect(statuses).toContainEqual({ type: 'error', operation: 'audit', code: null, message: 'disk full' });
  });
});
