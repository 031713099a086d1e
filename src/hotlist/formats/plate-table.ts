/**
 * Plate → integer table for de-duplicating a million-line list (pure data structure). A Map with
 * a million string keys costs about a second of CPU and garbage collection here; a normalised
 * plate of up to 10 characters (A-Z0-9) fits exactly in a double as a base-37 number, so most
 * plates go into an open-addressing table held in two typed arrays, which the garbage collector
 * never scans. Longer plates use an ordinary Map.
 */

const MAX_CODED_CHARS = 10; // 37^10 < 2^53: every such plate has its own exact code

/** The plate's base-37 code (digits 1-10, letters 11-36), or 0 when it cannot be coded. */
export function plateCode(plate: string): number {
  if (plate.length === 0 || plate.length > MAX_CODED_CHARS) return 0;
  let code = 0;
  for (let i = 0; i < plate.length; i++) {
    const c = plate.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 47;
    else if (c >= 65 && c <= 90) d = c - 54;
    else return 0;
    code = code * 37 + d;
  }
  return code;
}

function slotOf(code: number, mask: number): number {
  const lo = code >>> 0;
  const hi = Math.floor(code / 4_294_967_296) >>> 0;
  return (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> 0) & mask;
}

export class PlateTable {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  private used = 0;
  private readonly other = new Map<string, number>();

  constructor(capacity = 1024) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.keys = new Float64Array(size);
    this.values = new Int32Array(size);
    this.mask = size - 1;
  }

  get size(): number {
    return this.used + this.other.size;
  }

  /** The value stored for `plate`, or -1. */
  get(plate: string): number {
    const code = plateCode(plate);
    if (code === 0) return this.other.get(plate) ?? -1;
    for (let i = slotOf(code, this.mask); ; i = (i + 1) & this.mask) {
      const k = this.keys[i] as number;
      if (k === 0) return -1;
      if (k === code) return this.values[i] as number;
    }
  }

  /** Stores `value` (≥ 0) for `plate` when it has none; returns the value already there, or -1. */
  putIfAbsent(plate: string, value: number): number {
    const code = plateCode(plate);
    if (code === 0) {
      const there = this.other.get(plate);
      if (there !== undefined) return there;
      this.other.set(plate, value);
      return -1;
    }
    let i = slotOf(code, this.mask);
    for (; ; i = (i + 1) & this.mask) {
      const k = this.keys[i] as number;
      if (k === 0) break;
      if (k === code) return this.values[i] as number;
    }
    this.keys[i] = code;
    this.values[i] = value;
    if (++this.used * 2 > this.mask) this.grow();
    return -1;
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Float64Array(keys.length * 2);
    this.values = new Int32Array(keys.length * 2);
    this.mask = this.keys.length - 1;
    for (let j = 0; j < keys.length; j++) {
      const code = keys[j] as number;
      if (code === 0) continue;
      let i = slotOf(code, this.mask);
      while (this.keys[i] !== 0) i = (i + 1) & this.mask;
      this.keys[i] = code;
      this.values[i] = values[j] as number;
    }
  }
}
