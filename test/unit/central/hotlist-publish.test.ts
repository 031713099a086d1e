import { describe, expect, it } from 'vitest';
import { parseDeviceRef, uniqueDevices } from '../../../src/central/hotlist-publish.ts';
import { isAlprError } from '../../../src/errors.ts';

describe('hotlist-publish targets', () => {
  it('reads AGENCY/DEVICE, or DEVICE with the default agency', () => {
    expect(parseDeviceRef('pd/car-1', undefined)).toEqual({ agency: 'pd', device: 'car-1' });
    expect(parseDeviceRef('car-1', 'sheriff')).toEqual({ agency: 'sheriff', device: 'car-1' });
  });

  it('refuses a name that is not one or two topic levels', () => {
    for (const bad of ['a/b/c', 'pd/+', '#', 'pd/car 1', '/car', '']) {
      let err: unknown;
      try {
        parseDeviceRef(bad, 'pd');
      } catch (e) {
        err = e;
      }
      expect(isAlprError(err, 'USAGE'), bad).toBe(true);
    }
    expect(() => parseDeviceRef('car-1', undefined)).toThrow(/hotlistPublish\.agency/);
  });

  it('lists each device once, sorted', () => {
    expect(
      uniqueDevices([
        { agency: 'pd', device: 'b' },
        { agency: 'pd', device: 'a' },
        { agency: 'pd', device: 'b' },
        { agency: 'ag', device: 'z' },
      ]),
    ).toEqual([
      { agency: 'ag', device: 'z' },
      { agency: 'pd', device: 'a' },
      { agency: 'pd', device: 'b' },
    ]);
  });
});
