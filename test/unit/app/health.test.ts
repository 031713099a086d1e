import { describe, expect, it } from 'vitest';
import { assessHealth, type HealthSnapshot } from '../../../src/app/health.ts';

const healthy: HealthSnapshot = {
  cameras: [{ id: 'north', state: 'streaming' }],
  readerLoaded: true,
  storeOpen: true,
  mqttEnabled: true,
  brokerConnected: true,
  outboxPending: 0,
  outboxOldestAgeMs: null,
};

describe('assessHealth', () => {
  it('is ready when every part is up', () => {
    expect(assessHealth(healthy)).toEqual({
      ready: true,
      reasons: [],
      checks: { models: 'ok', store: 'ok', 'camera:north': 'ok', broker: 'ok' },
    });
  });

  it('names every failing part', () => {
    const r = assessHealth({
      ...healthy,
      readerLoaded: false,
      cameras: [
        { id: 'north', state: 'failed', error: 'connection refused' },
        { id: 'south', state: 'streaming' },
      ],
      brokerConnected: false,
      outboxPending: 3,
      outboxOldestAgeMs: 42_000,
    });
    expect(r.ready).toBe(false);
    expect(r.reasons).toEqual([
      'plate reader models not loaded',
      'camera north failed: connection refused',
      'broker not connected (3 hit(s) waiting in the outbox, oldest 42 s)',
    ]);
    expect(r.checks['camera:south']).toBe('ok');
  });

  it('ignores the broker when delivery is disabled, and needs a camera', () => {
    expect(assessHealth({ ...healthy, mqttEnabled: false, brokerConnected: false }).ready).toBe(true);
    expect(assessHealth({ ...healthy, cameras: [] }).reasons).toEqual(['no camera configured']);
  });
});
