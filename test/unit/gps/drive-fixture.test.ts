/**
 * The committed drive log: byte-identical to its generator, and parsed into the fixes the
 * generator's ground truth says (positions, no-fix stretch, corrupted lines counted).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FixAssembler, NmeaParser, type EpochOutcome } from '../../../src/gps/nmea.ts';
import { DRIVE_FIXTURE, NO_FIX_SECONDS, generateDriveLog } from '../../../scripts/fixtures/gen-nmea.ts';

describe('fixtures/nmea/drive.nmea', () => {
  const log = generateDriveLog();
  const bytes = readFileSync(DRIVE_FIXTURE);

  it('is what scripts/fixtures/gen-nmea.ts writes (deterministic)', () => {
    expect(generateDriveLog().bytes.equals(log.bytes)).toBe(true);
    expect(bytes.equals(log.bytes)).toBe(true);
  });

  it('parses into one outcome per second with the true positions', () => {
    const parser = new NmeaParser();
    const assembler = new FixAssembler();
    const outcomes: EpochOutcome[] = [];
    // Feed in 64-byte chunks, like a UART driver would deliver them.
    for (let at = 0; at < bytes.length; at += 64) {
      for (const s of parser.push(bytes.subarray(at, at + 64))) {
        const o = assembler.push(s, at);
        if (o) outcomes.push(o);
      }
    }
    const last = assembler.flush();
    if (last) outcomes.push(last);

    expect(parser.counters).toEqual(log.expected);
    expect(outcomes).toHaveLength(log.epochs.length);
    outcomes.forEach((o, i) => {
      const truth = log.epochs[i];
      if (!truth) throw new Error(`no truth for second ${i}`);
      if (!truth.valid) {
        expect(o, `second ${i}`).toMatchObject({ kind: 'no-fix', reason: 'rmc-void', time: truth.time });
        return;
      }
      if (o.kind !== 'fix') throw new Error(`second ${i}: expected a fix, got ${JSON.stringify(o)}`);
      const fix = o.fix;
      expect(fix.time).toBe(truth.time);
      expect(fix.lat).toBeCloseTo(truth.lat, 9);
      expect(fix.lon).toBeCloseTo(truth.lon, 9);
      expect(fix.fixType).toBe('3d');
      // Without RMC the speed comes from VTG's km/h, printed with 3 decimals.
      expect(fix.speedMps).toBeCloseTo(truth.speedMps, truth.hasRmc ? 6 : 3);
      if (Number.isNaN(truth.headingDeg)) expect(fix.headingDeg).toBeUndefined();
      else expect(fix.headingDeg).toBeCloseTo(truth.headingDeg, 6);
      if (truth.hasGga) {
        expect(fix.altitude).toBe(truth.altitude);
        expect(fix.satellites).toBe(17);
      } else {
        expect(fix.altitude).toBeUndefined();
      }
      expect(fix.satellitesInView).toBe(22);
    });
    expect(outcomes.filter((o) => o.kind === 'no-fix')).toHaveLength(NO_FIX_SECONDS.length);
  });

  it('is a plausible drive: Sacramento, ~1 m/s² at most, no teleporting', () => {
    const valid = log.epochs.filter((e) => e.valid);
    for (const e of valid) {
      expect(e.lat).toBeGreaterThan(38.5);
      expect(e.lat).toBeLessThan(38.6);
      expect(e.lon).toBeGreaterThan(-121.5);
      expect(e.lon).toBeLessThan(-121.4);
    }
    for (let i = 1; i < log.epochs.length; i++) {
      const a = log.epochs[i - 1];
      const b = log.epochs[i];
      if (!a || !b) continue;
      const dy = (b.lat - a.lat) * 111_132;
      const dx = (b.lon - a.lon) * 111_132 * Math.cos((a.lat * Math.PI) / 180);
      expect(Math.hypot(dx, dy)).toBeLessThan(b.speedMps + 2);
      expect(Math.abs(b.speedMps - a.speedMps)).toBeLessThanOrEqual(1.6);
    }
  });
});
