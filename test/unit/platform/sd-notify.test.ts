import { spawn } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createNotifier, notifyMessage, systemdNotifySender, watchdogInterval } from '../../../src/platform/sd-notify.ts';

describe('sd_notify', () => {
  it('derives the ping interval as half of WATCHDOG_USEC, for this pid only', () => {
    expect(watchdogInterval({ WATCHDOG_USEC: '30000000' }, 42)).toBe(15_000);
    expect(watchdogInterval({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '42' }, 42)).toBe(15_000);
    expect(watchdogInterval({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '7' }, 42)).toBeNull();
    expect(watchdogInterval({}, 42)).toBeNull();
    expect(watchdogInterval({ WATCHDOG_USEC: 'soon' }, 42)).toBeNull();
  });

  it('formats messages and is silent without NOTIFY_SOCKET', () => {
    expect(notifyMessage({ READY: '1', STATUS: 'two\nlines' })).toBe('READY=1\nSTATUS=two lines');
    const sent: string[] = [];
    const off = createNotifier({}, (_s, m) => sent.push(m));
    off.ready();
    expect(off.enabled).toBe(false);
    expect(sent).toEqual([]);
    const on = createNotifier({ NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '10000000' }, (s, m) => sent.push(`${s} ${m}`));
    on.ready('reading 2 cameras');
    on.watchdog();
    on.stopping();
    expect(on.watchdogIntervalMs).toBe(5_000);
    expect(sent).toEqual(['/run/x READY=1\nSTATUS=reading 2 cameras', '/run/x WATCHDOG=1', '/run/x STOPPING=1']);
  });

  it('delivers READY=1 to a real notify socket through systemd-notify', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-notify-'));
    const sock = join(dir, 'notify.sock');
    // socat stands in for systemd: it receives the datagram on a unix socket and prints it.
    const socat = spawn('socat', ['-u', `UNIX-RECV:${sock}`, 'STDOUT'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let received = '';
    socat.stdout.on('data', (b: Buffer) => (received += b.toString()));
    try {
      for (let i = 0; i < 100 && !existsSync(sock); i++) await sleep(20);
      const errors: Error[] = [];
      const notifier = createNotifier({ NOTIFY_SOCKET: sock }, systemdNotifySender((e) => errors.push(e)));
      notifier.ready('ok');
      for (let i = 0; i < 150 && !received.includes('READY=1'); i++) await sleep(20);
      expect(errors).toEqual([]);
      expect(received).toContain('READY=1');
      expect(received).toContain('STATUS=ok');
    } finally {
      socat.kill();
    }
  });
});
