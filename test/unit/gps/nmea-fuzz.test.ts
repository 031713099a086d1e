/**
 * Fuzz: random bytes, truncated and corrupted sentences, random chunking. Seeded, so a failure
 * reproduces. The parser must never throw, must account for every `$` it saw in exactly one
 * counter, must not depend on how the bytes were chunked, and must never turn a corrupted
 * sentence into a sentence that was not sent.
 */
import { describe, expect, it } from 'vitest';
import { FixAssembler, NmeaParser, type NmeaCounters, type NmeaSentence } from '../../../src/gps/nmea.ts';
import { generateDriveLog } from '../../../scripts/fixtures/gen-nmea.ts';
import { mulberry32 } from '../../../scripts/fixtures/prng.ts';


type Rand = () => number;
const randInt = (rand: Rand, n: number): number => Math.floor(rand() * n);

function randomChunks(rand: Rand, bytes: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const n = 1 + randInt(rand, rand() < 0.3 ? 4 : 120);
    chunks.push(bytes.subarray(at, at + n));
    at += n;
  }
  return chunks;
}

function run(chunks: Buffer[], maxLineLength = 120): { sentences: NmeaSentence[]; counters: NmeaCounters } {
  const parser = new NmeaParser({ maxLineLength });
  const assembler = new FixAssembler();
  const sentences: NmeaSentence[] = [];
  for (const c of chunks) {
    for (const s of parser.push(c)) {
      sentences.push(s);
      assembler.push(s, 0);
    }
  }
  assembler.flush();
  parser.reset();
  return { sentences, counters: parser.counters };
}

function lineTotal(c: NmeaCounters): number {
  return c.good + c.badChecksum + c.missingChecksum + c.malformed + c.unknown + c.overlong;
}

const dollars = (b: Buffer): number => b.reduce((n, x) => n + (x === 0x24 ? 1 : 0), 0);

describe('nmea fuzz', () => {
  const drive = generateDriveLog().bytes;
  const driveLines = drive.toString('latin1').split('\r\n');
  const validLines = driveLines.filter((l) => /^\$[A-Z]{5},[ -~]*\*[0-9A-F]{2}$/.test(l));
  const original = new Set(run([Buffer.from(validLines.map((l) => `${l}\r\n`).join(''), 'latin1')]).sentences.map((s) => JSON.stringify(s)));

  it('random bytes: never throws, every $ is counted once, chunking does not matter', () => {
    const rand = mulberry32(1);
    const totals = { badChecksum: 0, missingChecksum: 0, malformed: 0, overlong: 0, noiseBytes: 0 };
    for (let iter = 0; iter < 3000; iter++) {
      const len = randInt(rand, 600);
      const bytes = Buffer.alloc(len);
      // Bias towards NMEA's alphabet so that some lines get far into the parser.
      const alphabet = Buffer.from('$$$,,,,*\r\n0123456789ABCDEFGPNLAVTSM.-');
      for (let i = 0; i < len; i++) bytes[i] = rand() < 0.5 ? (alphabet[randInt(rand, alphabet.length)] as number) : randInt(rand, 256);
      const whole = run([bytes], 40 + randInt(rand, 200));
      const maxLen = 40 + randInt(rand, 200);
      const a = run([bytes], maxLen);
      const b = run(randomChunks(rand, bytes), maxLen);
      expect(b).toEqual(a);
      expect(lineTotal(a.counters)).toBe(dollars(bytes));
      expect(a.counters.noiseBytes).toBeLessThanOrEqual(len - dollars(bytes));
      expect(a.counters.good).toBe(a.sentences.length);
      expect(whole.counters.good).toBe(whole.sentences.length);
      for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += a.counters[key];
    }
    // The input did exercise every rejection path.
    for (const [key, n] of Object.entries(totals)) expect(n, key).toBeGreaterThan(0);
  });

  it('valid sentences survive any noise between them', () => {
    const rand = mulberry32(3);
    for (let iter = 0; iter < 1000; iter++) {
      const start = randInt(rand, validLines.length - 20);
      const picked = validLines.slice(start, start + 1 + randInt(rand, 20));
      const parts: Buffer[] = [];
      for (const line of picked) {
        const noise = Buffer.alloc(randInt(rand, 40));
        for (let i = 0; i < noise.length; i++) noise[i] = randInt(rand, 256);
        parts.push(noise, Buffer.from(`${line}${rand() < 0.5 ? '\r\n' : '\n'}`, 'latin1'));
      }
      const bytes = Buffer.concat(parts);
      const a = run(randomChunks(rand, bytes));
      expect(a.sentences.map((x) => JSON.stringify(x))).toEqual(run([Buffer.from(picked.map((l) => `${l}\r\n`).join(''), 'latin1')]).sentences.map((x) => JSON.stringify(x)));
      expect(lineTotal(a.counters)).toBe(dollars(bytes));
    }
  });

  it('corrupted and truncated real sentences: counted, and never a sentence that was not sent', () => {
    const rand = mulberry32(2);
    let rejected = 0;
    for (let iter = 0; iter < 3000; iter++) {
      const start = randInt(rand, validLines.length - 12);
      const lines: Buffer[] = validLines.slice(start, start + 1 + randInt(rand, 12)).map((l) => Buffer.from(`${l}\r\n`, 'latin1'));
      const k = randInt(rand, lines.length);
      const victim = lines[k] as Buffer;
      const pos = randInt(rand, victim.length - 2); // keep the victim's own line end
      switch (randInt(rand, 5)) {
        case 0: // flip one byte (never to another value that is the same)
          victim[pos] = ((victim[pos] as number) ^ (1 + randInt(rand, 255))) & 0xff;
          break;
        case 1: // drop one byte
          lines[k] = Buffer.concat([victim.subarray(0, pos), victim.subarray(pos + 1)]);
          break;
        case 2: // truncate, line end kept
          lines[k] = Buffer.concat([victim.subarray(0, Math.max(1, pos)), Buffer.from('\r\n')]);
          break;
        case 3: // truncate, next sentence follows directly
          lines[k] = victim.subarray(0, Math.max(1, pos));
          break;
        default: {
          // a burst of binary noise inside the line
          const noise = Buffer.alloc(1 + randInt(rand, 16));
          for (let i = 0; i < noise.length; i++) noise[i] = randInt(rand, 256);
          lines[k] = Buffer.concat([victim.subarray(0, pos + 1), noise, victim.subarray(pos + 1)]);
        }
      }
      const bytes = Buffer.concat(lines);
      const a = run([bytes]);
      expect(run(randomChunks(rand, bytes))).toEqual(a);
      expect(lineTotal(a.counters)).toBe(dollars(bytes));
      for (const s of a.sentences) expect(original.has(JSON.stringify(s)), JSON.stringify(s)).toBe(true);
      if (a.sentences.length < lines.length) rejected++;
    }
    // Nearly every corruption is caught (a flipped byte in a line end or noise without effect is not).
    expect(rejected).toBeGreaterThan(2500);
  });
});
