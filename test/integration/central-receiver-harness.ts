/** An in-process central receiver for tests (not a test file), built as the CLI builds it. */
import { receiverClientOptions } from '../../src/central/mqtt-options.ts';
import { CentralReceiver } from '../../src/central/receiver.ts';
import type { CentralStore } from '../../src/central/store.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { PREFIX } from './central-device.ts';

export function startReceiver(url: string, name: string, store: CentralStore, overrides: { windowMs?: number; group?: string; lanes?: number } = {}): CentralReceiver {
  const receiver = new CentralReceiver({
    url,
    clientOptions: receiverClientOptions(
      { url, rejectUnauthorized: true, reconnectPeriodMs: 300, keepaliveS: 30 },
      name,
      3_600,
    ),
    topicPrefix: PREFIX,
    group: overrides.group ?? 'central',
    lanes: overrides.lanes ?? 2,
    name,
    store,
    ack: { windowMs: overrides.windowMs ?? 50, maxIds: 1_000 },
    storeRetryMs: 100,
    clock: systemClock,
    logger: silentLogger(),
  });
  receiver.start();
  return receiver;
}
