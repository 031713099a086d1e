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
