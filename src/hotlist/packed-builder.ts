/**
 * Builds PackedParts (packed-index.ts) from hot-list rows, one row at a time (pure: rows in,
 * typed arrays out). Runs in the index worker for a rebuild and on the main thread at start-up.
 */
import { NULL_CASE, NULL_CODE, NULL_REASON, NULL_VEHICLE, hashPlateBytes, type PackedParts, type StringColumn } from './packed-index.ts';
import { isPattern } from './pattern.ts';
import type { EntryRow } from './repo.ts';
import type { HotlistEntry } from './types.ts';

/** A hot-list row as stored, less its list version (the builder reads one version per source). */
export type PackedRow = Omit<EntryRow, 'list_version'>;

const encoder = new TextEncoder();

/** A growing UTF-8 string column. */
class ColumnBuilder {
  private bytes: Uint8Array;
  private offsets: Uint32Array;
  private used = 0;
  private n = 0;

  constructor(expected: number, bytesEach: number) {
    this.bytes = new Uint8Array(Math.max(64, expected * bytesEach));
    this.offsets = new Uint32Array(Math.max(16, expected + 1));
  }

  push(s: string | null): void {
    if (this.n + 2 > this.offsets.length) {
      const grown = new Uint32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    if (s !== null && s.length > 0) {
      // UTF-8 takes at most 3 bytes per UTF-16 unit.
      if (this.used + s.length * 3 > this.bytes.length) {
        const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.used + s.length * 3));
        grown.set(this.bytes.subarray(0, this.used));
        this.bytes = grown;
      }
      this.used += encoder.encodeInto(s, this.bytes.subarray(this.used)).written;
    }
    this.offsets[++this.n] = this.used;
  }

  /** Hash slot key of the last pushed string (a plate). */
  hashOfLast(): number {
    return hashPlateBytes(this.bytes, this.offsets[this.n - 1] as number, this.offsets[this.n] as number);
  }

  /** Exact-size copies (the spare capacity is not transferred). */
  finish(): StringColumn {
    return { bytes: this.bytes.slice(0, this.used), offsets: this.offsets.slice(0, this.n + 1) };
  }
}

function grow<T extends Uint32Array | Uint8Array | Float64Array | Int32Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const grown = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  grown.set(a);
  return grown;
}

export class PackedBuilder {
  private n = 0;
  private readonly plate: ColumnBuilder;
  private readonly id: ColumnBuilder;
  private readonly reason: ColumnBuilder;
  private readonly caseNumber: ColumnBuilder;
  private readonly vehicle: ColumnBuilder;
  private nulls: Uint8Array;
  private state: Uint32Array;
  private list: Uint32Array;
  private source: Uint32Array;
  private importedAt: Float64Array;
  private hashes: Uint32Array;
  private readonly dict: string[] = [];
  private readonly codes = new Map<string, number>();
  private readonly patterns: HotlistEntry[] = [];

  /** `expected`: rows likely to come (sizes the first allocation; more may come). */
  constructor(expected = 1_024) {
    const n = Math.max(16, expected);
    this.plate = new ColumnBuilder(n, 8);
    this.id = new ColumnBuilder(n, 24);
    this.reason = new ColumnBuilder(n, 16);
    this.caseNumber = new ColumnBuilder(n, 12);
    this.vehicle = new ColumnBuilder(n, 8);
    this.nulls = new Uint8Array(n);
    this.state = new Uint32Array(n);
    this.list = new Uint32Array(n);
    this.source = new Uint32Array(n);
    this.importedAt = new Float64Array(n);
    this.hashes = new Uint32Array(n);
  }

  private code(s: string): number {
    let c = this.codes.get(s);
    if (c === undefined) {
      c = this.dict.length;
      this.dict.push(s);
      this.codes.set(s, c);
    }
    return c;
  }

  add(r: PackedRow): void {
    if (isPattern(r.plate)) {
      const e: HotlistEntry = { id: r.id, plate: r.plate, state: r.state, list: r.list, reason: r.reason, caseNumber: r.case_number, source: r.source, importedAt: r.imported_at };
      if (r.vehicle !== null) e.vehicle = JSON.parse(r.vehicle) as HotlistEntry['vehicle'];
      this.patterns.push(e);
      return;
    }
    const i = this.n++;
    if (i >= this.nulls.length) {
      const need = i + 1;
      this.nulls = grow(this.nulls, need);
      this.state = grow(this.state, need);
      this.list = grow(this.list, need);
      this.source = grow(this.source, need);
      this.importedAt = grow(this.importedAt, need);
      this.hashes = grow(this.hashes, need);
    }
    this.plate.push(r.plate);
    this.hashes[i] = this.plate.hashOfLast();
    this.id.push(r.id);
    this.reason.push(r.reason);
    this.caseNumber.push(r.case_number);
    this.vehicle.push(r.vehicle);
    this.nulls[i] = (r.reason === null ? NULL_REASON : 0) | (r.case_number === null ? NULL_CASE : 0) | (r.vehicle === null ? NULL_VEHICLE : 0);
    this.state[i] = r.state === null ? NULL_CODE : this.code(r.state);
    this.list[i] = this.code(r.list);
    this.source[i] = this.code(r.source);
    this.importedAt[i] = r.imported_at;
  }

  finish(): PackedParts {
    const n = this.n;
    let size = 16;
    while (size < n * 2) size *= 2;
    const slots = new Int32Array(size).fill(-1);
    const next = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const s = (this.hashes[i] as number) & (size - 1);
      next[i] = slots[s] as number;
      slots[s] = i;
    }
    return {
      count: n,
      plate: this.plate.finish(),
      id: this.id.finish(),
      reason: this.reason.finish(),
      caseNumber: this.caseNumber.finish(),
      vehicle: this.vehicle.finish(),
      nulls: this.nulls.slice(0, n),
      dict: this.dict,
      state: this.state.slice(0, n),
      list: this.list.slice(0, n),
      source: this.source.slice(0, n),
      importedAt: this.importedAt.slice(0, n),
      slots,
      next,
      patterns: this.patterns,
    };
  }
}
