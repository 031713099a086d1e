/**
 * Tethered cameras through the real Debian gphoto2 command and its fake camera, "Directory
 * Browse" on a `disk:` port: pictures dropped into the folder are what a camera that shoots
 * on its own trigger puts on its card. Taking the folder away is unplugging the camera.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Gphoto2Source, type Gphoto2Camera } from '../../src/capture/gphoto2.ts';
import { isAlprError } from '../../src/errors.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { liveChildrenMentioning, tempDir } from '../unit/capture/capture-test-inputs.ts';
import { makeJpegs } from '../unit/capture/fake-cameras.ts';
import { describeLiveSourceContract } from '../unit/capture/live-source-contract.ts';

// The Debian package is part of the appliance (scripts/provision.sh) and of the test machine.
execFileSync('gphoto2', ['--version'], { stdio: 'ignore' });

const reconnect = { initialMs: 100, maxMs: 400 };
const root = tempDir('gphoto2');
const card = join(root, 'card');
mkdirSync(join(card, 'DCIM', '100CANON'), { recursive: true });

const camera = (overrides: Partial<Gphoto2Camera> = {}): Gphoto2Camera => ({
  type: 'gphoto2',
  id: 'dslr',
  model: 'Directory Browse',
  port: `disk:${card}`,
  mode: 'new-files',
  intervalMs: 200,
  deleteAfterDownload: true,
  reconnect,
  stallTimeoutMs: 10_000,
  ...overrides,
});

let shooter: NodeJS.Timeout | undefined;
describeLiveSourceContract({
  name: 'Gphoto2Source new-files (Directory Browse fake camera, shooting every 300 ms)',
  setup: async () => {
    const jpegs = await makeJpegs(6);
    let n = 0;
    shooter = setInterval(() => {
      try {
        writeFileSync(join(card, 'DCIM', '100CANON', `IMG_${String(n).padStart(4, '0')}.JPG`), jpegs[n % jpegs.length]!);
        n++;
      } catch {
        // unplugged
      }
    }, 300);
  },
  teardown: () => {
    clearInterval(shooter);
    return Promise.resolve();
  },
  expected: () => ({ width: 160, height: 120 }),
  make: (deps) => new Gphoto2Source(camera(), deps),
  interrupt: () => {
    renameSync(card, `${card}.unplugged`);
    return Promise.resolve();
  },
  restore: () => {
    renameSync(`${card}.unplugged`, card);
    return Promise.resolve();
  },
  liveProcesses: () => liveChildrenMentioning(card),
  // Each picture costs a gphoto2 run; on a loaded machine that is about one a second.
  slowConsumerMs: 3_000,
});

describe('Gphoto2Source', () => {
  it('deletes downloaded pictures from the card when asked, so it never fills', async () => {
    const ac = new AbortController();
    const source = new Gphoto2Source(camera(), { clock: systemClock });
    const folder = join(card, 'DCIM', '100CANON');
    const it = source.frames(ac.signal)[Symbol.asyncIterator]();
    const first = it.next();
    await vi.waitFor(() => expect(source.status.state).toBe('streaming'), { timeout: 15_000 });
    const [jpeg] = await makeJpegs(1);
    writeFileSync(join(folder, 'IMG_9000.JPG'), jpeg!);
    expect((await first).done).toBe(false);
    await vi.waitFor(() => expect(readdirSync(folder)).not.toContain('IMG_9000.JPG'), { timeout: 15_000 });
    ac.abort();
    expect((await it.next()).done).toBe(true);
  });

  it("a camera that cannot do the asked mode reports gphoto2's reason and keeps retrying", async () => {
    for (const mode of ['capture', 'liveview'] as const) {
      const ac = new AbortController();
      const source = new Gphoto2Source(camera({ mode }), { clock: systemClock, random: () => 0.5 });
      const done = (async () => {
        for await (const _ of source.frames(ac.signal)) throw new Error('the fake camera cannot capture');
      })();
      await vi.waitFor(() => expect(source.status.failures).toBeGreaterThanOrEqual(2), { timeout: 15_000 });
      expect(source.status.lastError).toMatch(/can ?not capture|Unsupported operation|no decodable picture|capture-movie/i);
      ac.abort();
      await done;
      expect(liveChildrenMentioning(card)).toEqual([]);
    }
  });

  it('a missing gphoto2 program is SOURCE_FAILED at once', async () => {
    const source = new Gphoto2Source(camera(), { clock: systemClock, gphoto2Path: join(root, 'no-gphoto2') });
    const err = await (async () => {
      for await (const _ of source.frames()) return undefined;
      return undefined;
    })().catch((e: unknown) => e);
    expect(isAlprError(err, 'SOURCE_FAILED')).toBe(true);
    expect((err as Error).message).toContain('no-gphoto2');
  });
});
