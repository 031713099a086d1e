/**
 * A device process for the SIGKILL test (not a test file): `burst` records hits as fast as it
 * can, first yielding to the publisher now and then, then without yielding (see below), and
 * reports how many are committed until it is killed; `drain` only delivers what an earlier run left in the outbox, then says "drained" once
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
  // Phase 1: record and deliver side by side until the broker has taken some hits and 200 are
  // committed. Phase 2: keep committing without ever yielding, so the publisher cannot send any
  // more: whenever the test kills the process, committed hits are still waiting in the outbox
  // (on a fast machine delivery otherwise keeps up and the kill would test nothing).
  let committed = 0;
  const report = (): void => void process.stdout.write(`committed ${committed}\n`);
  while (committed < 200 || d.publisher.stats().sent < 30) {
    d.hit();
    committed++;
    if (committed % 10 === 0) {
      report();
      await yieldNow();
    }
  }
  for (let i = 0; i < 2_000; i++) {
    d.hit();
    committed++;
    if (committed % 10 === 0) report();
  }
  report();
  process.stdout.write('backlog\n');
  // Wait for the kill without yielding to the event loop (nothing more is published).
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
} else {
  // Until the central receiver has acknowledged every hit.
  const drained = await d.publisher.drainAcked(60_000);
  process.stdout.write(drained ? 'drained\n' : 'not drained\n');
  await d.stop();
}
