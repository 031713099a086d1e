import { describe, expect, it } from 'vitest';
import { heartbeatMessageSchema, statusMessageSchema } from '../../../src/mqtt/contract/index.ts';
import { buildHeartbeatMessage, buildStatusMessage, softwareVersion, StatusReporter, type StatusSnapshot, type StatusTransport } from '../../../src/mqtt/status-reporter.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { silentLogger } from '../../../src/platform/logger.ts';

const snapshot = (pending: number, oldestAgeMs: number | null = null): StatusSnapshot => ({
  cameras: [{ id: 'front', state: 'streaming' }],
  outbox: { pending, oldestAgeMs, unacked: 0 },
  retention: { lastSweepAt: '2026-11-28T18:00:00.000Z', deleted: 12, diskFreeBytes: 5e9, diskPressure: false },
  gps: { fix: true, ageMs: 400 },
});

class RecordingTransport implements StatusTransport {
  connected = true;
  readonly published: Array<{ topic: string; payload: string; qos: number }> = [];
  statusRefreshes = 0;
  publish(topic: string, payload: string | Buffer, options: { qos: 0 | 1 | 2 }): Promise<void> {
    this.published.push({ topic, payload: String(payload), qos: options.qos });
    return Promise.resolve();
  }
  publishStatus(): Promise<void> {
    this.statusRefreshes++;
    return Promise.resolve();
  }
}

describe('status and heartbeat messages', () => {
  it('build contract-valid messages', () => {
    const status = buildStatusMessage({ device: 'car-7', agency: 'pd', version: softwareVersion() }, 'offline', Date.UTC(2026, 10, 28), snapshot(3, 900));
    expect(statusMessageSchema.parse(status)).toEqual(status);
    expect(status).toMatchObject({ v: 1, state: 'offline', at: '2026-11-28T00:00:00.000Z', outbox: { pending: 3, oldestAgeMs: 900 } });
    expect(softwareVersion()).toMatch(/^\d+\.\d+\.\d+/);
    const beat = buildHeartbeatMessage({ device: 'car-7', agency: 'pd' }, 12_500, 2_500, snapshot(3));
    expect(heartbeatMessageSchema.parse(beat)).toEqual(beat);
    expect(beat).toMatchObject({ uptimeS: 10, outbox: { pending: 3, unacked: 0 } });
  });
});

describe('StatusReporter', () => {
  it('beats at QoS 0 and refreshes the retained status only when what it says changed (not its time or ages)', async () => {
    let current = snapshot(0);
    const clock = new ManualClock(1_000);
    const reporter = new StatusReporter({
      device: 'car-7',
      agency: 'pd',
      version: 'test',
      heartbeatTopic: 'alpr/pd/car-7/heartbeat',
      heartbeatS: 0,
      clock,
      logger: silentLogger(),
      snapshot: () => current,
      startedAt: 0,
    });
    const t = new RecordingTransport();
    reporter.start(t);
    // The transport asks for the online payload on connect: that is what is retained now.
    expect(JSON.parse(reporter.statusPayload('online'))).toMatchObject({ state: 'online', outbox: { pending: 0 } });

    await reporter.beat();
    expect(t.published).toEqual([{ topic: 'alpr/pd/car-7/heartbeat', payload: expect.stringContaining('"uptimeS":1'), qos: 0 }]);
    expect(t.statusRefreshes).toBe(0);

    current = snapshot(2, 100);
    await reporter.beat();
    expect(t.statusRefreshes).toBe(1);
    reporter.statusPayload('online'); // the refresh publishes this payload
    current = snapshot(2, 5_000); // only the age grew
    clock.advance(4_900);
    await reporter.beat();
    expect(t.statusRefreshes).toBe(1);

    t.connected = false;
    await reporter.beat();
    expect(t.published).toHaveLength(3);
    reporter.stop();
  });
});
