/**
 * IP cameras over HTTP, read in this process with node:http (no ffmpeg, so the login stays in
 * a header and never reaches an argv): an MJPEG stream (multipart/x-mixed-replace, cut into
 * JPEGs by JpegStreamSplitter) or a JPEG snapshot URL polled at an interval. JPEGs are decoded
 * with sharp only when the rate gate keeps them.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { CameraConfig } from '../config/schema.ts';
import { readLogin, redact, type Login } from './credentials.ts';
import { decodeImageBuffer } from './decode-buffer.ts';
import { HttpAuthenticator } from './http-auth.ts';
import { LiveSource, RateGate, type CapturedImage, type LiveSession, type LiveSourceDeps, type SessionContext } from './live-source.ts';
import { JpegStreamSplitter } from './stream-parsers.ts';

export type MjpegCamera = Extract<CameraConfig, { type: 'mjpeg' }>;
export type HttpSnapshotCamera = Extract<CameraConfig, { type: 'http-snapshot' }>;

export interface HttpCameraDeps extends LiveSourceDeps {
  /** Environment holding CREDENTIALS_DIRECTORY; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Largest snapshot or MJPEG frame accepted. */
const MAX_IMAGE_BYTES = 32 * 1024 * 1024;

export interface HttpGetOptions {
  auth: HttpAuthenticator;
  tlsInsecure: boolean;
  signal: AbortSignal;
  /** The socket may be idle this long (connecting, waiting for headers or body). */
  timeoutMs: number;
}

function requestOnce(url: URL, opts: HttpGetOptions, authorization: string | undefined): Promise<IncomingMessage> {
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: 'GET',
        headers: { 'User-Agent': 'alpr-edge', ...(authorization === undefined ? {} : { Authorization: authorization }) },
        signal: opts.signal,
        timeout: opts.timeoutMs,
        agent: false,
        ...(url.protocol === 'https:' ? { rejectUnauthorized: !opts.tlsInsecure } : {}),
      },
      resolve,
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * GETs `url`, answering one 401 challenge (Basic or Digest) if a login is known. Resolves
 * with a 200 response whose body is still to be read; any other outcome throws.
 */
export async function httpGet(url: string, opts: HttpGetOptions): Promise<IncomingMessage> {
  const u = new URL(url);
  const uri = `${u.pathname}${u.search}`;
  for (let attempt = 0; ; attempt++) {
    const res = await requestOnce(u, opts, opts.auth.header('GET', uri));
    const status = res.statusCode ?? 0;
    if (status === 200) return res;
    res.resume();
    if (status === 401 && attempt === 0 && opts.auth.unauthorized(res.headersDistinct['www-authenticate'] ?? [])) continue;
    if (status === 401) throw new Error(attempt === 0 ? 'the camera asks for a login (HTTP 401) and none is configured' : 'the camera refused the login (HTTP 401)');
    throw new Error(`HTTP ${status} ${res.statusMessage ?? ''}`.trim());
  }
}

/** Reads a whole response body, refusing one larger than `max` bytes. */
async function readBody(res: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      res.destroy();
      throw new Error(`response larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

async function loginFor(cam: MjpegCamera | HttpSnapshotCamera, env: NodeJS.ProcessEnv): Promise<Login | null> {
  return cam.auth ? readLogin(cam.id, cam.auth, env) : null;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

class MjpegSession implements LiveSession {
  readonly stallTimeoutMs: number;

  constructor(
    private readonly cam: MjpegCamera,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.stallTimeoutMs = cam.stallTimeoutMs;
  }

  async *open(signal: AbortSignal, ctx: SessionContext): AsyncGenerator<CapturedImage, void, undefined> {
    const { cam } = this;
    const login = await loginFor(cam, this.env);
    const secrets = login ? [login.password] : [];
    const fail = (err: unknown): Error => new Error(redact(`${cam.url}: ${message(err)}`, secrets), { cause: err });
    let res: IncomingMessage;
    try {
      res = await httpGet(cam.url, { auth: new HttpAuthenticator(login), tlsInsecure: cam.tlsInsecure, signal, timeoutMs: cam.stallTimeoutMs });
    } catch (err) {
      if (signal.aborted) return;
      throw fail(err);
    }
    const splitter = new JpegStreamSplitter(MAX_IMAGE_BYTES);
    const gate = new RateGate(cam.maxFps);
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        for (const jpeg of splitter.push(chunk)) {
          const arrivedAt = ctx.clock.now();
          if (!gate.admit(arrivedAt)) continue;
          let image;
          try {
            image = await decodeImageBuffer(jpeg);
          } catch (err) {
            ctx.countUnreadable(`${cam.url}: undecodable JPEG (${message(err)})`);
            continue;
          }
          if (signal.aborted) return;
          yield { ...image, capturedAt: arrivedAt };
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      throw fail(err);
    } finally {
      res.destroy();
    }
  }
}

class SnapshotSession implements LiveSession {
  readonly stallTimeoutMs: number;

  constructor(
    private readonly cam: HttpSnapshotCamera,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    // A poll interval longer than the stall limit is not a stall.
    this.stallTimeoutMs = cam.stallTimeoutMs + cam.intervalMs;
  }

  async *open(signal: AbortSignal, ctx: SessionContext): AsyncGenerator<CapturedImage, void, undefined> {
    const { cam } = this;
    const login = await loginFor(cam, this.env);
    const secrets = login ? [login.password] : [];
    const auth = new HttpAuthenticator(login); // kept across polls: later requests answer up front
    while (!signal.aborted) {
      const started = ctx.clock.now();
      let body: Buffer;
      try {
        const res = await httpGet(cam.url, { auth, tlsInsecure: cam.tlsInsecure, signal, timeoutMs: cam.stallTimeoutMs });
        body = await readBody(res, MAX_IMAGE_BYTES);
      } catch (err) {
        if (signal.aborted) return;
        throw new Error(redact(`${cam.url}: ${message(err)}`, secrets), { cause: err });
      }
      try {
        const image = await decodeImageBuffer(body);
        if (signal.aborted) return;
        yield { ...image, capturedAt: started };
      } catch (err) {
        ctx.countUnreadable(`${cam.url}: undecodable snapshot (${message(err)})`);
      }
      const wait = cam.intervalMs - (ctx.clock.now() - started);
      if (wait > 0) {
        try {
          await ctx.sleep(wait, signal);
        } catch (err) {
          if (signal.aborted) return;
          throw err;
        }
      }
    }
  }
}

/** An HTTP MJPEG camera. */
export class MjpegSource extends LiveSource {
  constructor(cam: MjpegCamera, deps: HttpCameraDeps) {
    super(cam.id, new MjpegSession(cam, deps.env ?? process.env), cam.reconnect, deps);
  }
}

/** A camera polled for JPEG snapshots. */
export class HttpSnapshotSource extends LiveSource {
  constructor(cam: HttpSnapshotCamera, deps: HttpCameraDeps) {
    super(cam.id, new SnapshotSession(cam, deps.env ?? process.env), cam.reconnect, deps);
  }
}
