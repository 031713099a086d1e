import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { createIdGenerator, formatUuidV7, uuidV7Time } from '../../../src/store/ids.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('UUIDv7 ids', () => {
  it('formats version, variant and timestamp', () => {
    const id = formatUuidV7(0x0123456789ab, 0xabc, new Uint8Array(8).fill(0xff));
    expect(id).toBe('01234567-89ab-7abc-bfff-ffffffffffff');
    expect(uuidV7Time(id)).toBe(0x0123456789ab);
  });

  it('sorts in creation order within a millisecond, across milliseconds and when the clock steps back', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const next = createIdGenerator(clock);
    const ids: string[] = [];
    for (let i = 0; i < 5000; i++) ids.push(next()); // more than one millisecond's counter
    clock.advance(1);
    ids.push(next());
    clock.set(1_600_000_000_000);
    ids.push(next());
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(uuidV7Time(ids[0] as string)).toBe(1_700_000_000_000);
  });
});
