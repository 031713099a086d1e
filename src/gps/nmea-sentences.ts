/**
 * Field-level decoding of the NMEA 0183 sentences we use (GGA, RMC, VTG, GSA, GSV). Pure: takes
 * the comma-separated fields of one checksum-verified sentence and returns a typed sentence or the
 * reason it is malformed. Never throws on bad input.
 */
import type {
  GgaSentence,
  GsaSentence,
  GsvSentence,
  NmeaSentence,
  RmcSentence,
  SatelliteInView,
  SentenceType,
  Talker,
  VtgSentence,
} from './types.ts';

export type SentenceResult = { ok: true; sentence: NmeaSentence } | { ok: false; reason: string };

const knotsToMps = (knots: number): number => (knots * 1852) / 3600;
const kmhToMps = (kmh: number): number => kmh / 3.6;

/** Thrown only inside this module and caught by decodeSentence: a field that does not parse. */
class FieldError {
  constructor(readonly reason: string) {}
}

const NUMBER_RE = /^[-+]?(?:\d+\.?\d*|\.\d+)$/;

function num(field: string | undefined, name: string): number | null {
  if (field === undefined || field === '') return null;
  if (!NUMBER_RE.test(field)) throw new FieldError(`${name}: not a number`);
  return Number(field);
}

function int(field: string | undefined, name: string): number | null {
  if (field === undefined || field === '') return null;
  if (!/^\d+$/.test(field)) throw new FieldError(`${name}: not an integer`);
  return Number(field);
}

function inRange(v: number | null, min: number, max: number, name: string): number | null {
  if (v !== null && (v < min || v > max)) throw new FieldError(`${name}: ${v} out of range`);
  return v;
}

/** "hhmmss" or "hhmmss.sss" → ms since midnight UTC. */
export function parseTimeOfDay(field: string | undefined): number | null {
  if (field === undefined || field === '') return null;
  const m = /^(\d{2})(\d{2})(\d{2})(\.\d{1,6})?$/.exec(field);
  if (!m) throw new FieldError('time: bad format');
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = Number(m[3]);
  if (h > 23 || min > 59 || s > 60) throw new FieldError('time: out of range');
  const frac = m[4] ? Math.round(Number(m[4]) * 1000) : 0;
  return ((h * 60 + min) * 60 + s) * 1000 + frac;
}

/** "ddmmyy" → epoch ms of that day's midnight UTC (yy < 80 → 20yy, else 19yy). */
export function parseDate(field: string | undefined): number | null {
  if (field === undefined || field === '') return null;
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(field);
  if (!m) throw new FieldError('date: bad format');
  const d = Number(m[1]);
  const mo = Number(m[2]);
  const yy = Number(m[3]);
  const y = yy < 80 ? 2000 + yy : 1900 + yy;
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (mo < 1 || mo > 12 || check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) throw new FieldError('date: out of range');
  return ms;
}

/**
 * "ddmm.mmmm" (lat) or "dddmm.mmmm" (lon) plus hemisphere → signed decimal degrees.
 * Both fields empty → null; one without the other is malformed.
 */
export function parseCoordinate(value: string | undefined, hemi: string | undefined, axis: 'lat' | 'lon'): number | null {
  const v = value ?? '';
  const h = hemi ?? '';
  if (v === '' && h === '') return null;
  const m = /^(\d{1,3})(\d{2}(?:\.\d+)?)$/.exec(v);
  if (!m) throw new FieldError(`${axis}: bad format`);
  const deg = Number(m[1]);
  const minutes = Number(m[2]);
  if (minutes >= 60) throw new FieldError(`${axis}: minutes out of range`);
  const abs = deg + minutes / 60;
  const [pos, neg, max] = axis === 'lat' ? ['N', 'S', 90] : ['E', 'W', 180];
  if (abs > max) throw new FieldError(`${axis}: out of range`);
  if (h === pos) return abs;
  if (h === neg) return -abs;
  throw new FieldError(`${axis}: bad hemisphere`);
}

function parseGga(talker: Talker, f: string[]): GgaSentence {
  if (f.length < 12) throw new FieldError('GGA: too few fields');
  const quality = int(f[5], 'quality');
  if (quality === null) throw new FieldError('GGA: missing quality');
  return {
    type: 'GGA',
    talker,
    timeOfDayMs: parseTimeOfDay(f[0]),
    lat: parseCoordinate(f[1], f[2], 'lat'),
    lon: parseCoordinate(f[3], f[4], 'lon'),
    quality: inRange(quality, 0, 9, 'quality') ?? 0,
    satellites: int(f[6], 'satellites'),
    hdop: inRange(num(f[7], 'hdop'), 0, 9999, 'hdop'),
    altitudeM: num(f[8], 'altitude'),
    geoidSeparationM: num(f[10], 'geoid separation'),
  };
}

function parseRmc(talker: Talker, f: string[]): RmcSentence {
  if (f.length < 11) throw new FieldError('RMC: too few fields');
  const status = f[1];
  if (status !== 'A' && status !== 'V') throw new FieldError('RMC: bad status');
  const timeOfDayMs = parseTimeOfDay(f[0]);
  const dateMs = parseDate(f[8]);
  const knots = inRange(num(f[6], 'speed'), 0, 100_000, 'speed');
  return {
    type: 'RMC',
    talker,
    timeOfDayMs,
    status,
    lat: parseCoordinate(f[2], f[3], 'lat'),
    lon: parseCoordinate(f[4], f[5], 'lon'),
    speedMps: knots === null ? null : knotsToMps(knots),
    courseDeg: inRange(num(f[7], 'course'), 0, 360, 'course'),
    epochMs: dateMs !== null && timeOfDayMs !== null ? dateMs + timeOfDayMs : null,
    dateMs,
    mode: f[11] ? f[11] : null,
  };
}

function parseVtg(talker: Talker, f: string[]): VtgSentence {
  if (f.length < 8) throw new FieldError('VTG: too few fields');
  const knots = inRange(num(f[4], 'speed knots'), 0, 100_000, 'speed knots');
  const kmh = inRange(num(f[6], 'speed km/h'), 0, 200_000, 'speed km/h');
  return {
    type: 'VTG',
    talker,
    courseTrueDeg: inRange(num(f[0], 'course'), 0, 360, 'course'),
    courseMagneticDeg: inRange(num(f[2], 'magnetic course'), 0, 360, 'magnetic course'),
    speedKnots: knots,
    speedKmh: kmh,
    speedMps: kmh !== null ? kmhToMps(kmh) : knots !== null ? knotsToMps(knots) : null,
    mode: f[8] ? f[8] : null,
  };
}

function parseGsa(talker: Talker, f: string[]): GsaSentence {
  // selection, mode, 12 PRNs, PDOP, HDOP, VDOP [, system ID]
  if (f.length < 17) throw new FieldError('GSA: too few fields');
  const hasSystem = f.length >= 18;
  const end = hasSystem ? f.length - 1 : f.length;
  const mode = int(f[1], 'fix mode');
  if (mode !== 1 && mode !== 2 && mode !== 3) throw new FieldError('GSA: bad fix mode');
  const prns: number[] = [];
  for (const p of f.slice(2, end - 3)) {
    const prn = int(p, 'prn');
    if (prn !== null) prns.push(prn);
  }
  return {
    type: 'GSA',
    talker,
    selection: f[0] ? f[0] : null,
    fixMode: mode,
    prns,
    pdop: inRange(num(f[end - 3], 'pdop'), 0, 9999, 'pdop'),
    hdop: inRange(num(f[end - 2], 'hdop'), 0, 9999, 'hdop'),
    vdop: inRange(num(f[end - 1], 'vdop'), 0, 9999, 'vdop'),
    systemId: hasSystem ? int(f[f.length - 1], 'system id') : null,
  };
}

function parseGsv(talker: Talker, f: string[]): GsvSentence {
  if (f.length < 3) throw new FieldError('GSV: too few fields');
  const total = int(f[0], 'total messages');
  const number = int(f[1], 'message number');
  const inView = int(f[2], 'satellites in view');
  if (total === null || number === null || inView === null) throw new FieldError('GSV: missing header field');
  if (number < 1 || number > total) throw new FieldError('GSV: bad message number');
  const rest = f.length - 3;
  const hasSignal = rest % 4 === 1;
  if (rest % 4 !== 0 && !hasSignal) throw new FieldError('GSV: bad field count');
  const satellites: SatelliteInView[] = [];
  const groups = Math.floor(rest / 4);
  for (let i = 0; i < groups; i++) {
    const base = 3 + i * 4;
    const prn = int(f[base], 'prn');
    if (prn === null) continue;
    satellites.push({
      prn,
      elevationDeg: inRange(num(f[base + 1], 'elevation'), -90, 90, 'elevation'),
      azimuthDeg: inRange(num(f[base + 2], 'azimuth'), 0, 360, 'azimuth'),
      snrDb: inRange(num(f[base + 3], 'snr'), 0, 99, 'snr'),
    });
  }
  return {
    type: 'GSV',
    talker,
    totalMessages: total,
    messageNumber: number,
    satellitesInView: inView,
    satellites,
    signalId: hasSignal ? int(f[f.length - 1], 'signal id') : null,
  };
}

const PARSERS: Record<SentenceType, (talker: Talker, fields: string[]) => NmeaSentence> = {
  GGA: parseGga,
  RMC: parseRmc,
  VTG: parseVtg,
  GSA: parseGsa,
  GSV: parseGsv,
};

/** Decodes the fields (everything after the address) of a known sentence type. */
export function decodeSentence(type: SentenceType, talker: Talker, fields: string[]): SentenceResult {
  try {
    return { ok: true, sentence: PARSERS[type](talker, fields) };
  } catch (err) {
    if (err instanceof FieldError) return { ok: false, reason: err.reason };
    throw err;
  }
}
