/**
 * MQTT transport, and nothing about plates: connects with mqtt.js (MQTT 5 by default) and lets
 * it reconnect on its own; a retained last will marks the device offline on `<...>/status` and a
 * retained "online" is published on every connect. `publish` resolves on the broker's
 * acknowledgement (PUBACK for QoS 1). It never queues while offline: a publish without a
 * connection fails at once, and a publish in flight when the connection drops fails and is
 * removed from mqtt.js's in-memory store (not resent behind the caller's back). The caller's
 * durable outbox decides what to retry.
 */
import { EventEmitter } from 'node:events';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { AlprError } from '../errors.ts';
import type { Logger } from '../platform/logger.ts';

export const STATUS_ONLINE = '{"state":"online"}';
export const STATUS_OFFLINE = '{"state":"offline"}';

export interface MqttTransportOptions {
  url: string;
  clientId: string;
  /** Retained status topic (statusTopic() in topics.ts): last will "offline", "online" on connect. */
  statusTopic: string;
  /**
   * The retained status payload for a state (the contract's status message, status-reporter.ts).
   * Called for the last will before every connection attempt, on connect, and on an orderly stop.
   * Default: {"state":"online"} / {"state":"offline"}.
   */
  statusPayload?: (state: 'online' | 'offline') => string;
  /** TLS (mqtts://, wss://): CA certificates that signed the broker's certificate (default: the system CAs). */
  ca?: Buffer;
  /** TLS client certificate and its key (client-certificate auth). */
  cert?: Buffer;
  key?: Buffer;
  /** Refuse a broker certificate that does not verify (default true). */
  rejectUnauthorized?: boolean;
  username?: string;
  password?: string;
  /** 5 (default) or 4 (MQTT 3.1.1). */
  protocolVersion?: 4 | 5;
  /** Delay between reconnect attempts, ms (default 2000). */
  reconnectPeriodMs?: number;
  /** Give up a connection attempt after this many ms (default 10000). */
  connectTimeoutMs?: number;
  /** A publish without its acknowledgement after this many ms fails (default 15000). */
  publishTimeoutMs?: number;
  /** Keepalive in seconds (default 30). */
  keepaliveS?: number;
  logger: Logger;
}

export interface PublishOptions {
  qos: 0 | 1 | 2;
  retain?: boolean;
}

export interface MqttTransportEvents {
  connected: [];
  disconnected: [];
  /** mqtt.js starts another connection attempt. */
  reconnecting: [];
}

/** Receives the payload of a message on a subscribed topic. */
export type MessageHandler = (payload: Buffer, topic: string) => void;

interface Subscription {
  qos: 0 | 1 | 2;
  handlers: Set<MessageHandler>;
}

interface InFlight {
  fail(err: Error): void;
}

export class MqttTransport extends EventEmitter<MqttTransportEvents> {
  private readonly options: MqttTransportOptions;
  private client: MqttClient | null = null;
  private readonly inFlight = new Set<InFlight>();
  private wasConnected = false;
  private readonly subscriptions = new Map<string, Subscription>();
  private errorLogged = false;

  constructor(options: MqttTransportOptions) {
    super();
    this.options = options;
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** Starts connecting (returns at once; a missing broker is not an error, it is retried). */
  start(): void {
    if (this.client) return;
    const o = this.options;
    const status = o.statusPayload ?? ((state: 'online' | 'offline') => (state === 'online' ? STATUS_ONLINE : STATUS_OFFLINE));
    const clientOptions: IClientOptions = {
      clientId: o.clientId,
      protocolVersion: o.protocolVersion ?? 5,
      clean: true,
      keepalive: o.keepaliveS ?? 30,
      reconnectPeriod: o.reconnectPeriodMs ?? 2_000,
      connectTimeout: o.connectTimeoutMs ?? 10_000,
      queueQoSZero: false,
      resubscribe: false,
      will: { topic: o.statusTopic, payload: Buffer.from(status('offline')), qos: 1, retain: true },
      ...(o.username === undefined ? {} : { username: o.username }),
      ...(o.password === undefined ? {} : { password: o.password }),
      ...(o.ca === undefined ? {} : { ca: o.ca }),
      ...(o.cert === undefined ? {} : { cert: o.cert }),
      ...(o.key === undefined ? {} : { key: o.key }),
      rejectUnauthorized: o.rejectUnauthorized ?? true,
    };
    const client = connect(o.url, clientOptions);
    this.client = client;
    client.on('connect', () => {
      this.wasConnected = true;
      this.errorLogged = false;
      o.logger.info({ url: o.url, clientId: o.clientId }, 'mqtt connected');
      client.publish(o.statusTopic, status('online'), { qos: 1, retain: true }, (err) => {
        if (err) o.logger.warn({ err: err.message }, 'mqtt: publishing the online status failed');
      });
      // Clean sessions: subscribe again on every connection.
      for (const [topic, sub] of this.subscriptions) this.sendSubscribe(client, topic, sub.qos);
      this.emit('connected');
    });
    client.on('message', (topic, payload) => {
      const sub = this.subscriptions.get(topic);
      if (!sub) return;
      for (const handler of sub.handlers) {
        try {
          handler(payload, topic);
        } catch (err) {
          o.logger.warn({ topic, err: (err as Error).message }, 'mqtt: a message handler failed');
        }
      }
    });
    client.on('close', () => this.onClose(client));
    client.on('reconnect', () => {
      // The broker keeps the will given at CONNECT: give the next attempt a current one.
      if (client.options.will) client.options.will.payload = Buffer.from(status('offline'));
      this.emit('reconnecting');
    });
    client.on('disconnect', (packet) => o.logger.warn({ reasonCode: packet.reasonCode }, 'mqtt: broker sent DISCONNECT'));
    // A broker that stays down fails every reconnect: warn once per outage, the rest at debug.
    client.on('error', (err) => {
      const level = this.errorLogged ? 'debug' : 'warn';
      this.errorLogged = true;
      o.logger[level]({ err: err.message, url: o.url }, 'mqtt error (hits wait in the outbox)');
    });
  }

  private onClose(client: MqttClient): void {
    this.failInFlight(new AlprError('MQTT_NOT_CONNECTED', 'connection to the broker lost before the acknowledgement'));
    // Drop what mqtt.js kept for a resend: the caller's outbox owns retries.
    for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
    if (this.wasConnected) {
      this.wasConnected = false;
      this.options.logger.warn({ url: this.options.url }, 'mqtt disconnected');
      this.emit('disconnected');
    }
  }

  private failInFlight(err: Error): void {
    for (const f of [...this.inFlight]) f.fail(err);
  }

  /** Publishes and resolves when the broker has acknowledged it (QoS 1/2) or it is written (QoS 0). */
  publish(topic: string, payload: string | Buffer, options: PublishOptions): Promise<void> {
    const client = this.client;
    if (!client || !client.connected) {
      return Promise.reject(new AlprError('MQTT_NOT_CONNECTED', 'not connected to the broker'));
    }
    const timeoutMs = this.options.publishTimeoutMs ?? 15_000;
    return new Promise<void>((resolve, reject) => {
      const entry: InFlight = {
        fail: (err) => {
          if (!this.inFlight.delete(entry)) return;
          clearTimeout(timer);
          reject(err);
        },
      };
      this.inFlight.add(entry);
      const timer = setTimeout(() => entry.fail(new AlprError('MQTT_PUBLISH_FAILED', `no acknowledgement from the broker within ${timeoutMs} ms`)), timeoutMs);
      client.publish(topic, payload, { qos: options.qos, retain: options.retain ?? false }, (err) => {
        if (!err) {
          if (!this.inFlight.delete(entry)) return;
          clearTimeout(timer);
          resolve();
          return;
        }
        const code = client.connected ? 'MQTT_PUBLISH_FAILED' : 'MQTT_NOT_CONNECTED';
        entry.fail(new AlprError(code, `publish to ${topic} failed: ${err.message}`, { cause: err }));
      });
    });
  }

  /** Publishes the retained "online" status again (something it reports changed). */
  async publishStatus(): Promise<void> {
    await this.publish(this.options.statusTopic, this.options.statusPayload?.('online') ?? STATUS_ONLINE, { qos: 1, retain: true });
  }

  private sendSubscribe(client: MqttClient, topic: string, qos: 0 | 1 | 2): void {
    client.subscribe(topic, { qos }, (err) => {
      if (err) this.options.logger.warn({ topic, err: err.message }, 'mqtt: subscribe failed');
    });
  }

  /**
   * Delivers messages on `topic` (an exact topic, no wildcards) to `handler`, on this and every
   * later connection. Returns a function that removes the handler (and unsubscribes after the last).
   */
  subscribe(topic: string, qos: 0 | 1 | 2, handler: MessageHandler): () => void {
    if (/[#+]/.test(topic)) throw new Error(`subscribe takes an exact topic, not ${JSON.stringify(topic)}`);
    let sub = this.subscriptions.get(topic);
    if (!sub) {
      sub = { qos, handlers: new Set() };
      this.subscriptions.set(topic, sub);
      if (this.client?.connected) this.sendSubscribe(this.client, topic, qos);
    }
    sub.handlers.add(handler);
    const s = sub;
    return () => {
      s.handlers.delete(handler);
      if (s.handlers.size === 0 && this.subscriptions.get(topic) === s) {
        this.subscriptions.delete(topic);
        if (this.client?.connected) this.client.unsubscribe(topic);
      }
    };
  }

  /** Publishes the retained "offline" status (when connected) and disconnects; no reconnect after. */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      try {
        await this.publish(this.options.statusTopic, this.options.statusPayload?.('offline') ?? STATUS_OFFLINE, { qos: 1, retain: true });
      } catch (err) {
        this.options.logger.warn({ err: (err as Error).message }, 'mqtt: publishing the offline status failed');
      }
    }
    this.failInFlight(new AlprError('MQTT_NOT_CONNECTED', 'transport stopped'));
    await client.endAsync(!client.connected);
    this.client = null;
  }
}
