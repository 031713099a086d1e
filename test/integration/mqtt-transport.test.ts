/** MqttTransport against a real Mosquitto: retained online/offline status, last will, PUBACK. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlprError } from '../../src/errors.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { statusTopic } from '../../src/mqtt/topics.ts';
import { MqttTransport } from '../../src/mqtt/transport.ts';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.ts';
import { subscribe } from './mqtt-client.ts';

let broker: MosquittoBroker;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.stop();
});

const states = (payloads: { payload: Buffer }[]): string[] => payloads.map((m) => (JSON.parse(m.payload.toString()) as { state: string }).state);

describe('MqttTransport', () => {
  it('publishes with QoS 1, resolving on PUBACK, and marks the device online then offline on stop', async () => {
    const topic = statusTopic('alpr', 'ag', 'dev-stop');
    const sub = await subscribe(broker.url, [topic, 'alpr/ag/dev-stop/hits']);
    const transport = new MqttTransport({ url: broker.url, clientId: 'dev-stop', statusTopic: topic, logger: silentLogger() });
    await expect(transport.publish('alpr/ag/dev-stop/hits', 'x', { qos: 1 })).rejects.toSatisfy((e) => isAlprError(e, 'MQTT_NOT_CONNECTED'));
    transport.start();
    await once(transport, 'connected');
    expect(transport.connected).toBe(true);
    await transport.publish('alpr/ag/dev-stop/hits', '{"n":1}', { qos: 1 });
    await expect.poll(() => sub.on('alpr/ag/dev-stop/hits').length).toBe(1);
    await transport.stop();
    expect(transport.connected).toBe(false);
    await expect.poll(() => states(sub.on(topic))).toEqual(['online', 'offline']);
    await sub.end();
  });

  it('the broker publishes the retained offline last will when the client dies', async () => {
    const topic = statusTopic('alpr', 'ag', 'dev-killed');
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./transport-child.ts', import.meta.url)), broker.url, topic], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      child.stdout.setEncoding('utf8');
      let out = '';
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
      });
      await expect.poll(() => out, { timeout: 30_000 }).toContain('connected');

      // "connected" may print before the broker has the status: this subscriber can get "online"
      // live (retain false) or retained. Once it has it, the broker holds the retained message,
      // and a late subscriber gets exactly that.
      const sub = await subscribe(broker.url, [topic]);
      await expect.poll(() => states(sub.on(topic))).toEqual(['online']);
      const late = await subscribe(broker.url, [topic]);
      await expect.poll(() => late.on(topic).map((m) => [states([m])[0], m.retain])).toEqual([['online', true]]);
      await late.end();

      child.kill('SIGKILL'); // no DISCONNECT: the broker sees the socket close and sends the will
      await expect.poll(() => states(sub.on(topic))).toEqual(['online', 'offline']);
      await sub.end();

      const later = await subscribe(broker.url, [topic]);
      await expect.poll(() => later.on(topic).map((m) => [states([m])[0], m.retain])).toEqual([['offline', true]]);
      await later.end();
    } finally {
      child.kill('SIGKILL');
    }
  });
});
