/**
 * Time-ordered unique ids (UUIDv7, RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter
 * seeded at random each millisecond (method 1, "fixed-length dedicated counter"), then 62 random
 * bits. Ids from one generator sort (as strings) in the order they were made, even within a
 * millisecond or when the clock steps back, so `ORDER BY id` is creation order.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../platform/clock.ts';

export type IdGenerator = () => string;

/** Formats a UUIDv7 from its parts (pure). `rand` supplies at least 8 bytes for rand_b. */
export function formatUuidV7(ms: number, counter: number, rand: Uint8Array): string {
  const b = new Uint8Array(16);
  let t = ms;
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256;
    t = Math.floor(t / 256);
  }
  b[6] = 0x70 | ((counter >> 8) & 0x0f);
  b[7] = counter & 0xff;
  b[8] = 0x80 | ((rand[0] ?? 0) & 0x3f);
  for (let i = 9; i < 16; i++) b[i] = rand[i - 8] ?? 0;
  const hex = Buffer.from(b).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The millisecond timestamp encoded in a UUIDv7. */
export function uuidV7Time(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

/** A generator of monotonically increasing UUIDv7 strings; one per process is enough. */
export function createIdGenerator(clock: Clock, random: (n: number) => Uint8Array = randomBytes): IdGenerator {
  let lastMs = -1;
  let counter = 0;
  return () => {
    let ms = Math.max(0, Math.floor(clock.now()));
    if (ms > lastMs) {
      // Top bit left clear so a millisecond has at least 2048 ids before it borrows the next.
      const seed = random(2);
      counter = (((seed[0] ?? 0) << 8) | (seed[1] ?? 0)) & 0x7ff;
      lastMs = ms;
    } else {
      ms = lastMs;
      counter++;
      if (counter > 0xfff) {
        lastMs++;
        ms = lastMs;
        counter = 0;
      }
    }
    return formatUuidV7(ms, counter, random(8));
  };
}
