/**
 * The device's retained status, heartbeat and last will against a real Mosquitto, in the
 * contract's shapes: a late subscriber sees the retained "online" status; heartbeats arrive;
 * an ack changes the outbox and the retained status follows; killing the process makes the
 * broker publish the retained "offline" will.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heartbeatMessageSchema, statusMessageSchema, type StatusMessage } from '../../src/mqtt/contract/index.ts';
import { ackTopic, heartbeatTopic, statusTopic } from '../../src/mqtt/topics.ts';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.ts';
import { subscribe } from './mqtt-client.ts';

let broker: MosquittoBroker;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.stop();
});

const statusOf = (m: { payload: Buffer }): StatusMessage => statusMessageSchema.parse(JSON.parse(m.payload.toString()));

describe('device status over MQTT', () => {
  it('retains a contract status, beats, follows an ack, and leaves a retained offline will when killed', async () => {
    const [agency, device] = ['pd', 'car-status'];
    const topic = statusTopic('alpr', agency, device);
    const dataDir = mkdtempSync(join(tmpdir(), 'alpr-status-'));
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./status-child.ts', import.meta.url)), broker.url, agency, device, dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      child.stdout.setEncoding('utf8');
      let out = '';
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
      });
      await expect.poll(() => out, { timeout: 30_000 }).toContain('connected');

      const sub = await subscribe(broker.url, [topic, heartbeatTopic('alpr', agency, device)]);
      await expect.poll(() => sub.on(topic).length).toBeGreaterThan(0);
      const first = sub.on(topic)[0]!;
      expect(first.retain).toBe(true);
      expect(statusOf(first)).toMatchObject({
        v: 1,
        device,
        agency,
        state: 'online',
        version: 'test',
        cameras: [{ id: 'front', state: 'streaming' }],
        outbox: { pending: 1, unacked: 0 },
      });

      await expect.poll(() => sub.on(heartbeatTopic('alpr', agency, device)).length, { timeout: 10_000 }).toBeGreaterThan(0);
      const beat = heartbeatMessageSchema.parse(JSON.parse(sub.on(heartbeatTopic('alpr', agency, device))[0]!.payload.toString()));
      expect(beat).toMatchObject({ device, agency, outbox: { pending: 1, unacked: 0 } });

      // The central receiver acks the waiting hit: the retained status is refreshed with an empty outbox.
      await sub.client.publishAsync(ackTopic('alpr', agency, device), JSON.stringify({ v: 1, ids: ['waiting-1'], receiver: 'test', at: new Date().toISOString() }), { qos: 1 });
      await expect.poll(() => sub.on(topic).map((m) => statusOf(m).outbox.pending), { timeout: 10_000 }).toContain(0);

      child.kill('SIGKILL'); // no DISCONNECT: the broker sends the will
      await expect.poll(() => sub.on(topic).map((m) => statusOf(m).state), { timeout: 10_000 }).toContain('offline');
      await sub.end();

      const later = await subscribe(broker.url, [topic]);
      await expect.poll(() => later.on(topic).length).toBe(1);
      const will = later.on(topic)[0]!;
      expect(will.retain).toBe(true);
      expect(statusOf(will)).toMatchObject({ v: 1, device, agency, state: 'offline' });
      await later.end();
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
