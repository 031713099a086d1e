/**
 * The reference central receiver: takes its share of every device's hits through an MQTT 5
 * shared subscription, validates each one, stores it idempotently, and only then acknowledges
 * it, twice over: the broker's PUBACK (sent once the store has committed, so a receiver that
 * dies before the commit gets the message again from its persistent session) and the
 * contract's ack to the device (batched, ack-batcher.ts).
 *
 * mqtt.js handles a connection's incoming messages one at a time and sends the PUBACK when
 * `handleMessage` calls back; the receiver calls back after the commit. So one connection
 * has one hit in hand at a time; a receiver therefore opens `lanes` connections (each its own
 * persistent session, all members of the share group) and commits the hits the lanes hold
 * together (commit-queue.ts): one durable commit for many hits. While the store is failing
 * it retries with backoff and the broker holds the rest: back-pressure instead of loss. A
 * message that fails validation is logged with the reason, counted and PUBACKed (never
 * stored, never looped).
 */
import { EventEmitter } from 'node:events';
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { AckMessage } from '../mqtt/contract/ack.ts';
import { ackTopic, allDevicesFilter, sharedSubscription } from '../mqtt/topics.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { AckBatcher } from './ack-batcher.ts';
import { CommitQueue } from './commit-queue.ts';
import { intakeHit, type CentralHit } from './hit-intake.ts';
import { isPermanentStoreError, type CentralStore } from './store.ts';

export interface CentralReceiverOptions {
  url: string;
  /** receiverClientOptions() (mqtt-options.ts): MQTT 5, clean: false, stable client id (lane i adds "-i"). */
  clientOptions: IClientOptions;
  /** Connections to take hits on (default 1). */
  lanes?: number;
  topicPrefix: string;
  group: string;
  /** This receiver's name (in acks and stored rows). */
  name: string;
  store: CentralStore;
  ack: { windowMs: number; maxIds: number };
  /** First delay before retrying a failed store write (doubles up to 30 s). */
  storeRetryMs: number;
  clock: Clock;
  logger: Logger;
}

export interface ReceiverStats {
  /** Messages handled (valid or not). */
  received: number;
  /** Hits stored by this receiver. */
  stored: number;
  /** Valid hits whose id was already stored (redeliveries, retries): acked, not stored again. */
  duplicates: number;
  /** Messages refused by validation. */
  invalid: number;
  /** Store writes that failed and were retried. */
  storeFailures: number;
  /** Valid hits the store refused for good (a data or constraint error): logged, PUBACKed, not acked. */
  storeRefused: number;
  /** Ack messages published. */
  acksSent: number;
  /** Store transactions committed (or attempted): hits per commit = (stored + duplicates) / commits. */
  commits: number;
}

export interface CentralReceiverEvents {
  connected: [];
  /** Every lane holds the shared subscription (again after each reconnect). */
  subscribed: [];
  /** A valid hit was committed (`isNew` false: it was already stored). */
  stored: [hit: CentralHit, isNew: boolean];
  invalid: [reason: string, topic: string];
}

const MAX_RETRY_MS = 30_000;

class Stopping extends Error {}

export class CentralReceiver extends EventEmitter<CentralReceiverEvents> {
  private readonly o: CentralReceiverOptions;
  private clients: MqttClient[] = [];
  private readonly subscribedLanes = new Set<number>();
  private readonly acks: AckBatcher;
  private readonly commits: CommitQueue;
  private readonly counts: Omit<ReceiverStats, 'commits'> = { received: 0, stored: 0, duplicates: 0, invalid: 0, storeFailures: 0, storeRefused: 0, acksSent: 0 };
  private readonly inFlight = new Set<Promise<void>>();
  private readonly ackPublishes = new Set<Promise<void>>();
  private stopping = false;
  private readonly retryWakers = new Set<() => void>();
  private errorLogged = false;

  constructor(options: CentralReceiverOptions) {
    super();
    this.o = options;
    this.commits = new CommitQueue(options.store);
    this.acks = new AckBatcher({
      windowMs: options.ack.windowMs,
      maxIds: options.ack.maxIds,
      receiver: options.name,
      clock: options.clock,
      publish: (topic, message) => this.publishAck(topic, message),
    });
  }

  get subscription(): string {
    return sharedSubscription(this.o.group, allDevicesFilter(this.o.topicPrefix, 'hits'));
  }

  /** Every lane is connected. */
  get connected(): boolean {
    return this.clients.length > 0 && this.clients.every((c) => c.connected);
  }

  stats(): ReceiverStats {
    return { ...this.counts, commits: this.commits.commits };
  }

  /** Starts connecting (returns at once: a broker that is down is retried, not an error). */
  start(): void {
    if (this.clients.length > 0) return;
    const lanes = Math.max(1, this.o.lanes ?? 1);
    for (let lane = 0; lane < lanes; lane++) this.clients.push(this.startLane(lane, lanes));
  }

  private startLane(lane: number, lanes: number): MqttClient {
    const { logger } = this.o;
    const clientId = `${this.o.clientOptions.clientId ?? 'alpr-central'}-${lane}`;
    const client = connect(this.o.url, { ...this.o.clientOptions, clientId });
    client.handleMessage = (packet, callback) => {
      const p = this.handle(packet).then(
        () => callback(),
        // No callback(undefined): without it mqtt.js sends no PUBACK and the broker keeps the hit.
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    };
    client.on('connect', (connack) => {
      if (lane === 0) this.errorLogged = false;
      logger.info({ url: this.o.url, clientId, sessionPresent: connack.sessionPresent }, 'central: connected to the broker');
      client.subscribe(this.subscription, { qos: 1 }, (err, granted) => {
        const code = granted?.[0]?.qos;
        if (err || (code !== undefined && code > 2)) {
          logger.error({ topic: this.subscription, clientId, err: err?.message, code }, 'central: the broker refused the shared subscription (an MQTT 5 broker with shared subscriptions is needed)');
          return;
        }
        logger.debug({ topic: this.subscription, clientId }, 'central: lane subscribed');
        this.subscribedLanes.add(lane);
        if (this.subscribedLanes.size === lanes) {
          logger.info({ topic: this.subscription, lanes }, 'central: subscribed');
          this.emit('subscribed');
        }
      });
      this.emit('connected');
    });
    client.on('close', () => {
      this.subscribedLanes.delete(lane);
      if (!this.stopping && lane === 0) logger.warn({ url: this.o.url }, 'central: connection to the broker closed; reconnecting');
    });
    client.on('error', (err) => {
      logger[this.errorLogged ? 'debug' : 'warn']({ err: err.message, url: this.o.url, clientId }, 'central: broker error');
      this.errorLogged = true;
    });
    return client;
  }

  private async handle(packet: IPublishPacket): Promise<void> {
    if (this.stopping) throw new Stopping('receiver stopping');
    this.counts.received++;
    const { clock, logger } = this.o;
    const intake = intakeHit(this.o.topicPrefix, packet.topic, packet.payload as Buffer, clock.now(), this.o.name);
    if (!intake.ok) {
      this.counts.invalid++;
      logger.warn({ topic: packet.topic, id: intake.id, reason: intake.reason }, 'central: invalid hit message refused (not stored)');
      this.emit('invalid', intake.reason, packet.topic);
      return;
    }
    const hit = intake.hit;
    const isNew = await this.storeWithRetry(hit);
    if (isNew === null) return;
    if (isNew) this.counts.stored++;
    else this.counts.duplicates++;
    logger.debug({ id: hit.id, device: hit.device, isNew }, 'central: hit stored');
    this.emit('stored', hit, isNew);
    this.acks.add(ackTopic(this.o.topicPrefix, hit.agency, hit.device), hit.id);
  }

  /** Whether the hit was new; null when the store refuses it for good (see isPermanentStoreError). */
  private async storeWithRetry(hit: CentralHit): Promise<boolean | null> {
    let delay = this.o.storeRetryMs;
    for (;;) {
      try {
        return await this.commits.add(hit);
      } catch (err) {
        if (isPermanentStoreError(err)) {
          // Retrying would hold this lane forever; the device re-publishes it after its ack timeout.
          this.counts.storeRefused++;
          this.o.logger.error({ id: hit.id, device: hit.device, err: (err as Error).message }, 'central: the store refused a valid hit; not stored, not acked');
          return null;
        }
        this.counts.storeFailures++;
        this.o.logger.error({ id: hit.id, err: (err as Error).message, retryInMs: delay }, 'central: storing a hit failed; not acknowledged, retrying');
      }
      if (this.stopping) throw new Stopping('receiver stopping');
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.retryWakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, delay);
        this.retryWakers.add(wake);
      });
      if (this.stopping) throw new Stopping('receiver stopping');
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }

  private publishAck(topic: string, message: AckMessage): void {
    // Any connected lane will do; with none, lane 0 keeps it until it reconnects.
    const client = this.clients.find((c) => c.connected) ?? this.clients[0];
    if (!client) return;
    const p = new Promise<void>((resolve) => {
      // QoS 1; mqtt.js holds it across a reconnect. A lost ack only delays: the device re-sends, we ack again.
      client.publish(topic, JSON.stringify(message), { qos: 1 }, (err) => {
        if (err) this.o.logger.warn({ topic, ids: message.ids.length, err: err.message }, 'central: publishing an ack failed');
        else this.counts.acksSent++;
        resolve();
      });
    });
    this.ackPublishes.add(p);
    void p.finally(() => this.ackPublishes.delete(p));
  }

  /**
   * Stops taking messages (any not yet stored stay with the broker, in this receiver's session),
   * sends the acks still gathering, waits for them (up to `timeoutMs`) and disconnects.
   */
  async stop(timeoutMs = 5_000): Promise<void> {
    const clients = this.clients;
    if (clients.length === 0) return;
    this.stopping = true;
    for (const wake of [...this.retryWakers]) wake();
    await Promise.allSettled([...this.inFlight]);
    this.acks.flushAll();
    const settle = Promise.allSettled([...this.ackPublishes]);
    await Promise.race([settle, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    await Promise.all(clients.map((c) => c.endAsync(!c.connected)));
    this.clients = [];
    this.o.logger.info({ receiver: this.o.name, ...this.stats() }, 'central: receiver stopped');
  }
}
