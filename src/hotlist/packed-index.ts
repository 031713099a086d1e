/**
 * The imported lists' match index as a handful of typed arrays (pure data, no I/O).
 *
 * A million entries held as one JavaScript object each (plus their strings) gave V8's collector
 * millions of objects to mark and move: rebuilding beside the index in force stalled the event
 * loop for 160–270 ms. Here every entry is a row across columns (UTF-8 bytes with offsets for the
 * free-text fields, dictionary codes for state/list/source), and the canonical plate keys sit in
 * an open hash table of Int32 chains. The arrays live outside the JavaScript heap, so the
 * collector never walks them, and they can be built in a worker thread and transferred whole.
 * A HotlistEntry object is made only for an entry a read actually hits.
 */
import { canonCode } from './confusable.ts';
import type { HotlistEntry } from './types.ts';

/** A column of optional strings: entry i is bytes[offsets[i] .. offsets[i+1]) unless null. */
export interface StringColumn {
  bytes: Uint8Array;
  offsets: Uint32Array;
}

/** Dictionary code of a null state. */
export const NULL_CODE = 0xffff_ffff;

/** Bits of `nulls[i]`: which optional text fields of entry i are null. */
export const NULL_REASON = 1;
export const NULL_CASE = 2;
export const NULL_VEHICLE = 4;

/** Everything a packed index is made of: structured-clonable, the typed arrays transferable. */
export interface PackedParts {
  /** Whole-plate entries in the columns. */
  count: number;
  plate: StringColumn;
  id: StringColumn;
  reason: StringColumn;
  caseNumber: StringColumn;
  /** Vehicle description as JSON text. */
  vehicle: StringColumn;
  nulls: Uint8Array;
  /** Shared dictionary of state, list and source names (few distinct values). */
  dict: string[];
  state: Uint32Array;
  list: Uint32Array;
  source: Uint32Array;
  importedAt: Float64Array;
  /** Hash slot → first entry of its chain, -1 when empty; length a power of two. */
  slots: Int32Array;
  /** Entry → next entry of its chain, -1 at the end. */
  next: Int32Array;
  /** Wildcard entries of imported lists (rare), as objects. */
  patterns: HotlistEntry[];
}

/** FNV-1a over the canonical codes of the plate in bytes[start, end): the key of its hash slot. */
export function hashPlateBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ canonCode(bytes[i] as number), 0x01000193);
  return h >>> 0;
}

/** The same hash of a canonical key (a string already folded). */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Every typed array of `parts` (the transfer list when posting them from a worker). */
export function transferables(parts: PackedParts): ArrayBuffer[] {
  const cols = [parts.plate, parts.id, parts.reason, parts.caseNumber, parts.vehicle];
  const arrays = [...cols.flatMap((c) => [c.bytes, c.offsets]), parts.nulls, parts.state, parts.list, parts.source, parts.importedAt, parts.slots, parts.next];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

/** Reads entries out of packed parts. */
export class PackedEntries {
  private readonly p: PackedParts;
  private readonly text: Record<'plate' | 'id' | 'reason' | 'caseNumber' | 'vehicle', Buffer>;

  constructor(parts: PackedParts) {
    this.p = parts;
    const view = (c: StringColumn): Buffer => Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength);
    this.text = { plate: view(parts.plate), id: view(parts.id), reason: view(parts.reason), caseNumber: view(parts.caseNumber), vehicle: view(parts.vehicle) };
  }

  get count(): number {
    return this.p.count;
  }

  private str(col: 'plate' | 'id' | 'reason' | 'caseNumber' | 'vehicle', i: number): string {
    const o = this.p[col].offsets;
    return this.text[col].toString('utf8', o[i] as number, o[i + 1] as number);
  }

  /** Entry i as the object the matcher reports. */
  entry(i: number): HotlistEntry {
    const p = this.p;
    const nulls = p.nulls[i] as number;
    const state = p.state[i] as number;
    const e: HotlistEntry = {
      id: this.str('id', i),
      plate: this.str('plate', i),
      state: state === NULL_CODE ? null : (p.dict[state] as string),
      list: p.dict[p.list[i] as number] as string,
      reason: nulls & NULL_REASON ? null : this.str('reason', i),
      caseNumber: nulls & NULL_CASE ? null : this.str('caseNumber', i),
      source: p.dict[p.source[i] as number] as string,
      importedAt: p.importedAt[i] as number,
    };
    if (!(nulls & NULL_VEHICLE)) e.vehicle = JSON.parse(this.str('vehicle', i)) as HotlistEntry['vehicle'];
    return e;
  }

  /** True when entry i's plate, folded to its canonical form, is `key`. */
  private keyIs(i: number, key: string): boolean {
    const { bytes, offsets } = this.p.plate;
    const start = offsets[i] as number;
    if ((offsets[i + 1] as number) - start !== key.length) return false;
    for (let k = 0; k < key.length; k++) if (canonCode(bytes[start + k] as number) !== key.charCodeAt(k)) return false;
    return true;
  }

  /** The entries whose canonical plate is `key`, in the order they were added; undefined when none. */
  lookup(key: string): HotlistEntry[] | undefined {
    const { slots, next } = this.p;
    let out: HotlistEntry[] | undefined;
    // Chains are pushed at the head, so they run newest first: collect, then reverse.
    for (let i = slots[hashKey(key) & (slots.length - 1)] as number; i !== -1; i = next[i] as number) {
      if (this.keyIs(i, key)) (out ??= []).push(this.entry(i));
    }
    return out?.reverse();
  }
}
