/**
 * SerialGpsReader's state machine and backoff, against a fake receiver that speaks real NMEA
 * bytes through the injected opener (the real pty is in test/integration/gps-serial.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FixCache } from '../../../src/gps/fix-cache.ts';
import { withChecksum } from '../../../src/gps/nmea.ts';
import { SerialGpsReader, type GpsPort, type GpsPortOpener } from '../../../src/gps/serial-reader.ts';
import type { GpsFix } from '../../../src/gps/types.ts';
import { systemClock } from '../../../src/platform/clock.ts';

class FakePort implements GpsPort {
  closed = false;
  private dataListener: ((chunk: Buffer) => void) | null = null;
  private closeListener: ((err: Error | null) => void) | null = null;

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListener = listener;
  }

  onClose(listener: (err: Error | null) => void): void {
    this.closeListener = listener;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  send(text: string): void {
    if (!this.closed) this.dataListener?.(Buffer.from(text, 'latin1'));
  }

  unplug(): void {
    this.closed = true;
    this.closeListener?.(new Error('device disconnected'));
  }
}

/** A receiver that can be unplugged: opening fails with ENOENT while it is absent. */
class FakeReceiver {
  present = true;
  attempts: number[] = [];
  port: FakePort | null = null;
  /** When set, the next open waits for this promise. */
  gate: Promise<void> | null = null;

  readonly open: GpsPortOpener = async (path) => {
    this.attempts.push(Date.now());
    if (this.gate) await this.gate;
    if (!this.present) throw Object.assign(new Error(`Error: No such file or directory, cannot open ${path}`), { code: 'ENOENT' });
    this.port = new FakePort();
    return this.port;
  };
}

function epoch(second: number): string {
  const t = `1820${String(second).padStart(2, '0')}.00`;
  return [
    `GNRMC,${t},A,3833.35893,N,12126.68210,W,29.160,98.11,140325,,,A,V`,
    'GNVTG,98.11,T,,M,29.160,N,54.004,K,A',
    `GNGGA,${t},3833.35893,N,12126.68210,W,1,09,0.93,12.0,M,-32.3,M,,`,
    'GNGSA,A,3,02,05,12,13,15,,,,,,,,1.58,0.93,1.26,1',
  ]
    .map((b) => `${withChecksum(b)}\r\n`)
    .join('');
}

describe('SerialGpsReader', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2025, 2, 14, 18, 20, 0) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens, parses, emits a fix after a quiet gap and caches it', async () => {
    const rx = new FakeReceiver();
    const cache = new FixCache(systemClock);
    const fixes: GpsFix[] = [];
    const reader = new SerialGpsReader({ path: '/dev/ttyGPS', clock: systemClock, cache, open: rx.open, epochIdleMs: 100, onFix: (f) => fixes.push(f) });
    expect(reader.state).toBe('stopped');
    await reader.start();
    expect(reader.state).toBe('open');
    const text = epoch(0);
    rx.port?.send(text.slice(0, 50));
    rx.port?.send(text.slice(50));
    expect(fixes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(fixes).toHaveLength(1);
    expect(fixes[0]).toMatchObject({ time: Date.UTC(2025, 2, 14, 18, 20, 0), fixType: '3d', satellites: 9 });
    expect(cache.nearest()).toMatchObject({ ageMs: 100 });
    const more = `${epoch(1)}$GNGGA,garbage*00\r\n`;
    rx.port?.send(more);
    await vi.advanceTimersByTimeAsync(100);
    expect(reader.counters).toMatchObject({ opens: 1, fixes: 2, good: 8, badChecksum: 1, bytes: text.length + more.length });
    await reader.stop();
    expect(reader.state).toBe('stopped');
    expect(rx.port?.closed).toBe(true);
  });

  it('retries a missing device with capped exponential backoff', async () => {
    const rx = new FakeReceiver();
    rx.present = false;
    const start = Date.now();
    const reader = new SerialGpsReader({ path: '/dev/ttyGPS', clock: systemClock, open: rx.open, backoff: { initialMs: 100, maxMs: 400 } });
    await reader.start();
    expect(reader.state).toBe('waiting-retry');
    expect(reader.lastError).toMatch(/No such file/);
    await vi.advanceTimersByTimeAsync(2000);
    expect(rx.attempts.map((t) => t - start)).toEqual([0, 100, 300, 700, 1100, 1500, 1900]);
    expect(reader.counters.openFailures).toBe(7);
    rx.present = true;
    await vi.advanceTimersByTimeAsync(400);
    expect(reader.state).toBe('open');
    expect(reader.lastError).toBeNull();
    await reader.stop();
  });

  it('unplugged: waiting-retry without throwing; replugged: open and reading again', async () => {
    const rx = new FakeReceiver();
    const fixes: GpsFix[] = [];
    const reader = new SerialGpsReader({ path: '/dev/ttyGPS', clock: systemClock, open: rx.open, backoff: { initialMs: 50, maxMs: 1000 }, epochIdleMs: 10, onFix: (f) => fixes.push(f) });
    await reader.start();
    rx.port?.send(epoch(0));
    rx.port?.send(epoch(1).slice(0, 40)); // a partial line when the cable goes
    rx.present = false;
    rx.port?.unplug();
    expect(reader.state).toBe('waiting-retry');
    expect(reader.lastError).toBe('device disconnected');
    expect(fixes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(50 + 100 + 200);
    expect(rx.attempts).toHaveLength(4);
    rx.present = true;
    await vi.advanceTimersByTimeAsync(400);
    expect(reader.state).toBe('open');
    rx.port?.send(epoch(2));
    await vi.advanceTimersByTimeAsync(10);
    expect(fixes.map((f) => new Date(f.time).getUTCSeconds())).toEqual([0, 2]);
    expect(reader.counters).toMatchObject({ opens: 2, disconnects: 1, openFailures: 3, malformed: 1 }); // the cut line
    // Good data reset the backoff: the next unplug retries after the initial delay again.
    rx.port?.unplug();
    const before = rx.attempts.length;
    await vi.advanceTimersByTimeAsync(50);
    expect(rx.attempts).toHaveLength(before + 1);
    await reader.stop();
  });

  it('stop() during a pending open closes the port when it arrives; no retries after stop', async () => {
    const rx = new FakeReceiver();
    let release = (): void => {};
    rx.gate = new Promise((r) => (release = r));
    const reader = new SerialGpsReader({ path: '/dev/ttyGPS', clock: systemClock, open: rx.open, backoff: { initialMs: 10 } });
    const started = reader.start();
    expect(reader.state).toBe('connecting');
    await reader.stop();
    release();
    await started;
    expect(reader.state).toBe('stopped');
    expect(rx.port?.closed).toBe(true);

    rx.gate = null;
    rx.present = false;
    await reader.start();
    expect(reader.state).toBe('waiting-retry');
    await reader.stop();
    const n = rx.attempts.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(rx.attempts).toHaveLength(n);
    expect(reader.state).toBe('stopped');
  });

  it('a throwing onFix listener does not take the reader down', async () => {
    const rx = new FakeReceiver();
    const cache = new FixCache(systemClock);
    const reader = new SerialGpsReader({
      path: '/dev/ttyGPS',
      clock: systemClock,
      cache,
      open: rx.open,
      epochIdleMs: 10,
      onFix: () => {
        throw new Error('consumer bug');
      },
    });
    await reader.start();
    rx.port?.send(epoch(0) + epoch(1));
    await vi.advanceTimersByTimeAsync(10);
    expect(reader.counters.fixes).toBe(2);
    expect(cache.size).toBe(2);
    expect(reader.state).toBe('open');
    await reader.stop();
  });
});
