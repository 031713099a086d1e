/**
 * Builds the packed match index in a worker thread (index-worker.ts) from the database file and
 * resolves with it; the typed arrays arrive by transfer, not by copy. One worker per build.
 */
import { Worker } from 'node:worker_threads';
import type { PackedRead } from './packed-read.ts';

type Reply = ({ type: 'built' } & PackedRead) | { type: 'failed'; message: string };

export function readPackedIndexInWorker(file: string, busyTimeoutMs = 5_000): Promise<PackedRead> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./list-worker-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./index-worker.ts', import.meta.url).href, file, busyTimeoutMs },
    });
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.once('message', (reply: Reply) =>
      settle(() => (reply.type === 'built' ? resolve({ signature: reply.signature, parts: reply.parts }) : reject(new Error(`hot-list index worker: ${reply.message}`)))),
    );
    worker.once('error', (err) => settle(() => reject(err)));
    worker.once('exit', (code) => settle(() => reject(new Error(`hot-list index worker exited with code ${code} before building`))));
  });
}
