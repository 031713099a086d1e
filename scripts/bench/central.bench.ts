/**
 * Central ingest bench: how many hits per second `alpr-edge central` stores in PostgreSQL with
 * one receiver, and with two receivers in one shared-subscription group, while 50 simulated
 * devices (each its own MQTT client publishing contract hit messages with QoS 1, one in flight,
 * as OutboxPublisher does) send as fast as the broker takes them.
 *
 *   npm run bench -- central     (CENTRAL_BENCH_HITS per device, default 60; CENTRAL_BENCH_ROUNDS, default 1)
 *
 * Every receiver is its own process (the real CLI), as it would be its own machine; PostgreSQL
 * (a throwaway cluster, default settings: fsync and synchronous commit on) and Mosquitto (from
 * the test support) run on the same box. The rate is hits stored / time from the first publish
 * until the last row is committed; each run uses a fresh database and share group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync, type MqttClient } from 'mqtt';
import pg from 'pg';
import { CONTRACT_VERSION } from '../../src/mqtt/contract/common.ts';
import { HIT_NOTICE, type HitMessage } from '../../src/mqtt/contract/hit.ts';
import { hitsTopic } from '../../src/mqtt/topics.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { createIdGenerator } from '../../src/store/ids.ts';
import { startMosquitto } from '../../test/support/mosquitto.ts';
import { startPostgres } from '../../test/support/postgres.ts';
import type { BenchContext, BenchFigure } from './types.ts';

const DEVICES = 50;
const envInt = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
/** CENTRAL_BENCH_LANES overrides receiver.lanes (hits held per receiver, so hits per durable commit). */
const LANES = envInt('CENTRAL_BENCH_LANES', 0);
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const bin = fileURLToPath(new URL('../../src/bin.js', import.meta.url));

/** A plate crop's worth of bytes (about what a real 240x60 crop weighs). */
const CROP = randomBytes(6_000).toString('base64');

function message(id: string, device: string, i: number): HitMessage {
  return {
    v: CONTRACT_VERSION,
    id,
    passId: null,
    time: new Date().toISOString(),
    device,
    agency: 'bench',
    camera: 'front',
    plate: `BN${String(i % 10_000).padStart(4, '0')}`,
    confidence: 0.9,
    candidates: [{ text: 'BN0001', confidence: 0.9 }],
    match: { entryId: 'e-1', list: 'stolen', reason: null, caseNumber: 'C-1', rule: 'exact' },
    gps: null,
    crop: { mime: 'image/jpeg', base64: CROP },
    frame: null,
    notice: HIT_NOTICE,
  };
}

interface Receiver {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function startReceiver(dir: string, brokerUrl: string, dbUrl: string, name: string, group: string): Receiver {
  const config = join(dir, `${name}.yaml`);
  writeFileSync(
    config,
    [`broker: {url: "${brokerUrl}"}`, 'topicPrefix: alpr', `receiver: {name: ${name}, group: ${group}${LANES ? `, lanes: ${LANES}` : ''}}`, `store: {kind: postgres, url: "${dbUrl}", poolSize: 2}`, 'log: {level: info}'].join('\n'),
  );
  const child = spawn(process.execPath, [bin, 'central', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

/** The counts a receiver logs when it stops (its last JSON log line of that kind). */
function stopStats(log: string): { name: string; stored: number; commits: number } | null {
  for (const line of log.split('\n').reverse()) {
    if (!line.includes('central: receiver stopped')) continue;
    const j = JSON.parse(line) as { stored: number; commits: number; receiver: string };
    return { name: j.receiver, stored: j.stored, commits: j.commits };
  }
  return null;
}

async function waitFor(pred: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`central bench: timed out waiting for ${what}`);
    await delay(20);
  }
}

export default async function central(ctx: BenchContext): Promise<BenchFigure[]> {
  const perDevice = envInt('CENTRAL_BENCH_HITS', 60);
  const rounds = envInt('CENTRAL_BENCH_ROUNDS', 1);
  const total = DEVICES * perDevice;
  const dir = mkdtempSync(join(tmpdir(), 'alpr-central-bench-'));
  const cluster = await startPostgres();
  const broker = await startMosquitto({ extraConfig: ['max_queued_messages 0'] });
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  const devices: MqttClient[] = [];
  const figures: BenchFigure[] = [];
  const newId = createIdGenerator(systemClock);
  try {
    for (let d = 0; d < DEVICES; d++) devices.push(await connectAsync(broker.url, { clientId: `bench-dev-${d}`, protocolVersion: 5, clean: true, reconnectPeriod: 0 }));
    let run = 0;
    const rates: Record<number, number[]> = { 1: [], 2: [] };
    for (let round = 0; round < rounds; round++) {
      for (const count of [1, 2]) {
        run++;
        const db = `ingest_${run}`;
        await admin.query(`CREATE DATABASE ${db}`);
        const dbUrl = cluster.url.replace(/\/postgres$/, `/${db}`);
        const group = `bench${run}`;
        const receivers = Array.from({ length: count }, (_, i) => startReceiver(dir, broker.url, dbUrl, `rx${run}-${i}`, group));
        await waitFor(() => receivers.every((r) => /central: subscribed/.test(r.output())), 60_000, 'the receivers to subscribe');
        const counter = new pg.Client({ connectionString: dbUrl });
        await counter.connect();
        const stored = async (): Promise<number> => Number((await counter.query<{ n: string }>('SELECT COUNT(*) AS n FROM central_hits')).rows[0]?.n ?? 0);

        const payloads = devices.map((_, d) => Array.from({ length: perDevice }, (_, i) => JSON.stringify(message(newId(), `dev-${d}`, i))));
        const t0 = performance.now();
        const publishing = devices.map(async (client, d) => {
          const topic = hitsTopic('alpr', 'bench', `dev-${d}`);
          for (const p of payloads[d] as string[]) await client.publishAsync(topic, p, { qos: 1 });
        });
        await Promise.all(publishing);
        const published = performance.now();
        await waitFor(async () => (await stored()) >= total, 300_000, `${total} hits to be stored`);
        const elapsedS = (performance.now() - t0) / 1000;
        const rate = total / elapsedS;
        rates[count]?.push(rate);
        ctx.log(`${count} receiver(s): ${total} hits stored in ${elapsedS.toFixed(2)} s (${rate.toFixed(0)}/s; devices done publishing after ${((published - t0) / 1000).toFixed(2)} s)`);
        await counter.end();
        for (const r of receivers) r.child.kill('SIGTERM');
        const codes = await Promise.all(receivers.map((r) => r.exited));
        if (codes.some((c) => c !== 0)) throw new Error(`central bench: a receiver exited with ${codes.join(', ')}:\n${receivers.map((r) => r.output()).join('\n')}`);
        for (const r of receivers) {
          const s = stopStats(r.output());
          if (s) ctx.log(`  ${s.name}: ${s.stored} stored in ${s.commits} commits (${(s.stored / Math.max(1, s.commits)).toFixed(1)} hits per commit)`);
        }
      }
    }
    const best = (n: number): number => Math.max(...(rates[n] ?? [0]));
    figures.push({ name: `ingest, 1 receiver, ${DEVICES} devices (PostgreSQL)`, value: Math.round(best(1)), unit: 'hits/s' });
    figures.push({ name: `ingest, 2 receivers, ${DEVICES} devices (PostgreSQL)`, value: Math.round(best(2)), unit: 'hits/s' });
    figures.push({ name: 'speed-up, 2 receivers over 1', value: Number((best(2) / best(1)).toFixed(2)), unit: 'x', target: 'clearly > 1' });
  } finally {
    await Promise.all(devices.map((c) => c.endAsync(true)));
    await admin.end();
    await broker.stop();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
