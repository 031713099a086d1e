import { describe, expect, it } from 'vitest';
import { FixAssembler, NmeaParser, withChecksum, type EpochOutcome, type GpsFix, type NmeaSentence } from '../../../src/gps/nmea.ts';

function sentences(...bodies: string[]): NmeaSentence[] {
  const p = new NmeaParser();
  const out = p.push(Buffer.from(bodies.map((b) => `${withChecksum(b)}\r\n`).join('')));
  expect(p.counters.good).toBe(bodies.length);
  return out;
}

/** Feeds sentences (all received at `at`, or at successive times) and flushes at the end. */
function assemble(list: NmeaSentence[], at: number | number[] = 1000, assembler = new FixAssembler()): EpochOutcome[] {
  const out: EpochOutcome[] = [];
  list.forEach((s, i) => {
    const o = assembler.push(s, Array.isArray(at) ? (at[i] as number) : at);
    if (o) out.push(o);
  });
  const last = assembler.flush();
  if (last) out.push(last);
  return out;
}

function onlyFix(outcomes: EpochOutcome[]): GpsFix {
  expect(outcomes).toHaveLength(1);
  const o = outcomes[0];
  if (o?.kind !== 'fix') throw new Error(`expected a fix, got ${JSON.stringify(o)}`);
  return o.fix;
}

// One u-blox-style epoch (NMEA 4.10), 2025-03-14 18:20:05Z near Sacramento.
const T = '182005.00';
const DATE = '140325';
const EPOCH_MS = Date.UTC(2025, 2, 14, 18, 20, 5);
const RMC = `GNRMC,${T},A,3833.35893,N,12126.68210,W,29.160,98.11,${DATE},,,A,V`;
const VTG = 'GNVTG,98.11,T,,M,29.160,N,54.004,K,A';
const GGA = `GNGGA,${T},3833.35893,N,12126.68210,W,1,09,0.93,12.0,M,-32.3,M,,`;
const GSA_GPS = 'GNGSA,A,3,02,05,12,13,15,,,,,,,,1.58,0.93,1.26,1';
const GSA_GLO = 'GNGSA,A,3,65,66,72,73,,,,,,,,,1.58,0.93,1.26,2';
const GSV_GP = 'GPGSV,1,1,04,02,64,301,43,05,22,187,39,12,48,062,41,13,09,255,27,1';
const GSV_GL = 'GLGSV,1,1,03,65,52,077,39,66,14,023,29,72,33,290,36,1';
const LAT = 38 + 33.35893 / 60;
const LON = -(121 + 26.6821 / 60);

describe('FixAssembler', () => {
  it('combines one epoch into a fix', () => {
    const fix = onlyFix(assemble(sentences(RMC, VTG, GGA, GSA_GPS, GSA_GLO, GSV_GP, GSV_GL), [5000, 5001, 5002, 5003, 5004, 5005, 5006]));
    expect(fix).toEqual({
      time: EPOCH_MS,
      receivedAt: 5000,
      lat: LAT,
      lon: LON,
      altitude: 12,
      fixType: '3d',
      quality: 1,
      satellites: 9,
      hdop: 0.93,
      pdop: 1.58,
      vdop: 1.26,
      satellitesInView: 7,
      speedMps: (29.16 * 1852) / 3600,
      headingDeg: 98.11,
    });
  });

  it('emits the previous epoch when the next one starts, whatever the sentence order', () => {
    const a = new FixAssembler();
    const next = RMC.replace(T, '182006.00');
    // SiRF order: GGA, GSA, GSV, RMC, VTG.
    const first = [GGA, GSA_GPS, GSV_GP, RMC, VTG];
    const outs = sentences(...first, next).map((s, i) => a.push(s, 1000 + i));
    expect(outs.slice(0, first.length)).toEqual([null, null, null, null, null]);
    const closed = outs[first.length];
    expect(closed?.kind).toBe('fix');
    if (closed?.kind === 'fix') expect(closed.fix).toMatchObject({ time: EPOCH_MS, receivedAt: 1000, fixType: '3d', satellitesInView: 4 });
    const last = a.flush();
    expect(last?.kind === 'fix' && last.fix.time).toBe(EPOCH_MS + 1000);
    expect(a.flush()).toBeNull();
  });

  it('RMC status V is no fix, even with a (stale) position filled in', () => {
    const stale = `GNRMC,${T},V,3833.35893,N,12126.68210,W,,,${DATE},,,N,V`;
    expect(assemble(sentences(stale, 'GNVTG,,,,,,,,,N', `GNGGA,${T},,,,,0,00,99.99,,,,,,`), 7000)).toEqual([
      { kind: 'no-fix', reason: 'rmc-void', time: EPOCH_MS, receivedAt: 7000 },
    ]);
    expect(assemble(sentences(`GNRMC,${T},V,,,,,,,${DATE},,,N,V`))[0]).toMatchObject({ kind: 'no-fix', reason: 'rmc-void' });
  });

  it('GGA quality 0, 7 (manual) or 8 (simulator) is no fix, even with a position', () => {
    for (const q of [0, 7, 8]) {
      const gga = GGA.replace(',W,1,09,', `,W,${q},09,`);
      expect(assemble(sentences(gga), EPOCH_MS)[0], `quality ${q}`).toMatchObject({ kind: 'no-fix', reason: 'gga-quality-invalid', time: EPOCH_MS });
    }
  });

  it('GSA mode 1 or an RMC mode of N/S is no fix', () => {
    expect(assemble(sentences(GGA, 'GNGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99,1'))[0]).toMatchObject({ kind: 'no-fix', reason: 'gsa-no-fix' });
    expect(assemble(sentences(RMC.replace(',A,V', ',N,V')))[0]).toMatchObject({ kind: 'no-fix', reason: 'rmc-mode-invalid' });
    expect(assemble(sentences(RMC.replace(',A,V', ',S,V')))[0]).toMatchObject({ kind: 'no-fix', reason: 'rmc-mode-invalid' });
  });

  it('a valid flag without a position is no fix; 0,0 is no fix', () => {
    expect(assemble(sentences(`GNGGA,${T},,,,,1,04,2.0,,,,,,`))[0]).toMatchObject({ kind: 'no-fix', reason: 'no-position' });
    expect(assemble(sentences(`GNGGA,${T},0000.00000,N,00000.00000,E,1,04,2.0,0.0,M,,,,`))[0]).toMatchObject({ kind: 'no-fix', reason: 'null-island' });
    expect(onlyFix(assemble(sentences(`GNGGA,${T},0000.00000,N,00000.00000,E,1,04,2.0,0.0,M,,,,`), 0, new FixAssembler({ rejectNullIsland: false }))).lat).toBe(0);
  });

  it('fix type from GGA quality, RMC mode and GSA mode', () => {
    const withQ = (q: number): string => GGA.replace(',W,1,09,', `,W,${q},09,`);
    expect(onlyFix(assemble(sentences(withQ(2)))).fixType).toBe('dgps');
    expect(onlyFix(assemble(sentences(withQ(4)))).fixType).toBe('rtk');
    expect(onlyFix(assemble(sentences(withQ(5)))).fixType).toBe('rtk-float');
    expect(onlyFix(assemble(sentences(withQ(6)))).fixType).toBe('estimated');
    expect(onlyFix(assemble(sentences(GGA, 'GNGSA,A,2,02,05,12,,,,,,,,,,2.1,1.9,,1'))).fixType).toBe('2d');
    expect(onlyFix(assemble(sentences(RMC.replace(',A,V', ',D,V')))).fixType).toBe('dgps');
    expect(onlyFix(assemble(sentences(RMC.replace(',A,V', ',D,V')))).quality).toBe(2);
    expect(onlyFix(assemble(sentences(RMC.replace(',A,V', ',R,V')))).fixType).toBe('rtk');
  });

  it('RMC alone: position, time, speed, course; no altitude', () => {
    const fix = onlyFix(assemble(sentences(RMC)));
    expect(fix).toMatchObject({ time: EPOCH_MS, lat: LAT, lon: LON, quality: 1, satellites: 0, hdop: null, headingDeg: 98.11 });
    expect(fix.altitude).toBeUndefined();
  });

  it('GGA alone takes its date from the last RMC and rolls over at midnight', () => {
    const a = new FixAssembler();
    const beforeMidnight = sentences(RMC.replace(T, '235959.00'), GGA.replace(T, '235959.00'), GGA.replace(T, '000000.00'), GGA.replace(T, '000001.00'));
    const fixes = assemble(beforeMidnight, 0, a).map((o) => (o.kind === 'fix' ? o.fix.time : null));
    const day = Date.UTC(2025, 2, 14);
    expect(fixes).toEqual([day + 86_399_000, day + 86_400_000, day + 86_401_000]);
  });

  it('GGA alone with no date yet uses the local clock day nearest to the receive time', () => {
    const local = Date.UTC(2025, 2, 15, 0, 0, 2); // local clock just past midnight, receiver just before
    const fix = onlyFix(assemble(sentences(GGA.replace(T, '235958.00')), local));
    expect(fix.time).toBe(Date.UTC(2025, 2, 14, 23, 59, 58));
    expect(onlyFix(assemble(sentences(GGA), Date.UTC(2025, 2, 14, 18, 0))).time).toBe(EPOCH_MS);
  });

  it('untimed repeats start a new epoch; GSV-only epochs say nothing', () => {
    const gga = `GNGGA,,3833.35893,N,12126.68210,W,1,09,0.93,12.0,M,-32.3,M,,`;
    expect(assemble(sentences(gga, gga), Date.UTC(2025, 2, 14))).toHaveLength(2);
    expect(assemble(sentences(GSV_GP, GSV_GL, 'GNGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99,1'))).toEqual([]);
  });

  it('reset() drops the open epoch', () => {
    const a = new FixAssembler();
    for (const s of sentences(RMC, VTG)) a.push(s, 0);
    a.reset();
    expect(a.flush()).toBeNull();
  });
});
