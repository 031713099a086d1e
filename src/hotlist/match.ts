/** Hot-list matching of a read plate. */
import type { HotlistRepo } from './repo.ts';
import type { HotlistMatch } from './types.ts';

/** Entries whose plate is exactly the read's normalised plate. */
export function matchExact(repo: HotlistRepo, plate: string): HotlistMatch[] {
  return repo.findExact(plate).map((entry) => ({ entry, rule: 'exact' as const }));
}
