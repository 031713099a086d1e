/**
 * The receiver's mqtt.js options from its config (reads the password, CA, certificate and key
 * files): MQTT 5, a persistent session under a stable client id (clean: false with a session
 * expiry), so QoS 1 hits queued for this receiver while it is away are delivered when it returns.
 */
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import { AlprError } from '../errors.ts';
import { readSecretFile, type CentralBrokerConfig } from './config.ts';

/** The stable client id base (lane i connects as "<base>-i"): the broker keeps each lane's session, and its queued hits, under it. */
export function receiverClientId(name: string): string {
  return `alpr-central-${name}`;
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new AlprError('CONFIG_INVALID', `cannot read ${what} ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** TLS and credentials shared by the receiver and `hotlist-publish`. */
export function brokerAuthOptions(b: CentralBrokerConfig): IClientOptions {
  return {
    reconnectPeriod: b.reconnectPeriodMs,
    keepalive: b.keepaliveS,
    connectTimeout: 10_000,
    rejectUnauthorized: b.rejectUnauthorized,
    ...(b.username === undefined ? {} : { username: b.username }),
    ...(b.passwordFile === undefined ? {} : { password: readSecretFile(b.passwordFile, 'broker.passwordFile') }),
    ...(b.caFile === undefined ? {} : { ca: readPem(b.caFile, 'broker.caFile') }),
    ...(b.certFile === undefined ? {} : { cert: readPem(b.certFile, 'broker.certFile') }),
    ...(b.keyFile === undefined ? {} : { key: readPem(b.keyFile, 'broker.keyFile') }),
  };
}

export function receiverClientOptions(b: CentralBrokerConfig, name: string, sessionExpiryS: number): IClientOptions {
  return {
    ...brokerAuthOptions(b),
    clientId: receiverClientId(name),
    protocolVersion: 5,
    clean: false,
    properties: { sessionExpiryInterval: sessionExpiryS },
    // Subscribed again on every connect by the receiver (a broker that lost the session forgets it).
    resubscribe: false,
  };
}
