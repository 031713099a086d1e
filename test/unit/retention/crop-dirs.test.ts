import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { emptyTrash, TRASH_DIR, trashName, trashOrigin } from '../../../src/retention/crop-dirs.ts';
import { nodeRetentionFs } from '../../../src/retention/files.ts';
import { PurgeStore } from '../../../src/retention/purge-store.ts';
import { cropHourDir } from '../../../src/store/crops.ts';
import { DAY, JPEG, openStore, T0, tempDataDir, type Store } from './helpers.ts';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = tempDataDir();
  store = openStore(dir, new ManualClock(T0 - 40 * DAY));
});
afterEach(() => {
  store.db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('trash names', () => {
  it('keep the hour folder they were, and nothing else parses as one', () => {
    const name = trashName('crops/2025-03-01/13');
    expect(name).toMatch(/^2025-03-01T13\.[0-9a-f]{8}$/);
    expect(trashOrigin(name)).toBe('crops/2025-03-01/13');
    for (const n of ['2025-02-30T13.ab', '2025-03-01T13', 'held', '..', '2025-03-01T13.xyz']) expect(trashOrigin(n)).toBeNull();
  });
});

describe('emptyTrash', () => {
  it('puts back a crop a row still names (a read that committed after its folder moved), deletes the rest', async () => {
    const t = T0 - 31 * DAY;
    const a = await store.addRead(t);
    const b = await store.addRead(t + 1000);
    const hour = cropHourDir(t);
    // The folder went to the trash while row `b` still named a file in it (the race the header describes).
    store.db.prepare('DELETE FROM detections WHERE id = ?').run(a.id);
    mkdirSync(join(dir, ...TRASH_DIR.split('/')), { recursive: true });
    renameSync(join(dir, ...hour.split('/')), join(dir, ...TRASH_DIR.split('/'), trashName(hour)));

    let counted = 0;
    const r = await emptyTrash(
      { fs: nodeRetentionFs, dataDir: dir, store: new PurgeStore(store.db), concurrency: 2, chunk: 10, yieldToLoop: async () => undefined, stopping: () => false },
      (n) => (counted += n),
    );
    expect(r).toMatchObject({ dirsEmptied: 1, filesDeleted: 1, failed: [] });
    expect(counted).toBe(1);
    expect(readFileSync(join(dir, ...(b.cropPath as string).split('/')))).toEqual(JPEG);
    expect(existsSync(join(dir, ...(a.cropPath as string).split('/')))).toBe(false);
    expect(readdirSync(join(dir, ...TRASH_DIR.split('/')))).toEqual([]);
  });
});
