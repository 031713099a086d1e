import { describe, expect, it } from 'vitest';
import { deviceTopic, hitsTopic, statusTopic } from '../../../src/mqtt/topics.ts';

describe('topics', () => {
  it('builds <prefix>/<agency>/<device>/<kind>', () => {
    expect(hitsTopic('alpr', 'cityPD', 'car-7')).toBe('alpr/cityPD/car-7/hits');
    expect(statusTopic('org/alpr/', 'cityPD', 'car-7')).toBe('org/alpr/cityPD/car-7/status');
  });

  it('refuses wildcards, empty levels and slashes inside a level', () => {
    expect(() => deviceTopic('alpr/#', 'a', 'd', 'hits')).toThrow(/prefix/);
    expect(() => hitsTopic('alpr', '', 'd')).toThrow(/agency/);
    expect(() => hitsTopic('alpr', 'a', 'x/y')).toThrow(/device/);
    expect(() => hitsTopic('alpr', 'a+', 'd')).toThrow(/agency/);
  });
});

describe('contract topics', () => {
  it('builds every kind in one place, plus receiver filters and shared subscriptions', async () => {
    const t = await import('../../../src/mqtt/topics.ts');
    expect(t.ackTopic('alpr', 'pd', 'car-7')).toBe('alpr/pd/car-7/ack');
    expect(t.heartbeatTopic('alpr', 'pd', 'car-7')).toBe('alpr/pd/car-7/heartbeat');
    expect(t.readsTopic('alpr', 'pd', 'car-7')).toBe('alpr/pd/car-7/reads');
    expect(t.hotlistTopic('alpr', 'pd', 'car-7')).toBe('alpr/pd/car-7/hotlist');
    expect(t.allDevicesFilter('org/alpr/', 'hits')).toBe('org/alpr/+/+/hits');
    expect(t.sharedSubscription('central', 'alpr/+/+/hits')).toBe('$share/central/alpr/+/+/hits');
    expect(() => t.sharedSubscription('a/b', 'x')).toThrow(/group/);
    expect(t.parseDeviceTopic('org/alpr', 'org/alpr/pd/car-7/hits')).toEqual({ agency: 'pd', device: 'car-7', kind: 'hits' });
    expect(t.parseDeviceTopic('alpr', 'alpr/pd/car-7/other')).toBeNull();
    expect(t.parseDeviceTopic('alpr', 'alpr/pd/hits')).toBeNull();
    expect(t.parseDeviceTopic('alpr', 'elsewhere/pd/car-7/hits')).toBeNull();
  });
});
