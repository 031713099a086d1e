/**
 * A device process for the SIGKILL test (not a test file): `burst` records hits as fast as it
 * can (yielding to the publisher now and then) and reports how many are committed until it is
 * killed; `drain` only delivers what an earlier run left in the outbox, then says "drained" once
 * the central receiver has acknowledged all of it.
 *
 *   tsx central-device-child.ts burst|drain DATA_DIR BROKER_URL AGENCY DEVICE
 */
import { setImmediate as yieldNow } from 'node:timers/promises';
import { startDevice } from './central-device.ts';

const [mode, dataDir, url, agency, device] = process.argv.slice(2);
if ((mode !== 'burst' && mode !== 'drain') || !dataDir || !url || !agency || !device) {
  throw new Error('usage: central-device-child burst|drain DATA_DIR BROKER_URL AGENCY DEVICE');
}
const d = startDevice({ dataDir, url, agency, device, reconnectPeriodMs: 300 });
if (mode === 'burst') {
  let committed = 0;
  for (;;) {
    d.hit();
    committed++;
    if (committed % 10 === 0) {
      process.stdout.write(`committed ${committed}\n`);
      await yieldNow();
    }
  }
} else {
  // Until the central receiver has acknowledged every hit.
  const drained = await d.publisher.drainAcked(60_000);
  process.stdout.write(drained ? 'drained\n' : 'not drained\n');
  await d.stop();
}
