import { describe, expect, it } from 'vitest';
import { configSchema, retentionSchema } from '../../../src/config/schema.ts';
import { isAlprError } from '../../../src/errors.ts';
import {
  DAY_MS,
  deletionFreesSpace,
  diskPressureDeletions,
  expiresAt,
  expiryCutoff,
  isExpired,
  isUnderDiskPressure,
  retentionPolicy,
} from '../../../src/retention/policy.ts';

const MIB = 1024 * 1024;
const NOW = Date.UTC(2025, 2, 1);

describe('retention policy: age', () => {
  it('defaults to 30 days', () => {
    expect(retentionPolicy().maxAgeMs).toBe(30 * DAY_MS);
    expect(retentionSchema.parse({}).maxAgeDays).toBe(30);
  });

  it('expires a read at exactly 30 days, not a millisecond before', () => {
    const p = retentionPolicy({ maxAgeDays: 30 });
    expect(isExpired({ capturedAt: NOW - 30 * DAY_MS + 1 }, NOW, p, false)).toBe(false);
    expect(isExpired({ capturedAt: NOW - 30 * DAY_MS }, NOW, p, false)).toBe(true);
    expect(isExpired({ capturedAt: NOW - 400 * DAY_MS }, NOW, p, false)).toBe(true);
    expect(expiryCutoff(NOW, p)).toBe(NOW - 30 * DAY_MS);
    expect(expiresAt(NOW, p)).toBe(NOW + 30 * DAY_MS);
  });

  it('never expires a held read', () => {
    const p = retentionPolicy({ maxAgeDays: 1 });
    expect(isExpired({ capturedAt: NOW - 365 * DAY_MS }, NOW, p, true)).toBe(false);
  });

  it('follows a shorter configured limit', () => {
    const p = retentionPolicy({ maxAgeDays: 7 });
    expect(isExpired({ capturedAt: NOW - 7 * DAY_MS }, NOW, p, false)).toBe(true);
    expect(isExpired({ capturedAt: NOW - 7 * DAY_MS + 1 }, NOW, p, false)).toBe(false);
  });

  it('refuses a limit above 30 days (or below 1, or fractional)', () => {
    for (const days of [31, 0, 1.5, 365]) {
      let caught: unknown;
      try {
        retentionPolicy({ maxAgeDays: days });
      } catch (err) {
        caught = err;
      }
      expect(isAlprError(caught, 'CONFIG_INVALID')).toBe(true);
    }
  });
});

describe('retention config', () => {
  it('rejects maxAgeDays above 30 with a message naming the path and the limit', () => {
    const r = configSchema.safeParse({ cameras: [{ type: 'image-folder', id: 'c', path: 'x' }], retention: { maxAgeDays: 31 } });
    expect(r.success).toBe(false);
    const issue = r.error?.issues.find((i) => i.path.join('.') === 'retention.maxAgeDays');
    expect(issue?.message).toMatch(/at most 30 days/);
  });

  it('has defaults and rejects unknown keys', () => {
    expect(retentionSchema.parse({})).toEqual({
      maxAgeDays: 30,
      sweepIntervalMs: 60_000,
      chunkSize: 5_000,
      chunkPauseMs: 10,
      diskFloorMb: 1_024,
      diskHeadroomMb: 256,
      orphanScanIntervalMs: 86_400_000,
      orphanGraceMs: 600_000,
    });
    expect(retentionSchema.safeParse({ maxAgeDay: 10 }).success).toBe(false);
    expect(retentionSchema.safeParse({ chunkSize: 0 }).success).toBe(false);
  });
});

describe('retention policy: disk pressure', () => {
  const p = retentionPolicy({ diskFloorMb: 100, diskHeadroomMb: 50 });

  it('does nothing above the floor, or when the floor is 0', () => {
    expect(isUnderDiskPressure(100 * MIB, p)).toBe(false);
    expect(diskPressureDeletions({ freeBytes: 100 * MIB, bytesPerRead: 1000, unheldReads: 10, purging: false }, p)).toBe(0);
    const off = retentionPolicy({ diskFloorMb: 0 });
    expect(diskPressureDeletions({ freeBytes: 0, bytesPerRead: 1000, unheldReads: 10, purging: false }, off)).toBe(0);
  });

  it('below the floor, deletes enough reads to reach floor + headroom', () => {
    expect(isUnderDiskPressure(100 * MIB - 1, p)).toBe(true);
    // 10 MiB short of the floor, 60 MiB short of the target, 1 MiB per read.
    expect(diskPressureDeletions({ freeBytes: 90 * MIB, bytesPerRead: MIB, unheldReads: 1000, purging: false }, p)).toBe(60);
    expect(diskPressureDeletions({ freeBytes: 90 * MIB, bytesPerRead: 0, unheldReads: 1000, purging: false }, p)).toBe(1000);
  });

  it('never more than the unheld reads, and none when there are none', () => {
    expect(diskPressureDeletions({ freeBytes: 0, bytesPerRead: 1, unheldReads: 5, purging: false }, p)).toBe(5);
    expect(diskPressureDeletions({ freeBytes: 0, bytesPerRead: 1, unheldReads: 0, purging: false }, p)).toBe(0);
  });

  it('once purging, goes on until floor + headroom (hysteresis)', () => {
    const between = { freeBytes: 120 * MIB, bytesPerRead: MIB, unheldReads: 1000 };
    expect(diskPressureDeletions({ ...between, purging: false }, p)).toBe(0);
    expect(diskPressureDeletions({ ...between, purging: true }, p)).toBe(30);
    expect(diskPressureDeletions({ ...between, freeBytes: 150 * MIB, purging: true }, p)).toBe(0);
  });

  it('stops when a chunk freed no image', () => {
    expect(deletionFreesSpace({ imagesDeleted: 0 })).toBe(false);
    expect(deletionFreesSpace({ imagesDeleted: 3 })).toBe(true);
  });
});

describe('retention policy: mass purge', () => {
  it('sets indexes aside only for many expired reads and few left', async () => {
    const { useIndexRebuild } = await import('../../../src/retention/policy.ts');
    expect(useIndexRebuild({ expiredRows: 2_592_000, remainingRows: 86_400 })).toBe(true);
    expect(useIndexRebuild({ expiredRows: 99_999, remainingRows: 0 })).toBe(false);
    expect(useIndexRebuild({ expiredRows: 2_000_000, remainingRows: 600_000 })).toBe(false);
    expect(useIndexRebuild({ expiredRows: 60, remainingRows: 2_592_000 })).toBe(false);
  });
});
