/**
 * A synced list verified and parsed in a worker thread (list-worker.ts), behind the ParsedList
 * interface the staged import reads: the main thread only ever holds one chunk of records, and
 * the seconds of CPU a million-line list costs to verify and parse are spent off its event loop.
 * One worker per list; it is ended by `close()`. Errors keep their HotlistError reasons.
 */
import type { KeyObject } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { HotlistError } from './errors.ts';
import type { HotlistFormat } from './formats/index.ts';
import type { ParsedList } from './import.ts';
import type { ListManifest } from './signing.ts';
import type { HotlistRecord } from './types.ts';
import type { ListReply, ListRequest } from './worker-protocol.ts';

/** Bytes copied per step of ownedCopy: a few milliseconds each. */
const COPY_STEP = 4 * 1024 * 1024;

/**
 * A private copy of `bytes` the worker can own (a received Buffer may be a view into a larger
 * buffer, and the caller may still hold it), made in steps that yield to the event loop: copying
 * a 45 MB list in one go costs ~140 ms here, most of it faulting in the fresh pages.
 */
async function ownedCopy(bytes: Buffer): Promise<ArrayBuffer> {
  const owned = Buffer.allocUnsafeSlow(bytes.length); // not pooled, not zeroed: every byte is written below
  for (let at = 0; at < bytes.length; at += COPY_STEP) {
    bytes.copy(owned, at, at, Math.min(bytes.length, at + COPY_STEP));
    if (at + COPY_STEP < bytes.length) await yieldToLoop();
  }
  return owned.buffer as ArrayBuffer;
}

type Pending = { resolve: (reply: ListReply) => void; reject: (err: Error) => void };

export class WorkerList {
  private readonly worker: Worker;
  /** Requests are answered in order, one reply each. */
  private readonly pending: Pending[] = [];
  private dead: Error | null = null;
  private readonly ready: Promise<ListReply>;

  private constructor() {
    this.worker = new Worker(new URL('./list-worker-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./list-worker.ts', import.meta.url).href },
    });
    this.ready = new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
    this.worker.on('message', (reply: ListReply) => {
      const p = this.pending.shift();
      if (!p) return;
      if (reply.type === 'failed') p.reject(reply.reason ? new HotlistError(reply.reason, reply.message) : new Error(reply.message));
      else p.resolve(reply);
    });
    const die = (err: Error): void => {
      this.dead ??= err;
      for (const p of this.pending.splice(0)) p.reject(this.dead);
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`hot-list worker exited with code ${code}`)));
  }

  /** Starts a worker (resolves once it is ready for a list). */
  static async start(): Promise<WorkerList> {
    const w = new WorkerList();
    try {
      await w.ready;
    } catch (err) {
      await w.worker.terminate();
      throw err;
    }
    return w;
  }

  private call<T extends ListReply['type']>(request: ListRequest, expect: T, transfer: ArrayBuffer[] = []): Promise<Extract<ListReply, { type: T }>> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.pending.push({
        resolve: (reply) => (reply.type === expect ? resolve(reply as Extract<ListReply, { type: T }>) : reject(new Error(`hot-list worker answered ${reply.type}, expected ${expect}`))),
        reject,
      });
      this.worker.postMessage(request, transfer);
    });
  }

  /** Checks the envelope's signature in the worker (same errors as verifyEnvelope); the data stays there. */
  async verify(body: Buffer | string, publicKey: KeyObject, origin: string): Promise<ListManifest> {
    const buffer = await ownedCopy(typeof body === 'string' ? Buffer.from(body) : body);
    return (await this.call({ type: 'verify', body: buffer, publicKey, origin }, 'verified', [buffer])).manifest;
  }

  /** Parses the verified data; `emptyIsEmpty`: a blank text is an empty list (a delta that only removes). */
  async parse(format: HotlistFormat, emptyIsEmpty: boolean): Promise<ParsedList> {
    const summary = await this.call({ type: 'parse', format, emptyIsEmpty }, 'parsed');
    return {
      valid: summary.valid,
      errorCount: summary.errorCount,
      errors: summary.errors,
      warnings: summary.warnings,
      fatal: summary.fatal,
      next: async (size: number): Promise<readonly HotlistRecord[]> => (await this.call({ type: 'next', size }, 'chunk')).records,
    };
  }

  async close(): Promise<void> {
    if (this.dead) return;
    this.dead = new Error('hot-list worker closed');
    await this.worker.terminate();
  }
}
