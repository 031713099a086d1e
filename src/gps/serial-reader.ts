/**
 * Owns the GPS receiver's serial port: opens it, feeds bytes to the NMEA parser and the fix
 * assembler, and records fixes in the fix cache. When the device errors or disappears (USB
 * receiver unplugged) it closes the port and retries with capped exponential backoff until it
 * is back. It never throws out of a port event; faults are logged and counted.
 *
 * The port opener is injected (platform injection), so tests can use a real pty from socat and
 * the daemon a real serial device, both through serialport.
 */
import { SerialPort } from 'serialport';
import type { Clock } from '../platform/clock.ts';
import { silentLogger, type Logger } from '../platform/logger.ts';
import { FixAssembler, type EpochOutcome } from './fix-assembler.ts';
import type { FixCache } from './fix-cache.ts';
import { NmeaParser, type NmeaCounters, type NmeaParserOptions } from './nmea.ts';
import type { GpsFix } from './types.ts';

/** An open byte stream from the receiver. */
export interface GpsPort {
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once when the port closes by itself (device gone, read error); not after close(). */
  onClose(listener: (err: Error | null) => void): void;
  close(): Promise<void>;
}

/** Opens a port; rejects when the device cannot be opened. */
export type GpsPortOpener = (path: string, baudRate: number) => Promise<GpsPort>;

/** The real opener: serialport 13 (works with a tty, a USB receiver or a pty). */
export const openSerialPort: GpsPortOpener = (path, baudRate) =>
  new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    let closedByUs = false;
    let closeListener: ((err: Error | null) => void) | null = null;
    let closeFired = false;
    let pendingClose: Error | null | undefined;
    const fireClose = (err: Error | null): void => {
      if (closedByUs || closeFired) return;
      if (!closeListener) {
        pendingClose = err;
        return;
      }
      closeFired = true;
      closeListener(err);
    };
    // Without an 'error' listener a read error would crash the process; close the port and
    // report the error with the close.
    let lastError: Error | null = null;
    port.on('error', (err: Error) => {
      lastError = err;
      if (port.isOpen) port.close();
      else fireClose(err);
    });
    port.on('close', (err: Error | null | undefined) => fireClose(err ?? lastError));
    port.open((err) => {
      if (err) {
        reject(err);
        return;
      }
      resolve({
        onData: (listener) => port.on('data', listener),
        onClose: (listener) => {
          closeListener = listener;
          if (pendingClose !== undefined) fireClose(pendingClose);
        },
        close: () =>
          new Promise<void>((done) => {
            closedByUs = true;
            if (!port.isOpen) return done();
            // A close error (device already gone) leaves nothing for us to clean up.
            port.close(() => done());
          }),
      });
    });
  });

export type GpsReaderState = 'connecting' | 'open' | 'waiting-retry' | 'stopped';

export interface BackoffOptions {
  /** First retry delay (default 1000 ms). */
  initialMs?: number;
  /** Cap on the delay (default 30000 ms). */
  maxMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
}

export interface SerialGpsReaderOptions {
  path: string;
  /** Default 9600 (NMEA 0183's usual rate; many receivers run at 38400 or 115200). */
  baudRate?: number;
  clock: Clock;
  /** Fixes and no-fix epochs are recorded here. */
  cache?: FixCache;
  logger?: Logger;
  open?: GpsPortOpener;
  backoff?: BackoffOptions;
  /** Quiet gap after which the open epoch is closed and its fix emitted (default 150 ms). */
  epochIdleMs?: number;
  parser?: NmeaParserOptions;
  /** Called for every fix, after it is added to the cache. */
  onFix?: (fix: GpsFix) => void;
  /** Called on every state change (health reporting). */
  onState?: (state: GpsReaderState) => void;
}

export interface GpsReaderCounters extends NmeaCounters {
  /** Successful opens. */
  opens: number;
  openFailures: number;
  /** Times an open port closed by itself or failed. */
  disconnects: number;
  bytes: number;
  fixes: number;
  noFixEpochs: number;
}

export class SerialGpsReader {
  private currentState: GpsReaderState = 'stopped';
  private readonly parser: NmeaParser;
  private readonly assembler = new FixAssembler();
  private readonly log: Logger;
  private readonly openPort: GpsPortOpener;
  private readonly backoff: Required<BackoffOptions>;
  private readonly epochIdleMs: number;
  private port: GpsPort | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private nextDelayMs: number;
  /** Bumped on every start/stop/disconnect so late callbacks from an old port are ignored. */
  private generation = 0;
  private error: string | null = null;
  private failuresInARow = 0;
  private readonly stats = { opens: 0, openFailures: 0, disconnects: 0, bytes: 0, fixes: 0, noFixEpochs: 0 };

  constructor(private readonly options: SerialGpsReaderOptions) {
    this.parser = new NmeaParser(options.parser);
    this.log = options.logger ?? silentLogger();
    this.openPort = options.open ?? openSerialPort;
    this.backoff = { initialMs: 1000, maxMs: 30_000, factor: 2, ...options.backoff };
    this.epochIdleMs = options.epochIdleMs ?? 150;
    this.nextDelayMs = this.backoff.initialMs;
  }

  get state(): GpsReaderState {
    return this.currentState;
  }

  /** The last open or port error, cleared when the port opens. */
  get lastError(): string | null {
    return this.error;
  }

  get counters(): GpsReaderCounters {
    return { ...this.parser.counters, ...this.stats };
  }

  /** Starts reading; resolves after the first open attempt (a failure schedules a retry, never rejects). */
  async start(): Promise<void> {
    if (this.currentState !== 'stopped') return;
    this.generation++;
    this.nextDelayMs = this.backoff.initialMs;
    await this.connect(this.generation);
  }

  /** Stops retrying and closes the port. */
  async stop(): Promise<void> {
    this.generation++;
    this.setState('stopped');
    this.clearTimers();
    const port = this.port;
    this.port = null;
    if (port) await port.close();
    this.emit(this.assembler.flush());
  }

  private async connect(gen: number): Promise<void> {
    this.setState('connecting');
    let port: GpsPort;
    try {
      port = await this.openPort(this.options.path, this.options.baudRate ?? 9600);
    } catch (err) {
      if (gen !== this.generation) return;
      this.stats.openFailures++;
      this.failuresInARow++;
      this.error = (err as Error).message;
      // Warn once per outage; every retry after that is debug noise.
      const level = this.failuresInARow === 1 ? 'warn' : 'debug';
      this.log[level]({ path: this.options.path, err: this.error, attempt: this.failuresInARow }, 'gps: open failed, will retry');
      this.scheduleRetry(gen);
      return;
    }
    if (gen !== this.generation) {
      await port.close();
      return;
    }
    this.port = port;
    this.stats.opens++;
    this.failuresInARow = 0;
    this.error = null;
    this.setState('open');
    this.parser.reset();
    this.assembler.reset();
    this.log.info({ path: this.options.path }, 'gps: port open');
    port.onData((chunk) => {
      if (gen === this.generation) this.onData(chunk);
    });
    port.onClose((err) => {
      if (gen === this.generation) this.onDisconnect(err);
    });
  }

  private onData(chunk: Buffer): void {
    this.stats.bytes += chunk.length;
    const now = this.options.clock.now();
    const good = this.parser.counters.good;
    for (const sentence of this.parser.push(chunk)) this.emit(this.assembler.push(sentence, now));
    // Data that parses means the device is healthy: the next failure starts from a short delay.
    if (this.parser.counters.good > good) this.nextDelayMs = this.backoff.initialMs;
    if (this.idleTimer) this.idleTimer.refresh();
    else this.idleTimer = setTimeout(() => this.emit(this.assembler.flush()), this.epochIdleMs);
  }

  private onDisconnect(err: Error | null): void {
    this.generation++;
    this.port = null;
    this.stats.disconnects++;
    this.error = err?.message ?? 'port closed';
    this.log.warn({ path: this.options.path, err: this.error }, 'gps: port closed, will retry');
    this.parser.reset();
    this.emit(this.assembler.flush());
    this.scheduleRetry(this.generation);
  }

  private scheduleRetry(gen: number): void {
    this.setState('waiting-retry');
    const delay = this.nextDelayMs;
    this.nextDelayMs = Math.min(this.backoff.maxMs, Math.max(1, Math.round(delay * this.backoff.factor)));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (gen === this.generation) this.connect(gen).catch((err: unknown) => this.log.error({ err }, 'gps: connect failed'));
    }, delay);
  }

  private emit(outcome: EpochOutcome | null): void {
    if (!outcome) return;
    if (outcome.kind === 'no-fix') {
      this.stats.noFixEpochs++;
      this.options.cache?.addNoFix(outcome.receivedAt);
      return;
    }
    this.stats.fixes++;
    this.options.cache?.add(outcome.fix);
    const listener = this.options.onFix;
    if (!listener) return;
    try {
      listener(outcome.fix);
    } catch (err) {
      // A consumer's fault must not take the port down with it.
      this.log.error({ err }, 'gps: onFix listener threw');
    }
  }

  private setState(state: GpsReaderState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    const listener = this.options.onState;
    if (!listener) return;
    try {
      listener(state);
    } catch (err) {
      this.log.error({ err }, 'gps: onState listener threw');
    }
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.retryTimer = null;
    this.idleTimer = null;
  }
}
