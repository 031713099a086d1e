/**
 * Runs inside the reader's worker thread: builds the plate reader from the options it was
 * given and answers read requests one at a time. Pre- and post-processing (resize, DB outline,
 * CTC decoding) is synchronous JavaScript; here it never blocks the main event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isAlprError } from '../errors.ts';
import { createPlateReader, type PlateReaderOptions } from './reader.ts';
import type { PlateReader } from './types.ts';

export interface ReadRequest {
  id: number;
  width: number;
  height: number;
  data: ArrayBuffer;
  sceneSize?: { width: number; height: number };
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'failed'; code: string | null; message: string }
  | { type: 'read'; id: number; plates: Awaited<ReturnType<PlateReader['read']>> }
  | { type: 'read-failed'; id: number; code: string | null; message: string };

function describe(err: unknown): { code: string | null; message: string } {
  return { code: isAlprError(err) ? err.code : null, message: err instanceof Error ? err.message : String(err) };
}

const port = parentPort;
if (port) {
  const options = (workerData as { options: PlateReaderOptions }).options;
  const post = (reply: WorkerReply): void => port.postMessage(reply);
  let reader: PlateReader | null = null;
  try {
    reader = await createPlateReader(options);
    post({ type: 'ready' });
  } catch (err) {
    post({ type: 'failed', ...describe(err) });
  }
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (msg: ReadRequest | { type: 'close' }) => {
    if ('type' in msg) {
      chain = chain.then(async () => {
        await reader?.close();
        port.close();
      });
      return;
    }
    chain = chain.then(async () => {
      if (!reader) return;
      try {
        const plates = await reader.read({ width: msg.width, height: msg.height, data: Buffer.from(msg.data), ...(msg.sceneSize ? { sceneSize: msg.sceneSize } : {}) });
        post({ type: 'read', id: msg.id, plates });
      } catch (err) {
        post({ type: 'read-failed', id: msg.id, ...describe(err) });
      }
    });
  });
}
