/**
 * Hot lists pushed over MQTT to `<prefix>/<agency>/<device>/hotlist`: each message is a signed
 * envelope (signing.ts) handed to HotlistSync.applyPushed, so the same signature check, atomic
 * swap and refusal rules apply as for a pull. Stale-list status goes to `.../hotlist-status`.
 */
import { hotlistStatusTopic as statusTopicOf, hotlistTopic } from '../mqtt/topics.ts';
import type { Logger } from '../platform/logger.ts';
import { isHotlistError } from './errors.ts';
import type { HotlistSync, SyncOutcome } from './sync.ts';

/** What the receiver needs from the MQTT transport (MqttTransport.subscribe). */
export interface MessageSubscriber {
  subscribe(topic: string, qos: 0 | 1 | 2, handler: (payload: Buffer, topic: string) => void): () => void;
}

/** Topic names are built in src/mqtt/topics.ts; these names stay for existing callers. */
export function hotlistPushTopic(prefix: string, agency: string, deviceId: string): string {
  return hotlistTopic(prefix, agency, deviceId);
}

export function hotlistStatusTopic(prefix: string, agency: string, deviceId: string): string {
  return statusTopicOf(prefix, agency, deviceId);
}

export type PushResult = { ok: true; outcome: SyncOutcome } | { ok: false; error: Error };

export class HotlistPushReceiver {
  private unsubscribe: (() => void) | null = null;
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly mqtt: MessageSubscriber,
    private readonly sync: HotlistSync,
    private readonly topic: string,
    private readonly logger: Logger,
    /** Told the result of every pushed message (tests, status). */
    private readonly onResult?: (result: PushResult) => void,
  ) {}

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.mqtt.subscribe(this.topic, 1, (payload) => this.received(payload));
  }

  private received(payload: Buffer): void {
    const p = this.sync
      .applyPushed(payload, `mqtt ${this.topic}`)
      .then(
        (outcome) => this.onResult?.({ ok: true, outcome }),
        (err: unknown) => {
          const error = err instanceof Error ? err : new Error(String(err));
          this.logger.warn({ topic: this.topic, err: error.message, reason: isHotlistError(error) ? error.reason : undefined }, 'pushed hot list refused; the previous list stays in force');
          this.onResult?.({ ok: false, error });
        },
      )
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Unsubscribes and waits for lists being applied. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await Promise.all([...this.pending]);
  }
}
