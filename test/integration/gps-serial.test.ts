/**
 * The GPS reader against a real pseudo-terminal pair from socat, through serialport:
 * the fixture log goes in one end, fixes with the true positions come out of the reader;
 * killing socat (the device disappears) sends the reader to waiting-retry without throwing;
 * a new socat pair behind the same symlink (the pty path changes) and the reader reconnects.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { constants, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FixCache } from '../../src/gps/fix-cache.ts';
import { SerialGpsReader, openSerialPort, type GpsReaderState } from '../../src/gps/serial-reader.ts';
import type { GpsFix } from '../../src/gps/types.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { generateDriveLog, type DriveEpoch } from '../../scripts/fixtures/gen-nmea.ts';

interface PtyPair {
  proc: ChildProcess;
  /** The two /dev/pts/N paths socat reported. */
  ptys: [string, string];
}

/** Starts `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B` and waits for both ptys. */
function startSocat(readerLink: string, feedLink: string): Promise<PtyPair> {
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${readerLink}`, `pty,raw,echo=0,link=${feedLink}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let stderr = '';
    let settled = false;
    const onExit = (code: number | null): void => fail(new Error(`socat exited with ${code}:\n${stderr}`));
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`socat did not start:\n${stderr}`)), 10_000);
    proc.on('error', (err) => fail(new Error(`cannot run socat (apt-get install socat): ${err.message}`)));
    proc.on('exit', onExit);
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (text: string) => {
      if (settled) return; // keep draining socat's log so it never blocks on a full pipe
      stderr += text;
      const ptys = [...stderr.matchAll(/PTY is (\/dev\/pts\/\d+)/g)].map((m) => m[1] as string);
      if (ptys.length === 2 && stderr.includes('starting data transfer loop')) {
        settled = true;
        clearTimeout(timer);
        proc.off('exit', onExit);
        resolve({ proc, ptys: [ptys[0] as string, ptys[1] as string] });
      }
    });
  });
}

function stopSocat(pair: PtyPair): Promise<void> {
  if (pair.proc.exitCode !== null || pair.proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    pair.proc.once('exit', () => resolve());
    pair.proc.kill('SIGTERM');
  });
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Writes like a receiver: in small chunks, the way a UART delivers them. */
async function feed(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let at = 0; at < bytes.length; at += 512) await handle.write(bytes.subarray(at, at + 512));
}

function expectTruePositions(fixes: GpsFix[], truth: Map<number, DriveEpoch>): void {
  for (const fix of fixes) {
    const t = truth.get(fix.time);
    expect(t, `fix at ${new Date(fix.time).toISOString()} is in the log`).toBeDefined();
    expect(t?.valid).toBe(true);
    expect(fix.lat).toBeCloseTo(t?.lat ?? NaN, 9);
    expect(fix.lon).toBeCloseTo(t?.lon ?? NaN, 9);
  }
}

describe('GPS over a real pty (socat)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-gps-'));
  const readerLink = join(dir, 'gps');
  const feedLink = join(dir, 'feed');
  const pairs: PtyPair[] = [];
  const handles: FileHandle[] = [];
  let reader: SerialGpsReader | null = null;

  afterAll(async () => {
    await reader?.stop();
    for (const h of handles) await h.close().catch(() => undefined); // the pty may be gone already
    for (const p of pairs) await stopSocat(p);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads fixes, survives the device disappearing, and reconnects when it is back', async () => {
    expect(spawnSync('socat', ['-V']).status, 'socat is installed (apt-get install socat)').toBe(0);
    const log = generateDriveLog();
    const truth = new Map(log.epochs.map((e) => [e.time, e]));
    const validSeconds = log.epochs.filter((e) => e.valid).length;

    const first = await startSocat(readerLink, feedLink);
    pairs.push(first);
    expect(first.ptys[0]).not.toBe(first.ptys[1]);
    expect(realpathSync(readerLink)).toBe(first.ptys[0]);
    expect(realpathSync(feedLink)).toBe(first.ptys[1]);

    const cache = new FixCache(systemClock, { maxAgeMs: 60_000 });
    const fixes: GpsFix[] = [];
    const states: GpsReaderState[] = [];
    reader = new SerialGpsReader({
      path: readerLink,
      baudRate: 9600,
      clock: systemClock,
      cache,
      open: openSerialPort,
      backoff: { initialMs: 100, maxMs: 400 },
      epochIdleMs: 100,
      onFix: (f) => fixes.push(f),
      onState: (s) => states.push(s),
    });
    await reader.start();
    expect(reader.state).toBe('open');

    // 1. The whole drive log through the pty.
    const feed1 = await open(feedLink, constants.O_WRONLY | constants.O_NOCTTY);
    handles.push(feed1);
    await feed(feed1, log.bytes);
    await waitFor('all fixes of the log', () => fixes.length >= validSeconds);
    await new Promise((r) => setTimeout(r, 200));
    expect(fixes).toHaveLength(validSeconds);
    expectTruePositions(fixes, truth);
    expect(reader.counters).toMatchObject({ ...log.expected, fixes: validSeconds, noFixEpochs: log.epochs.length - validSeconds, bytes: log.bytes.length, opens: 1 });
    const nearest = cache.nearest();
    expect(nearest.fix?.time).toBe(log.epochs[log.epochs.length - 1]?.time);

    // 2. The device disappears: the reader waits to retry, nothing throws.
    await stopSocat(first);
    await waitFor('waiting-retry', () => reader?.state === 'waiting-retry' && reader.counters.disconnects === 1);
    await new Promise((r) => setTimeout(r, 600)); // a few failed retries against the missing link
    expect(reader.counters.openFailures).toBeGreaterThan(0);
    expect(reader.lastError).toBeTruthy();
    expect(['waiting-retry', 'connecting']).toContain(reader.state);

    // 3. A new device behind the same link (the pty path behind it is new): reconnect and read again.
    const second = await startSocat(readerLink, feedLink);
    pairs.push(second);
    expect(realpathSync(readerLink)).toBe(second.ptys[0]);
    await waitFor('reconnect', () => reader?.state === 'open' && reader.counters.opens === 2);
    const feed2 = await open(feedLink, constants.O_WRONLY | constants.O_NOCTTY);
    handles.push(feed2);
    const before = fixes.length;
    const firstMinute = log.bytes.subarray(0, log.bytes.indexOf('$GNRMC,182100.00'));
    await feed(feed2, firstMinute);
    await waitFor('fixes after reconnect', () => fixes.length >= before + 60);
    await new Promise((r) => setTimeout(r, 200));
    expect(fixes.length - before).toBe(60);
    expectTruePositions(fixes.slice(before), truth);
    expect(states).toEqual(expect.arrayContaining(['connecting', 'open', 'waiting-retry']));
    expect(states.slice(0, 2)).toEqual(['connecting', 'open']);

    await reader.stop();
    expect(reader.state).toBe('stopped');
  });
});
