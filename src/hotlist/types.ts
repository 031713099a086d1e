/** Hot-list data shared by the parser, the repository, matching and alerts. */

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
}

/** A stored hot-list entry. */
export interface HotlistEntry {
  id: string;
  plate: string;
  state: string | null;
  list: string;
  reason: string | null;
  caseNumber: string | null;
  source: string;
  importedAt: number;
}

export type MatchRule = 'exact';

/** A hot-list entry a read matched, and the rule that matched it. */
export interface HotlistMatch {
  entry: HotlistEntry;
  rule: MatchRule;
}

/** A problem with one line of a hot-list file. */
export interface LineProblem {
  line: number;
  message: string;
}
