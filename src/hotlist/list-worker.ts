/**
 * Worker thread for a synced list: verifies the signed envelope, parses the list and hands the
 * records back in chunks on request. JSON-parsing and verifying a 40 MB envelope and parsing a
 * million lines take seconds of CPU; here they do not hold the daemon's event loop. Nothing is
 * written to the database from this thread (the main thread writes in short transactions, so its
 * own writers never wait on a long-held lock). See worker-list.ts for the other side.
 */
import type { KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { isHotlistError } from './errors.ts';
import { parseHotlist, type HotlistFormat } from './formats/index.ts';
import { verifyEnvelope } from './signing.ts';
import type { HotlistRecord } from './types.ts';
import { MAX_REPORTED_PROBLEMS, type ListReply, type ListRequest } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('list-worker.ts must run in a worker thread');

let data: string | null = null;
let records: HotlistRecord[] = [];
let at = 0;

function reply(message: ListReply): void {
  port?.postMessage(message);
}

function fail(err: unknown): void {
  const e = err as Error;
  reply({ type: 'failed', reason: isHotlistError(err) ? err.reason : null, message: e.message });
}

function verify(body: ArrayBuffer, publicKey: KeyObject, origin: string): void {
  const list = verifyEnvelope(Buffer.from(body), publicKey, origin);
  data = list.data;
  reply({ type: 'verified', manifest: list.manifest });
}

function parse(format: HotlistFormat, emptyIsEmpty: boolean): void {
  if (data === null) throw new Error('parse before verify');
  const parsed = emptyIsEmpty && data.trim() === '' ? { entries: [], errors: [], warnings: [], fatal: false } : parseHotlist(data, format);
  data = null;
  records = parsed.entries;
  at = 0;
  reply({
    type: 'parsed',
    valid: records.length,
    errorCount: parsed.errors.length,
    errors: parsed.errors.slice(0, MAX_REPORTED_PROBLEMS),
    warnings: parsed.warnings.slice(0, MAX_REPORTED_PROBLEMS),
    fatal: parsed.fatal,
  });
}

port.on('message', (m: ListRequest) => {
  try {
    if (m.type === 'verify') verify(m.body, m.publicKey, m.origin);
    else if (m.type === 'parse') parse(m.format, m.emptyIsEmpty);
    else if (m.type === 'next') {
      const chunk = records.slice(at, at + m.size);
      at += chunk.length;
      reply({ type: 'chunk', records: chunk });
    } else port.close();
  } catch (err) {
    fail(err);
  }
});
reply({ type: 'ready' });
