/** Hot-list data shared by the parsers, the repositories, matching and alerts. */

/** What a list says about the vehicle (NCIC and DOJ extracts carry it; CSV/JSON may). */
export interface VehicleDescription {
  year: number | null;
  make: string | null;
  model: string | null;
  colour: string | null;
  /** Free text (local entries: what the officer saw). */
  description?: string | null;
}

/** One hot-list line as parsed from a file, before it is stored. */
export interface HotlistRecord {
  /** Line of the file the record starts on (1-based). */
  line: number;
  /** Normalised A-Z0-9. */
  plate: string;
  /** Upper-case state/province code, or null when the entry applies to any state. */
  state: string | null;
  list: string;
  reason: string | null;
  caseNumber: string | null;
  /** Vehicle details when the format carries them. */
  vehicle?: VehicleDescription | null;
}

/** A stored hot-list entry (imported, or an approved local entry). */
export interface HotlistEntry {
  id: string;
  /** Normalised A-Z0-9; local entries may hold the wildcards `*` (any run) and `?` (one character). */
  plate: string;
  state: string | null;
  list: string;
  reason: string | null;
  caseNumber: string | null;
  /** The list (feed, file or "local") the entry belongs to. */
  source: string;
  importedAt: number;
  vehicle?: VehicleDescription | null;
  /** Local entries: the entry stops matching at this time (ms since the epoch). */
  expiresAt?: number | null;
}

/**
 * exact: the entry's plate equals the text that matched;
 * confusable: equal once OCR-confusable characters (0/O/D/Q, 1/I/L, 8/B, 5/S, 2/Z, 6/G) are folded;
 * partial: a wildcard/partial entry (`*`, `?`) matched, possibly with confusable characters.
 */
export type MatchRule = 'exact' | 'confusable' | 'partial';

/** One character that differed between the read and the entry but is an OCR confusion. */
export interface CharSwap {
  /** 0-based position in the matched text. */
  at: number;
  /** The character that was read. */
  read: string;
  /** The entry's character at that place. */
  entry: string;
}

/** A hot-list entry a read matched, and how. */
export interface HotlistMatch {
  entry: HotlistEntry;
  rule: MatchRule;
  /** The text that matched: the read itself, or one of the recogniser's alternatives. */
  matchedText?: string;
  /** Confusable characters swapped to make the match (empty for exact). */
  swaps?: CharSwap[];
  /** True when the entry's list was older than its configured maximum age at match time. */
  stale?: boolean;
}

/** A problem with one line of a hot-list file. */
export interface LineProblem {
  line: number;
  message: string;
}

/** What every format parser returns (pure). */
export interface ParseResult {
  entries: HotlistRecord[];
  errors: LineProblem[];
  /** Not errors: e.g. lines skipped because an identical plate/state/list came earlier. */
  warnings: LineProblem[];
  /** True when the file as a whole cannot be trusted (bad header/footer, wrong count, not JSON). */
  fatal: boolean;
}
