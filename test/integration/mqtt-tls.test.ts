/**
 * The device's MQTT link over TLS against a real Mosquitto with a TLS listener that requires a
 * client certificate: the config's ca/cert/key files connect and deliver a QoS 1 publish; without
 * a client certificate, or with a CA that did not sign the broker's certificate, the broker is
 * refused. The certificates are made with openssl for each run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { transportOptionsFromConfig } from '../../src/mqtt/config.ts';
import { hitsTopic } from '../../src/mqtt/topics.ts';
import { MqttTransport } from '../../src/mqtt/transport.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.ts';
import { makeTestPki, type TestPki } from '../support/test-pki.ts';

let dir: string;
let pki: TestPki;
let broker: MosquittoBroker;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alpr-tls-'));
  pki = makeTestPki(dir);
  broker = await startMosquitto({ tls: { caFile: pki.caCert, certFile: pki.serverCert, keyFile: pki.serverKey, requireCertificate: true } });
});
afterAll(async () => {
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function deviceConfig(mqtt: Record<string, unknown>) {
  return configSchema.parse({ device: { id: 'car-7', agency: 'pd' }, cameras: [{ type: 'image-folder', id: 'cam1', path: 'frames' }], mqtt: { url: broker.url, ...mqtt } });
}

describe('MQTT over TLS with client-certificate auth', () => {
  it('connects with mqtt.ca, mqtt.cert and mqtt.key and gets the PUBACK', async () => {
    expect(broker.url).toMatch(/^mqtts:\/\//);
    const cfg = deviceConfig({ ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey });
    const topic = hitsTopic('alpr', 'pd', 'car-7');
    const reader = await connectAsync(broker.url, { ca: [readFileSync(pki.caCert)], cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey), reconnectPeriod: 0 });
    await reader.subscribeAsync(topic, { qos: 1 });
    const got = new Promise<string>((resolve) => reader.on('message', (_t, payload) => resolve(payload.toString())));
    const transport = new MqttTransport(transportOptionsFromConfig(cfg, silentLogger()));
    const connected = new Promise<void>((resolve) => transport.once('connected', resolve));
    transport.start();
    try {
      await connected;
      await transport.publish(topic, '{"id":"tls-1"}', { qos: 1 });
      expect(await got).toBe('{"id":"tls-1"}');
    } finally {
      await transport.stop();
      await reader.endAsync(true);
    }
  });

  it('is refused without a client certificate', async () => {
    await expect(connectAsync(broker.url, { ca: readFileSync(pki.caCert), reconnectPeriod: 0, connectTimeout: 5_000 })).rejects.toThrow();
  });

  it('refuses a broker whose certificate the configured CA did not sign (rejectUnauthorized defaults to true)', async () => {
    const cfg = deviceConfig({ ca: pki.otherCaCert, cert: pki.clientCert, key: pki.clientKey });
    const options = transportOptionsFromConfig(cfg, silentLogger());
    expect(options.rejectUnauthorized).toBe(true);
    await expect(
      connectAsync(broker.url, { ca: options.ca, cert: options.cert, key: options.key, rejectUnauthorized: true, reconnectPeriod: 0, connectTimeout: 5_000 }),
    ).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('names the config field of a certificate file it cannot read', () => {
    const cfg = deviceConfig({ ca: join(dir, 'missing.pem') });
    expect(() => transportOptionsFromConfig(cfg, silentLogger())).toThrow(/mqtt\.ca .*missing\.pem/);
  });

  it('wants mqtt.cert and mqtt.key together', () => {
    const r = configSchema.safeParse({ cameras: [{ type: 'image-folder', id: 'cam1', path: 'frames' }], mqtt: { cert: pki.clientCert } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(/mqtt\.cert and mqtt\.key go together/);
  });
});

