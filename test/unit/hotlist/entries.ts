/** Builders for the hot-list tests (not a test file). */
import type { HotlistEntry } from '../../../src/hotlist/types.ts';

let n = 0;
export function hotEntry(plate: string, overrides: Partial<HotlistEntry> = {}): HotlistEntry {
  n++;
  return {
    id: `e${n}`,
    plate,
    state: null,
    list: 'stolen',
    reason: 'Stolen vehicle',
    caseNumber: `C-${n}`,
    source: 'feed',
    importedAt: 0,
    ...overrides,
  };
}
