/**
 * NMEA 0183: bytes → sentences (→ fixes, see fix-assembler.ts). Pure, no I/O: the parser is fed
 * Buffer chunks from anything (a serial port, a pty, a file) and returns the sentences completed
 * by each chunk.
 *
 * Bad input is counted, never thrown: lines split across chunks, CR/LF or LF endings, garbage and
 * binary noise (wrong baud rate), over-long lines (capped, the rest of the line skipped), a `$` in
 * the middle of a line (the earlier, truncated sentence is dropped), bad or missing checksums.
 */
import { decodeSentence } from './nmea-sentences.ts';
import { KNOWN_SENTENCES, KNOWN_TALKERS, type NmeaSentence, type SentenceType, type Talker } from './types.ts';

export * from './types.ts';
export { FixAssembler, type EpochOutcome, type FixAssemblerOptions } from './fix-assembler.ts';

export interface NmeaParserOptions {
  /** Reject sentences without a `*hh` checksum (default true). */
  requireChecksum?: boolean;
  /**
   * Longest line kept, counting `$` and excluding CR/LF (default 200; NMEA's own limit is 80,
   * but receivers exceed it with extra precision and proprietary sentences).
   */
  maxLineLength?: number;
}

export interface NmeaCounters {
  /** Sentences with a valid checksum, a known talker and type, and fields that decode. */
  good: number;
  badChecksum: number;
  /** Sentences without `*hh` while checksums are required. */
  missingChecksum: number;
  /** Truncated lines, non-printable bytes, bad checksum syntax, fields that do not decode. */
  malformed: number;
  /** Valid sentences of a talker or type we do not parse (TXT, GLL, proprietary `$P...`). */
  unknown: number;
  /** Lines longer than maxLineLength (dropped). */
  overlong: number;
  /** Bytes outside any `$...` line (noise, other protocols); CR and LF are not counted. */
  noiseBytes: number;
}

export type LineResult =
  | { kind: 'sentence'; sentence: NmeaSentence }
  | { kind: 'bad-checksum'; expected: number; actual: number }
  | { kind: 'missing-checksum' }
  | { kind: 'malformed'; reason: string }
  | { kind: 'unknown'; address: string };

const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;

const talkers: ReadonlySet<string> = new Set(KNOWN_TALKERS);
const sentenceTypes: ReadonlySet<string> = new Set(KNOWN_SENTENCES);

/** XOR of every character of `body` (the text between `$` and `*`). */
export function nmeaChecksum(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i) & 0xff;
  return sum;
}

/** Appends `*hh` and the leading `$` to a sentence body: `withChecksum('GPGGA,...')`. */
export function withChecksum(body: string): string {
  return `$${body}*${nmeaChecksum(body).toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Parses one line: starts with `$`, no CR/LF. Never throws. */
export function parseNmeaLine(line: string, options: NmeaParserOptions = {}): LineResult {
  const requireChecksum = options.requireChecksum ?? true;
  if (line.charCodeAt(0) !== DOLLAR) return { kind: 'malformed', reason: 'does not start with $' };
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return { kind: 'malformed', reason: 'non-printable byte' };
  }
  const star = line.lastIndexOf('*');
  let body: string;
  if (star < 0) {
    if (requireChecksum) return { kind: 'missing-checksum' };
    body = line.slice(1);
  } else {
    const hex = line.slice(star + 1);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { kind: 'malformed', reason: 'bad checksum field' };
    body = line.slice(1, star);
    const expected = parseInt(hex, 16);
    const actual = nmeaChecksum(body);
    if (expected !== actual) return { kind: 'bad-checksum', expected, actual };
  }
  if (body.includes('*')) return { kind: 'malformed', reason: 'stray *' };
  const fields = body.split(',');
  const address = fields.shift() ?? '';
  if (!/^[A-Z0-9]{3,6}$/.test(address)) return { kind: 'malformed', reason: 'bad address field' };
  if (address.length !== 5) return { kind: 'unknown', address };
  const talker = address.slice(0, 2);
  const type = address.slice(2);
  if (!talkers.has(talker) || !sentenceTypes.has(type)) return { kind: 'unknown', address };
  const decoded = decodeSentence(type as SentenceType, talker as Talker, fields);
  return decoded.ok ? { kind: 'sentence', sentence: decoded.sentence } : { kind: 'malformed', reason: `${address}: ${decoded.reason}` };
}

export function emptyNmeaCounters(): NmeaCounters {
  return { good: 0, badChecksum: 0, missingChecksum: 0, malformed: 0, unknown: 0, overlong: 0, noiseBytes: 0 };
}

/** Incremental parser: feed chunks with push(); each call returns the sentences it completed. */
export class NmeaParser {
  private readonly options: Required<NmeaParserOptions>;
  private readonly line: Buffer;
  private length = 0;
  private inLine = false;
  private overflow = false;
  private readonly count: NmeaCounters = emptyNmeaCounters();

  constructor(options: NmeaParserOptions = {}) {
    const maxLineLength = options.maxLineLength ?? 200;
    if (!Number.isInteger(maxLineLength) || maxLineLength < 16) throw new RangeError('maxLineLength must be an integer ≥ 16');
    this.options = { requireChecksum: options.requireChecksum ?? true, maxLineLength };
    this.line = Buffer.alloc(maxLineLength);
  }

  /** A snapshot of the counters. */
  get counters(): NmeaCounters {
    return { ...this.count };
  }

  push(chunk: Uint8Array): NmeaSentence[] {
    const out: NmeaSentence[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (b === DOLLAR) {
        if (this.inLine && !this.overflow) this.count.malformed++; // truncated by a new sentence
        this.inLine = true;
        this.overflow = false;
        this.line[0] = b;
        this.length = 1;
      } else if (b === CR || b === LF) {
        if (this.inLine && !this.overflow) this.finishLine(out);
        this.inLine = false;
      } else if (!this.inLine) {
        this.count.noiseBytes++;
      } else if (!this.overflow) {
        if (this.length >= this.options.maxLineLength) {
          this.overflow = true;
          this.count.overlong++;
        } else {
          this.line[this.length++] = b;
        }
      }
    }
    return out;
  }

  /** Drops a partial line (after a reconnect, say); a dropped partial line counts as malformed. */
  reset(): void {
    if (this.inLine && !this.overflow) this.count.malformed++;
    this.inLine = false;
    this.overflow = false;
    this.length = 0;
  }

  private finishLine(out: NmeaSentence[]): void {
    const result = parseNmeaLine(this.line.toString('latin1', 0, this.length), this.options);
    switch (result.kind) {
      case 'sentence':
        this.count.good++;
        out.push(result.sentence);
        break;
      case 'bad-checksum':
        this.count.badChecksum++;
        break;
      case 'missing-checksum':
        this.count.missingChecksum++;
        break;
      case 'malformed':
        this.count.malformed++;
        break;
      case 'unknown':
        this.count.unknown++;
        break;
    }
  }
}
