/** Shared builders for the alerts tests (not a test file). */
import type { HotlistEntry, HotlistMatch } from '../../../src/hotlist/types.ts';
import type { PlateRead } from '../../../src/ocr/types.ts';

export function plateRead(text = 'ABC123'): PlateRead {
  return {
    text,
    confidence: 0.93,
    box: { x: 10, y: 20, w: 120, h: 30 },
    candidates: [
      { text, confidence: 0.93 },
      { text: 'A8C123', confidence: 0.41 },
    ],
  };
}

export function entry(overrides: Partial<HotlistEntry> = {}): HotlistEntry {
  return {
    id: 'entry-1',
    plate: 'ABC123',
    state: 'CA',
    list: 'stolen',
    reason: 'Stolen vehicle',
    caseNumber: 'C-42',
    source: 'test',
    importedAt: 0,
    ...overrides,
  };
}

export function exact(e: HotlistEntry): HotlistMatch {
  return { entry: e, rule: 'exact' };
}
