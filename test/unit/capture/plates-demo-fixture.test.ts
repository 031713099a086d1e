/** The committed plates-demo fixture matches its generator's scene and the promised format. */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImageFolderSource } from '../../../src/capture/image-folder.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { packageRoot } from '../../../src/platform/paths.ts';
import { computeTruth, FPS, FRAME_COUNT, truthCsv } from '../../../scripts/fixtures/plate-scene.ts';

const fixtures = join(packageRoot, 'fixtures');
const video = join(fixtures, 'video', 'plates-demo.mp4');

describe('plates-demo fixture', () => {
  const truth = computeTruth();

  it('truth CSV is what the scene says', () => {
    expect(readFileSync(join(fixtures, 'video', 'plates-demo.truth.csv'), 'utf8')).toBe(truthCsv(truth));
    expect(truth.map((t) => t.plate)).toContain('6TRK902');
    for (const t of truth) expect(t.last_frame - t.first_frame + 1).toBeGreaterThanOrEqual(20);
  });

  it('video is small 1280x720 H.264 yuv420p at 10 fps with every frame of the scene', () => {
    expect(statSync(video).size).toBeLessThan(3 * 1024 * 1024);
    const out = execFileSync('ffprobe', [
      '-v', 'error', '-select_streams', 'v:0', '-count_packets',
      '-show_entries', 'stream=codec_name,pix_fmt,width,height,avg_frame_rate,nb_read_packets', '-of', 'json', video,
    ]).toString();
    expect(JSON.parse(out).streams[0]).toMatchObject({
      codec_name: 'h264',
      pix_fmt: 'yuv420p',
      width: 1280,
      height: 720,
      avg_frame_rate: `${FPS}/1`,
      nb_read_packets: String(FRAME_COUNT),
    });
  });

  it('stills decode as an image folder and name plates visible in their frame', async () => {
    const source = new ImageFolderSource(
      { type: 'image-folder', id: 'stills', path: join(fixtures, 'images'), replay: 'fast', fps: 1, loop: false },
      { clock: new ManualClock(0) },
    );
    let count = 0;
    for await (const f of source.frames()) {
      expect([f.width, f.height]).toEqual([1280, 720]);
      count++;
    }
    const rows = readFileSync(join(fixtures, 'images', 'truth.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('file,plate');
    const files = new Set<string>();
    for (const row of rows.slice(1)) {
      const [file = '', plate] = row.split(',');
      const frame = Number(/-f(\d+)\.jpg$/.exec(file)?.[1]);
      const t = truth.find((r) => r.plate === plate);
      expect(t, row).toBeDefined();
      expect(frame).toBeGreaterThanOrEqual(t!.first_frame);
      expect(frame).toBeLessThanOrEqual(t!.last_frame);
      files.add(file);
    }
    expect(files.size).toBe(count);
  });

  it('demo hot list lists 6TRK902 and two plates that are not in the video', () => {
    const lines = readFileSync(join(fixtures, 'hotlists', 'demo.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('plate,state,list,reason,case_number');
    expect(lines).toContain('6TRK902,CA,stolen-vehicle,Stolen vehicle report,26-004512');
    const others = lines.slice(1).map((l) => l.split(',')[0]).filter((p) => p !== '6TRK902');
    expect(others).toHaveLength(2);
    for (const p of others) expect(truth.map((t) => t.plate)).not.toContain(p);
  });
});
