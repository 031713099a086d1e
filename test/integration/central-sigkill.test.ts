/**
 * Fault tests: a process killed with SIGKILL in the middle of a burst of hits.
 *  - The device (real OutboxPublisher + DetectionRecorder on a real SQLite file, in its own
 *    process): every hit committed before the kill reaches the central store once it restarts.
 *  - The central receiver (`alpr-edge central --config`, its own process): restarted, it gets
 *    from its persistent broker session whatever it had not stored; nothing lost, nothing twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CentralReceiver } from '../../src/central/receiver.ts';
import { SqliteCentralStore } from '../../src/central/sqlite-store.ts';
import { databaseFile, openDatabase } from '../../src/store/db.ts';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.ts';
import { committedHitIds, seedHotlist, startDevice, type TestDevice } from './central-device.ts';
import { startReceiver } from './central-receiver-harness.ts';

const bin = fileURLToPath(new URL('../../src/bin.js', import.meta.url));
const deviceChild = fileURLToPath(new URL('./central-device-child.ts', import.meta.url));

interface Child {
  proc: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[]): Child {
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  children.add(proc);
  void exited.then(() => children.delete(proc));
  return { proc, output: () => out, exited };
}

const children = new Set<ChildProcess>();
let dir: string;
let broker: MosquittoBroker;
let store: SqliteCentralStore | undefined;
let receiver: CentralReceiver | undefined;
let device: TestDevice | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-central-kill-'));
  broker = await startMosquitto({ extraConfig: ['max_queued_messages 0'] });
});
afterEach(async () => {
  for (const c of children) c.kill('SIGKILL');
  await device?.stop();
  device = undefined;
  await receiver?.stop();
  receiver = undefined;
  await store?.close();
  store = undefined;
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

const committedSoFar = (c: Child): number => Math.max(0, ...[...c.output().matchAll(/committed (\d+)/g)].map((m) => Number(m[1])));

describe('SIGKILL during a burst', () => {
  it('loses no committed hit when the device is killed, and stores none twice', async () => {
    store = new SqliteCentralStore(join(dir, 'central.db'));
    await store.init();
    receiver = startReceiver(broker.url, 'rx-kill', store);
    await once(receiver, 'subscribed');
    const devDir = join(dir, 'device');
    seedHotlist(devDir);

    const burst = start(['--import', 'tsx', deviceChild, 'burst', devDir, broker.url, 'pd', 'car-k']);
    // Kill it once hits are flowing: some delivered, more committed and still in the outbox
    // (the child says "backlog" once it holds committed hits it can no longer publish).
    await expect.poll(() => store!.count(), { timeout: 30_000 }).toBeGreaterThan(20);
    await expect.poll(() => burst.output().includes('backlog'), { timeout: 30_000 }).toBe(true);
    expect(committedSoFar(burst)).toBeGreaterThan(200);
    burst.proc.kill('SIGKILL');
    expect((await burst.exited).signal).toBe('SIGKILL');

    const db = openDatabase(databaseFile(devDir));
    const committed = committedHitIds(db);
    db.close();
    expect(committed.length).toBeGreaterThanOrEqual(200);
    expect(await store.count()).toBeLessThan(committed.length); // the kill left hits undelivered

    const drain = start(['--import', 'tsx', deviceChild, 'drain', devDir, broker.url, 'pd', 'car-k']);
    expect((await drain.exited).code, drain.output()).toBe(0);
    expect(drain.output()).toContain('drained');
    await expect.poll(() => store!.ids(), { timeout: 30_000 }).toEqual(committed);
    expect(await store.count()).toBe(committed.length);
  }, 120_000);

  it('loses no hit and stores none twice when the central receiver is killed and restarted', async () => {
    const storeFile = join(dir, 'central.db');
    const config = join(dir, 'central.yaml');
    writeFileSync(
      config,
      [
        `broker: {url: "${broker.url}", reconnectPeriodMs: 300}`,
        'topicPrefix: alpr',
        'receiver: {name: rx-cli, group: central}',
        `store: {kind: sqlite, path: ${JSON.stringify(storeFile)}}`,
        'ack: {windowMs: 50}',
        'log: {level: info}',
      ].join('\n'),
    );
    const first = start([bin, 'central', '--config', config]);
    await expect.poll(() => first.output(), { timeout: 30_000 }).toMatch(/central: subscribed/);

    const devDir = join(dir, 'device');
    seedHotlist(devDir);
    const dev = startDevice({ dataDir: devDir, url: broker.url, agency: 'pd', device: 'car-c' });
    device = dev;
    await once(dev.transport, 'connected');
    const total = 1_500;
    dev.db.transaction(() => {
      for (let i = 0; i < total; i++) dev.hit();
    })();
    dev.publisher.notify();

    // Reads the receiver's SQLite file from here while it writes (WAL allows it).
    const reader = new SqliteCentralStore(storeFile);
    await expect.poll(async () => reader.init().then(() => reader.count()), { timeout: 30_000, interval: 20 }).toBeGreaterThan(50);
    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const atKill = await reader.count();
    expect(atKill).toBeLessThan(total);

    expect(await dev.publisher.drain(60_000)).toBe(true); // the broker holds the rest for the receiver's session
    expect(dev.outbox.counts().sent).toBeGreaterThan(0); // PUBACKed by the broker, not yet acked by a receiver
    const second = start([bin, 'central', '--config', config]);
    const committed = dev.committedHitIds();
    expect(committed).toHaveLength(total);
    await expect.poll(() => reader.ids(), { timeout: 60_000 }).toEqual(committed);
    expect(await reader.count()).toBe(total);
    await reader.close();
    expect(await dev.publisher.drainAcked(60_000)).toBe(true);

    second.proc.kill('SIGTERM');
    const end = await second.exited;
    expect(end.code, second.output()).toBe(0);
    expect(second.output()).toMatch(/receiver stopped/);
  }, 120_000);
});
