/**
 * Combines the sentences of one receiver epoch (GGA, RMC, VTG, GSA, GSV sharing one UTC time)
 * into a GpsFix. Pure: the local receive time is passed in with each sentence.
 *
 * An epoch opens with the first sentence after the previous one closed and closes when a sentence
 * carries a different UTC time, when a second GGA, RMC or VTG arrives, or on flush() (the serial
 * reader flushes after a short quiet gap, so a fix is not held back until the next second).
 * Sentences without a time (VTG, GSA, GSV) belong to the open epoch; receivers send a timed
 * sentence (RMC or GGA) first in each epoch.
 *
 * A fix is produced only from valid data: RMC status V, an RMC mode of N/S/M, GGA quality 0
 * (or 7 manual / 8 simulator), or GSA mode 1 make the whole epoch "no fix", even when the
 * receiver still fills in a (stale) position.
 */
import type { GgaSentence, GpsFix, GsaSentence, NmeaSentence, RmcSentence, VtgSentence, FixType } from './types.ts';

export type NoFixReason = 'rmc-void' | 'rmc-mode-invalid' | 'gga-quality-invalid' | 'gsa-no-fix' | 'no-position' | 'no-time' | 'null-island';

export type EpochOutcome =
  | { kind: 'fix'; fix: GpsFix }
  | { kind: 'no-fix'; reason: NoFixReason; /** Receiver UTC epoch ms when known. */ time: number | null; receivedAt: number };

export interface FixAssemblerOptions {
  /** Treat exactly 0°,0° as no fix (a receiver default, not a place; default true). */
  rejectNullIsland?: boolean;
}

interface Epoch {
  receivedAt: number;
  timeOfDayMs: number | null;
  gga: GgaSentence | null;
  rmc: RmcSentence | null;
  vtg: VtgSentence | null;
  gsa: GsaSentence[];
  /** Satellites in view per GSV talker (and signal). */
  inView: Map<string, number>;
}

const DAY_MS = 86_400_000;
const INVALID_GGA_QUALITY = new Set([0, 7, 8]);
const INVALID_RMC_MODES = new Set(['N', 'S', 'M']);

function timeOfDay(s: NmeaSentence): number | null {
  return s.type === 'GGA' || s.type === 'RMC' ? s.timeOfDayMs : null;
}

function fixTypeOf(e: Epoch): FixType {
  const q = e.gga?.quality;
  if (q === 2) return 'dgps';
  if (q === 4) return 'rtk';
  if (q === 5) return 'rtk-float';
  if (q === 6) return 'estimated';
  if (q === undefined) {
    const mode = e.rmc?.mode;
    if (mode === 'D') return 'dgps';
    if (mode === 'R') return 'rtk';
    if (mode === 'F') return 'rtk-float';
    if (mode === 'E') return 'estimated';
  }
  const gsaMode = Math.max(0, ...e.gsa.map((g) => g.fixMode));
  if (gsaMode === 3) return '3d';
  if (gsaMode === 2) return '2d';
  return e.gga?.altitudeM != null ? '3d' : '2d';
}

function qualityOf(e: Epoch): number {
  if (e.gga) return e.gga.quality;
  const mode = e.rmc?.mode;
  return mode === 'D' ? 2 : mode === 'R' ? 4 : mode === 'F' ? 5 : mode === 'E' ? 6 : 1;
}

export class FixAssembler {
  private epoch: Epoch | null = null;
  private lastDateMs: number | null = null;
  private lastTime: number | null = null;
  private readonly rejectNullIsland: boolean;

  constructor(options: FixAssemblerOptions = {}) {
    this.rejectNullIsland = options.rejectNullIsland ?? true;
  }

  /**
   * Adds a sentence received at local time `receivedAt`. Returns the outcome of the epoch this
   * sentence closed, if it closed one.
   */
  push(sentence: NmeaSentence, receivedAt: number): EpochOutcome | null {
    const t = timeOfDay(sentence);
    let outcome: EpochOutcome | null = null;
    if (this.epoch && this.startsNewEpoch(this.epoch, sentence, t)) outcome = this.flush();
    this.epoch ??= { receivedAt, timeOfDayMs: null, gga: null, rmc: null, vtg: null, gsa: [], inView: new Map<string, number>() };
    const e = this.epoch;
    if (t !== null) e.timeOfDayMs = t;
    switch (sentence.type) {
      case 'GGA':
        e.gga = sentence;
        break;
      case 'RMC':
        e.rmc = sentence;
        break;
      case 'VTG':
        e.vtg = sentence;
        break;
      case 'GSA':
        e.gsa.push(sentence);
        break;
      case 'GSV': {
        const key = `${sentence.talker}/${sentence.signalId ?? ''}`;
        e.inView.set(key, Math.max(e.inView.get(key) ?? 0, sentence.satellitesInView));
        break;
      }
    }
    return outcome;
  }

  /** Closes the open epoch, if any, and returns its outcome (null when it had no GGA or RMC). */
  flush(): EpochOutcome | null {
    const e = this.epoch;
    this.epoch = null;
    if (!e || (!e.gga && !e.rmc)) return null;
    if (e.rmc?.dateMs != null) this.lastDateMs = e.rmc.dateMs;
    const time = this.utcTime(e);
    if (time !== null) this.lastTime = time;
    const noFix = (reason: NoFixReason): EpochOutcome => ({ kind: 'no-fix', reason, time, receivedAt: e.receivedAt });

    if (e.rmc && e.rmc.status !== 'A') return noFix('rmc-void');
    if (e.rmc?.mode != null && INVALID_RMC_MODES.has(e.rmc.mode)) return noFix('rmc-mode-invalid');
    if (e.gga && INVALID_GGA_QUALITY.has(e.gga.quality)) return noFix('gga-quality-invalid');
    if (e.gsa.length > 0 && e.gsa.every((g) => g.fixMode === 1)) return noFix('gsa-no-fix');
    const useGga = e.gga !== null && e.gga.lat !== null && e.gga.lon !== null;
    const lat = useGga ? e.gga?.lat : e.rmc?.lat;
    const lon = useGga ? e.gga?.lon : e.rmc?.lon;
    if (lat == null || lon == null) return noFix('no-position');
    if (this.rejectNullIsland && lat === 0 && lon === 0) return noFix('null-island');
    if (time === null) return noFix('no-time');

    const prns = new Set(e.gsa.flatMap((g) => g.prns.map((p) => `${g.systemId ?? g.talker}:${p}`)));
    const fix: GpsFix = {
      time,
      receivedAt: e.receivedAt,
      lat,
      lon,
      fixType: fixTypeOf(e),
      quality: qualityOf(e),
      satellites: e.gga?.satellites ?? prns.size,
      hdop: e.gga?.hdop ?? e.gsa.find((g) => g.hdop !== null)?.hdop ?? null,
    };
    const altitude = e.gga?.altitudeM;
    if (altitude != null) fix.altitude = altitude;
    const pdop = e.gsa.find((g) => g.pdop !== null)?.pdop;
    if (pdop != null) fix.pdop = pdop;
    const vdop = e.gsa.find((g) => g.vdop !== null)?.vdop;
    if (vdop != null) fix.vdop = vdop;
    if (e.inView.size > 0) fix.satellitesInView = [...e.inView.values()].reduce((a, b) => a + b, 0);
    const vtgValid = e.vtg !== null && e.vtg.mode !== 'N';
    const speed = e.rmc?.speedMps ?? (vtgValid ? e.vtg?.speedMps : null);
    if (speed != null) fix.speedMps = speed;
    const heading = e.rmc?.courseDeg ?? (vtgValid ? e.vtg?.courseTrueDeg : null);
    if (heading != null) fix.headingDeg = heading;
    return { kind: 'fix', fix };
  }

  /** Drops the open epoch without an outcome (after a reconnect). The last known date is kept. */
  reset(): void {
    this.epoch = null;
  }

  private startsNewEpoch(e: Epoch, s: NmeaSentence, t: number | null): boolean {
    if (t !== null && e.timeOfDayMs !== null && t !== e.timeOfDayMs) return true;
    return (s.type === 'GGA' && e.gga !== null) || (s.type === 'RMC' && e.rmc !== null) || (s.type === 'VTG' && e.vtg !== null);
  }

  /**
   * Receiver UTC time of the epoch: RMC date + time when present; otherwise the time of day on the
   * last RMC date (rolled over at midnight), or failing that on the local clock's nearest day.
   */
  private utcTime(e: Epoch): number | null {
    if (e.rmc?.epochMs != null) return e.rmc.epochMs;
    const tod = e.timeOfDayMs;
    if (tod === null) return null;
    if (this.lastTime !== null) {
      let t = Math.floor(this.lastTime / DAY_MS) * DAY_MS + tod;
      if (t < this.lastTime - DAY_MS / 2) t += DAY_MS;
      return t;
    }
    if (this.lastDateMs !== null) return this.lastDateMs + tod;
    let t = Math.floor(e.receivedAt / DAY_MS) * DAY_MS + tod;
    if (t - e.receivedAt > DAY_MS / 2) t -= DAY_MS;
    else if (e.receivedAt - t > DAY_MS / 2) t += DAY_MS;
    return t;
  }
}
