/**
 * Worker thread that builds the imported lists' match index: opens the database read-only, reads
 * every active entry into typed arrays (packed-read.ts) and transfers them to the main thread,
 * whose event loop spends nothing on the seconds a million rows take. See worker-index.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { transferables } from './packed-index.ts';
import { readPackedIndex } from './packed-read.ts';

const port = parentPort;
if (!port) throw new Error('index-worker.ts must run in a worker thread');

const { file, busyTimeoutMs } = workerData as { file: string; busyTimeoutMs: number };
try {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const built = readPackedIndex(db);
    port.postMessage({ type: 'built', ...built }, transferables(built.parts));
  } finally {
    db.close();
  }
} catch (err) {
  port.postMessage({ type: 'failed', message: (err as Error).message });
}
