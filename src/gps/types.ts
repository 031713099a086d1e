/**
 * Types shared by the NMEA parser, the fix assembler, the fix cache and the serial reader.
 */

/** Talker IDs whose sentences are parsed; anything else is counted as unknown. */
export const KNOWN_TALKERS = ['GP', 'GN', 'GL', 'GA', 'BD', 'GB'] as const;
export type Talker = (typeof KNOWN_TALKERS)[number];

/** Sentence formatters that are parsed. */
export const KNOWN_SENTENCES = ['GGA', 'RMC', 'VTG', 'GSA', 'GSV'] as const;
export type SentenceType = (typeof KNOWN_SENTENCES)[number];

/** GGA: time, position, fix quality, satellites used, HDOP, altitude. */
export interface GgaSentence {
  type: 'GGA';
  talker: Talker;
  /** UTC time of day in ms since midnight; null when the field is empty. */
  timeOfDayMs: number | null;
  lat: number | null;
  lon: number | null;
  /** 0 invalid, 1 GPS, 2 DGPS, 3 PPS, 4 RTK fixed, 5 RTK float, 6 estimated, 7 manual, 8 simulator. */
  quality: number;
  satellites: number | null;
  hdop: number | null;
  /** Altitude above mean sea level, metres. */
  altitudeM: number | null;
  /** Geoid separation (geoid above the WGS84 ellipsoid), metres. */
  geoidSeparationM: number | null;
}

/** RMC: status, date and time, position, speed and course over ground. */
export interface RmcSentence {
  type: 'RMC';
  talker: Talker;
  timeOfDayMs: number | null;
  /** A = data valid, V = receiver warning (no fix). */
  status: 'A' | 'V';
  lat: number | null;
  lon: number | null;
  speedMps: number | null;
  courseDeg: number | null;
  /** Date (from the date field) plus time of day, as epoch ms UTC; null when either is missing. */
  epochMs: number | null;
  /** Epoch ms UTC of midnight of the date field; null when empty. */
  dateMs: number | null;
  /**
   * FAA mode indicator (NMEA 2.3+): A autonomous, D differential, E estimated, F RTK float,
   * M manual, N not valid, P precise, R RTK fixed, S simulator. Null on older receivers.
   */
  mode: string | null;
}

/** VTG: course and speed over ground. */
export interface VtgSentence {
  type: 'VTG';
  talker: Talker;
  courseTrueDeg: number | null;
  courseMagneticDeg: number | null;
  speedKnots: number | null;
  speedKmh: number | null;
  /** From km/h when present, else from knots. */
  speedMps: number | null;
  mode: string | null;
}

/** GSA: DOPs and the satellites used in the solution. */
export interface GsaSentence {
  type: 'GSA';
  talker: Talker;
  /** A automatic 2D/3D, M manual. */
  selection: string | null;
  /** 1 no fix, 2 2D, 3 3D. */
  fixMode: 1 | 2 | 3;
  prns: number[];
  pdop: number | null;
  hdop: number | null;
  vdop: number | null;
  /** NMEA 4.1 GNSS system ID (1 GPS, 2 GLONASS, 3 Galileo, 4 BeiDou); null when absent. */
  systemId: number | null;
}

export interface SatelliteInView {
  prn: number;
  elevationDeg: number | null;
  azimuthDeg: number | null;
  snrDb: number | null;
}

/** GSV: satellites in view, one message of a group. */
export interface GsvSentence {
  type: 'GSV';
  talker: Talker;
  totalMessages: number;
  messageNumber: number;
  satellitesInView: number;
  satellites: SatelliteInView[];
  /** NMEA 4.1 signal ID; null when absent. */
  signalId: number | null;
}

export type NmeaSentence = GgaSentence | RmcSentence | VtgSentence | GsaSentence | GsvSentence;

/**
 * How a position was obtained. 'surveyed' is never produced from NMEA: the fix cache returns it
 * for a configured fixed-install position.
 */
export type FixType = 'none' | '2d' | '3d' | 'dgps' | 'rtk' | 'rtk-float' | 'estimated' | 'surveyed';

/** One position fix: the combined sentences of one receiver epoch. */
export interface GpsFix {
  /** Receiver UTC time of the fix, epoch ms. */
  time: number;
  /** Local clock time (ms) when the first sentence of the epoch arrived. */
  receivedAt: number;
  /** WGS84 degrees, north positive. */
  lat: number;
  /** WGS84 degrees, east positive. */
  lon: number;
  /** Metres above mean sea level. */
  altitude?: number;
  fixType: FixType;
  /** GGA fix quality (1 when only RMC was seen; 7 for a surveyed position). */
  quality: number;
  /** Satellites used in the solution (0 when unknown). */
  satellites: number;
  hdop: number | null;
  pdop?: number;
  vdop?: number;
  satellitesInView?: number;
  speedMps?: number;
  /** Course over ground, degrees true. */
  headingDeg?: number;
}
