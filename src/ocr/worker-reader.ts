/**
 * The plate reader in a worker thread, behind the same PlateReader interface: capture, MQTT and
 * the HTTP server keep running while a frame is read, so a camera that is ahead of the reader
 * drops its stale frames instead of stalling. Errors keep their AlprError codes and messages.
 */
import { Worker } from 'node:worker_threads';
import { AlprError, type AlprErrorCode } from '../errors.ts';
import type { PlateReaderOptions } from './reader.ts';
import type { WorkerReply } from './reader-worker.ts';
import type { PlateRead, PlateReader, RgbImage } from './types.ts';

function toError(code: string | null, message: string): Error {
  return code ? new AlprError(code as AlprErrorCode, message) : new Error(message);
}

export async function createWorkerPlateReader(options: PlateReaderOptions): Promise<PlateReader> {
  const worker = new Worker(new URL('./reader-worker-boot.mjs', import.meta.url), {
    workerData: { entry: new URL('./reader-worker.ts', import.meta.url).href, options },
  });
  const pending = new Map<number, { resolve: (p: PlateRead[]) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | null = null;

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') resolve();
      else if (reply.type === 'failed') reject(toError(reply.code, reply.message));
      else {
        const p = pending.get(reply.id);
        pending.delete(reply.id);
        if (reply.type === 'read') p?.resolve(reply.plates);
        else p?.reject(toError(reply.code, reply.message));
      }
    });
    worker.on('error', (err) => {
      dead = err;
      reject(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
    worker.on('exit', (code) => {
      dead ??= new Error(`plate reader worker exited with code ${code}`);
      reject(dead);
      for (const p of pending.values()) p.reject(dead);
      pending.clear();
    });
  });
  try {
    await ready;
  } catch (err) {
    await worker.terminate();
    throw err;
  }

  return {
    read(image: RgbImage): Promise<PlateRead[]> {
      if (dead) return Promise.reject(dead);
      const id = nextId++;
      // A copy the worker can own: frame buffers may be views into a larger shared pool.
      const copy = new Uint8Array(image.data);
      return new Promise<PlateRead[]>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, width: image.width, height: image.height, data: copy.buffer, ...(image.sceneSize ? { sceneSize: image.sceneSize } : {}) }, [copy.buffer]);
      });
    },
    async close(): Promise<void> {
      if (dead) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ type: 'close' });
      // The worker ends once its sessions are released; a stuck one is stopped after 5 s.
      const timer = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
