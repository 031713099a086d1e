import { describe, expect, it } from 'vitest';
import { NmeaParser, nmeaChecksum, parseNmeaLine, withChecksum, type NmeaSentence } from '../../../src/gps/nmea.ts';

/** Published examples (NMEA references, u-blox and SiRF manuals); their checksums are the originals. */
const REAL = {
  gga: '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47',
  rmc: '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A',
  vtg: '$GPVTG,054.7,T,034.4,M,005.5,N,010.2,K*48',
  gsa: '$GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1*39',
  gsv: '$GPGSV,2,1,08,01,40,083,46,02,17,308,41,12,07,344,39,14,22,228,45*75',
  ubloxGga: '$GPGGA,092725.00,4717.11399,N,00833.91590,E,1,08,1.01,499.6,M,48.0,M,,*5B',
  ubloxRmc: '$GPRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,A*57',
  ubloxVtg: '$GPVTG,77.52,T,,M,0.004,N,0.008,K,A*06',
  ubloxGsa: '$GPGSA,A,3,23,29,07,08,09,18,26,28,,,,,1.94,1.18,1.54*0D',
  ubloxGsv: '$GPGSV,3,1,10,23,38,230,44,29,71,156,47,07,29,116,41,08,09,081,36*7F',
  gnGga: '$GNGGA,001043.00,4404.14036,N,12118.85961,W,1,12,0.98,1113.0,M,-21.3,M,,*47',
  gnRmc: '$GNRMC,001031.00,A,4404.13993,N,12118.86023,W,0.146,,100117,,,A*7B',
  gnGsa: '$GNGSA,A,3,80,71,73,79,69,,,,,,,,1.83,1.09,1.47*17',
  sirfRmc: '$GPRMC,161229.487,A,3723.2475,N,12158.3416,W,0.13,309.62,120598,,*10',
  sirfGga: '$GPGGA,161229.487,3723.2475,N,12158.3416,W,1,07,1.0,9.0,M,,,,0000*18',
  oldRmc: '$GPRMC,225446,A,4916.45,N,12311.12,W,000.5,054.7,191194,020.3,E*68',
};

function one(line: string): NmeaSentence {
  const r = parseNmeaLine(line);
  if (r.kind !== 'sentence') throw new Error(`expected a sentence from ${line}, got ${JSON.stringify(r)}`);
  return r.sentence;
}

function feedAll(parser: NmeaParser, chunks: Array<Buffer | string>): NmeaSentence[] {
  return chunks.flatMap((c) => parser.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c));
}

describe('nmea checksum', () => {
  it('matches the published checksums', () => {
    expect(nmeaChecksum('GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,')).toBe(0x47);
    expect(withChecksum('GPVTG,054.7,T,034.4,M,005.5,N,010.2,K')).toBe(REAL.vtg);
    for (const line of Object.values(REAL)) expect(parseNmeaLine(line).kind, line).toBe('sentence');
  });

  it('rejects a wrong checksum, accepts lower-case hex', () => {
    expect(parseNmeaLine(REAL.gga.replace('*47', '*48'))).toEqual({ kind: 'bad-checksum', expected: 0x48, actual: 0x47 });
    expect(parseNmeaLine(REAL.gsa.replace('*39', '*39'.toLowerCase())).kind).toBe('sentence');
    expect(parseNmeaLine(REAL.ubloxGsa.replace('*0D', '*0d')).kind).toBe('sentence');
    // A single changed digit is caught even though the field still looks valid.
    expect(parseNmeaLine(REAL.gga.replace('4807.038', '4807.039')).kind).toBe('bad-checksum');
  });

  it('rejects sentences without a checksum unless told otherwise', () => {
    const bare = REAL.gga.slice(0, REAL.gga.indexOf('*'));
    expect(parseNmeaLine(bare)).toEqual({ kind: 'missing-checksum' });
    expect(parseNmeaLine(bare, { requireChecksum: false }).kind).toBe('sentence');
    const p = new NmeaParser();
    expect(p.push(Buffer.from(`${bare}\r\n`))).toEqual([]);
    expect(p.counters.missingChecksum).toBe(1);
    const lenient = new NmeaParser({ requireChecksum: false });
    expect(lenient.push(Buffer.from(`${bare}\r\n${REAL.rmc}\r\n`))).toHaveLength(2);
  });

  it('calls bad checksum syntax malformed', () => {
    expect(parseNmeaLine(`${REAL.gga}0`).kind).toBe('malformed');
    expect(parseNmeaLine(REAL.gga.replace('*47', '*4')).kind).toBe('malformed');
    expect(parseNmeaLine(REAL.gga.replace('*47', '*ZZ')).kind).toBe('malformed');
  });
});

describe('nmea sentences', () => {
  it('GGA: time, position, quality, satellites, HDOP, altitude', () => {
    expect(one(REAL.gga)).toEqual({
      type: 'GGA',
      talker: 'GP',
      timeOfDayMs: (12 * 3600 + 35 * 60 + 19) * 1000,
      lat: 48 + 7.038 / 60,
      lon: 11 + 31 / 60,
      quality: 1,
      satellites: 8,
      hdop: 0.9,
      altitudeM: 545.4,
      geoidSeparationM: 46.9,
    });
    const gn = one(REAL.gnGga);
    expect(gn).toMatchObject({ talker: 'GN', quality: 1, satellites: 12, hdop: 0.98, altitudeM: 1113, geoidSeparationM: -21.3 });
    if (gn.type !== 'GGA') throw new Error('type');
    expect(gn.lat).toBeCloseTo(44.0690060, 7);
    expect(gn.lon).toBeCloseTo(-121.3143268, 7); // W is negative
    expect(one(REAL.sirfGga)).toMatchObject({ timeOfDayMs: (16 * 3600 + 12 * 60 + 29) * 1000 + 487, geoidSeparationM: null });
  });

  it('GGA without a fix: empty position, quality 0', () => {
    expect(one(withChecksum('GNGGA,182124.00,,,,,0,00,99.99,,,,,,'))).toMatchObject({ lat: null, lon: null, quality: 0, satellites: 0, altitudeM: null });
    expect(one(withChecksum('GPGGA,,,,,,0,,,,,,,,'))).toMatchObject({ timeOfDayMs: null, quality: 0, satellites: null, hdop: null });
  });

  it('RMC: status, date + time in epoch ms UTC, knots → m/s, course', () => {
    expect(one(REAL.rmc)).toMatchObject({
      type: 'RMC',
      status: 'A',
      epochMs: Date.UTC(1994, 2, 23, 12, 35, 19),
      speedMps: (22.4 * 1852) / 3600,
      courseDeg: 84.4,
      mode: null,
    });
    expect(one(REAL.ubloxRmc)).toMatchObject({ epochMs: Date.UTC(2002, 11, 9, 8, 35, 59), mode: 'A', courseDeg: 77.52 });
    expect(one(REAL.gnRmc)).toMatchObject({ talker: 'GN', epochMs: Date.UTC(2017, 0, 10, 0, 10, 31), courseDeg: null });
    expect(one(REAL.sirfRmc)).toMatchObject({ epochMs: Date.UTC(1998, 4, 12, 16, 12, 29, 487) });
    expect(one(REAL.oldRmc)).toMatchObject({ epochMs: Date.UTC(1994, 10, 19, 22, 54, 46), lon: -(123 + 11.12 / 60) });
  });

  it('RMC void and NMEA 4.10 nav status', () => {
    expect(one(withChecksum('GNRMC,182124.00,V,,,,,,,140325,,,N,V'))).toMatchObject({ status: 'V', lat: null, lon: null, speedMps: null, mode: 'N', epochMs: Date.UTC(2025, 2, 14, 18, 21, 24) });
    expect(one(withChecksum('GPRMC,,V,,,,,,,,,,N'))).toMatchObject({ status: 'V', epochMs: null, dateMs: null });
  });

  it('VTG: course and speed, old and new formats', () => {
    expect(one(REAL.vtg)).toEqual({
      type: 'VTG',
      talker: 'GP',
      courseTrueDeg: 54.7,
      courseMagneticDeg: 34.4,
      speedKnots: 5.5,
      speedKmh: 10.2,
      speedMps: 10.2 / 3.6,
      mode: null,
    });
    expect(one(REAL.ubloxVtg)).toMatchObject({ courseTrueDeg: 77.52, courseMagneticDeg: null, speedKmh: 0.008, mode: 'A' });
    expect(one(withChecksum('GPVTG,,T,,M,1.000,N,,K,A'))).toMatchObject({ speedMps: 1852 / 3600 });
  });

  it('GSA: selection, fix mode, PRNs, DOPs, optional system ID', () => {
    expect(one(REAL.gsa)).toEqual({ type: 'GSA', talker: 'GP', selection: 'A', fixMode: 3, prns: [4, 5, 9, 12, 24], pdop: 2.5, hdop: 1.3, vdop: 2.1, systemId: null });
    expect(one(REAL.gnGsa)).toMatchObject({ talker: 'GN', prns: [80, 71, 73, 79, 69], vdop: 1.47 });
    expect(one(withChecksum('GNGSA,A,3,65,66,72,,,,,,,,,,1.58,0.93,1.26,2'))).toMatchObject({ prns: [65, 66, 72], pdop: 1.58, vdop: 1.26, systemId: 2 });
    expect(one(withChecksum('GNGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99,1'))).toMatchObject({ fixMode: 1, prns: [] });
    expect(parseNmeaLine(withChecksum('GPGSA,A,4,,,,,,,,,,,,,1,1,1')).kind).toBe('malformed');
  });

  it('GSV: satellites in view, with and without a signal ID', () => {
    expect(one(REAL.gsv)).toEqual({
      type: 'GSV',
      talker: 'GP',
      totalMessages: 2,
      messageNumber: 1,
      satellitesInView: 8,
      signalId: null,
      satellites: [
        { prn: 1, elevationDeg: 40, azimuthDeg: 83, snrDb: 46 },
        { prn: 2, elevationDeg: 17, azimuthDeg: 308, snrDb: 41 },
        { prn: 12, elevationDeg: 7, azimuthDeg: 344, snrDb: 39 },
        { prn: 14, elevationDeg: 22, azimuthDeg: 228, snrDb: 45 },
      ],
    });
    expect(one(withChecksum('GPGSV,3,3,10,29,05,095,,31,12,040,27,1'))).toMatchObject({
      messageNumber: 3,
      signalId: 1,
      satellites: [{ prn: 29, snrDb: null }, { prn: 31, snrDb: 27 }],
    });
    expect(one(withChecksum('GPGSV,1,1,00'))).toMatchObject({ satellitesInView: 0, satellites: [] });
  });

  it('accepts the GP, GN, GL, GA, BD and GB talkers, counts others as unknown', () => {
    // Constructed from the published GSV example: same fields, each talker's checksum.
    const body = REAL.gsv.slice(3, REAL.gsv.indexOf('*'));
    for (const talker of ['GP', 'GN', 'GL', 'GA', 'BD', 'GB']) expect(one(withChecksum(`${talker}${body}`)).talker).toBe(talker);
    expect(parseNmeaLine(withChecksum(`GQ${body}`))).toEqual({ kind: 'unknown', address: 'GQGSV' });
    expect(parseNmeaLine('$GNTXT,01,01,02,u-blox AG - www.u-blox.com*4E')).toEqual({ kind: 'unknown', address: 'GNTXT' });
    expect(parseNmeaLine(withChecksum('PUBX,00,081350.00,4717.113210,N'))).toEqual({ kind: 'unknown', address: 'PUBX' });
    expect(parseNmeaLine(withChecksum('GPGLL,4916.45,N,12311.12,W,225444,A')).kind).toBe('unknown');
  });

  it('calls fields that do not decode malformed', () => {
    const bad = [
      'GPGGA,123519,4867.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,', // minutes ≥ 60
      'GPGGA,123519,9107.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,', // latitude > 90
      'GPGGA,123519,4807.038,X,01131.000,E,1,08,0.9,545.4,M,46.9,M,,', // hemisphere
      'GPGGA,123519,4807.038,,01131.000,E,1,08,0.9,545.4,M,46.9,M,,', // missing hemisphere
      'GPGGA,126019,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,', // minute 60
      'GPGGA,123519,4807.038,N,01131.000,E,,08,0.9,545.4,M,46.9,M,,', // no quality
      'GPGGA,123519,4807.038,N,01131.000,E,1,08,x.9,545.4,M,46.9,M,,', // hdop
      'GPGGA,123519,4807.038,N', // too few fields
      'GPRMC,123519,X,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W', // status
      'GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,310294,003.1,W', // 31 Feb
      'GPRMC,123519,A,4807.038,N,01131.000,E,022.4,384.4,230394,003.1,W', // course
      'GPGSV,2,3,08,01,40,083,46', // message 3 of 2
      'GPGSV,1,1,08,01,40,083', // half a satellite
      'GPVTG,abc,T,,M,0.0,N,0.0,K',
    ];
    for (const b of bad) expect(parseNmeaLine(withChecksum(b)).kind, b).toBe('malformed');
    expect(parseNmeaLine('GPGGA,no dollar*00').kind).toBe('malformed');
    expect(parseNmeaLine(withChecksum('gpgga,1')).kind).toBe('malformed');
    expect(parseNmeaLine(`$GPGGA,1\u0007*${nmeaChecksum('GPGGA,1\u0007').toString(16)}`).kind).toBe('malformed');
  });
});

describe('NmeaParser framing', () => {
  const stream = `${REAL.ubloxRmc}\r\n${REAL.ubloxVtg}\r\n${REAL.ubloxGga}\r\n${REAL.ubloxGsa}\r\n${REAL.ubloxGsv}\r\n`;

  it('parses CR/LF and bare LF endings (and a lone CR)', () => {
    const p = new NmeaParser();
    expect(feedAll(p, [stream])).toHaveLength(5);
    expect(feedAll(p, [stream.replaceAll('\r\n', '\n')])).toHaveLength(5);
    expect(feedAll(p, [stream.replaceAll('\r\n', '\r')])).toHaveLength(5);
    expect(p.counters).toMatchObject({ good: 15, malformed: 0, noiseBytes: 0 });
  });

  it('reassembles a sentence split at every byte position', () => {
    const line = Buffer.from(`${REAL.gga}\r\n`);
    const expected = one(REAL.gga);
    for (let cut = 0; cut <= line.length; cut++) {
      const p = new NmeaParser();
      const got = feedAll(p, [line.subarray(0, cut), line.subarray(cut)]);
      expect(got, `cut at ${cut}`).toEqual([expected]);
      expect(p.counters).toMatchObject({ good: 1, malformed: 0, badChecksum: 0, noiseBytes: 0 });
    }
  });

  it('reassembles a stream split into every pair of cut points and fed byte by byte', () => {
    const bytes = Buffer.from(stream);
    const expected = feedAll(new NmeaParser(), [bytes]);
    for (let a = 0; a < bytes.length; a += 7) {
      for (let b = a; b <= bytes.length; b += 13) {
        expect(feedAll(new NmeaParser(), [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)])).toEqual(expected);
      }
    }
    const p = new NmeaParser();
    const oneByOne = [...bytes].flatMap((b) => p.push(Buffer.from([b])));
    expect(oneByOne).toEqual(expected);
  });

  it('drops a sentence truncated by the next $, keeps the next one', () => {
    const p = new NmeaParser();
    const got = feedAll(p, [`${REAL.gga.slice(0, 30)}${REAL.rmc}\r\n`]);
    expect(got.map((s) => s.type)).toEqual(['RMC']);
    expect(p.counters).toMatchObject({ good: 1, malformed: 1 });
  });

  it('counts garbage and binary noise between sentences, never throws', () => {
    const p = new NmeaParser();
    const noise = Buffer.from([0x00, 0xff, 0x80, 0x13, 0x41, 0x42, 0x7f, 0xfe]);
    const ais = '!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5C'; // another protocol on the same line
    const got = feedAll(p, ['hello world\r\n', noise, `${REAL.gga}\r\n`, noise, '\r\n\r\n', `${REAL.rmc}\n`, `${ais}\r\n`]);
    expect(got.map((s) => s.type)).toEqual(['GGA', 'RMC']);
    expect(p.counters.noiseBytes).toBe('hello world'.length + 2 * noise.length + ais.length);
    expect(p.counters.good).toBe(2);
  });

  it('a line containing binary noise is malformed', () => {
    const p = new NmeaParser();
    const line = Buffer.concat([Buffer.from(REAL.gga.slice(0, 20)), Buffer.from([0xf3, 0x9c]), Buffer.from(`${REAL.gga.slice(20)}\r\n`)]);
    expect(p.push(line)).toEqual([]);
    expect(p.counters).toMatchObject({ malformed: 1, good: 0 });
  });

  it('caps over-long lines and recovers at the next line', () => {
    const p = new NmeaParser({ maxLineLength: 82 });
    const long = `$GPXXX,${'A'.repeat(5000)}*00\r\n`;
    const got = feedAll(p, [long.slice(0, 100), long.slice(100), `${REAL.gga}\r\n`]);
    expect(got.map((s) => s.type)).toEqual(['GGA']);
    expect(p.counters).toMatchObject({ overlong: 1, good: 1, malformed: 0 });
    // A $ inside the over-long run starts a fresh line.
    const q = new NmeaParser({ maxLineLength: 82 });
    expect(feedAll(q, [`$${'Z'.repeat(300)}${REAL.rmc}\r\n`]).map((s) => s.type)).toEqual(['RMC']);
    expect(q.counters).toMatchObject({ overlong: 1, good: 1, malformed: 0 });
    expect(() => new NmeaParser({ maxLineLength: 3 })).toThrow(RangeError);
  });

  it('reset() drops a partial line', () => {
    const p = new NmeaParser();
    p.push(Buffer.from(REAL.gga.slice(0, 25)));
    p.reset();
    expect(feedAll(p, [`${REAL.gga.slice(25)}\r\n${REAL.rmc}\r\n`]).map((s) => s.type)).toEqual(['RMC']);
    expect(p.counters).toMatchObject({ malformed: 1, good: 1 });
    expect(p.counters.noiseBytes).toBe(REAL.gga.length - 25);
  });

  it('counters are a snapshot', () => {
    const p = new NmeaParser();
    const before = p.counters;
    p.push(Buffer.from(`${REAL.gga}\r\n`));
    expect(before.good).toBe(0);
    expect(p.counters.good).toBe(1);
  });
});
