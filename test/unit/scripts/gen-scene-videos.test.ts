// Renders a synthetic still (a white "plate" on grey) with the real ffmpeg graph and checks
// that, frame by frame, the plate lands where scene-pan.ts says: this is what makes the truth
// CSV exact rather than estimated.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { renderScene } from '../../../scripts/fixtures/gen-scene-videos.ts';
import { OUT_H, OUT_W, planScene, type PanParams } from '../../../scripts/fixtures/scene-pan.ts';

const dir = mkdtempSync(join(tmpdir(), 'scene-video-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLATE = { x: 700, y: 300, w: 96, h: 48 };

async function still(path: string): Promise<void> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="720"><rect width="1280" height="720" fill="#404040"/><rect x="${PLATE.x}" y="${PLATE.y}" width="${PLATE.w}" height="${PLATE.h}" fill="#ffffff"/></svg>`;
  await sharp(Buffer.from(svg)).png().toFile(path);
}

/** Columns/rows of the bright plate in each decoded grey frame (undefined when none). */
function brightExtents(video: string, frames: number): ({ left: number; right: number; top: number; bottom: number } | undefined)[] {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', video, '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { maxBuffer: 64 * 1024 * 1024 });
  expect(raw.length).toBe(frames * OUT_W * OUT_H);
  const out = [];
  for (let f = 0; f < frames; f++) {
    let left = OUT_W;
    let right = -1;
    let top = OUT_H;
    let bottom = -1;
    const base = f * OUT_W * OUT_H;
    for (let y = 0; y < OUT_H; y++) {
      for (let x = 0; x < OUT_W; x++) {
        if (raw[base + y * OUT_W + x]! > 160) {
          left = Math.min(left, x);
          right = Math.max(right, x);
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
        }
      }
    }
    out.push(right < 0 ? undefined : { left, right: right + 1, top, bottom: bottom + 1 });
  }
  return out;
}

describe('renderScene', () => {
  for (const direction of [1, -1] as const) {
    it(`puts the plate where the plan says, frame by frame (direction ${direction})`, async () => {
      const image = join(dir, 'still.png');
      await still(image);
      const frames = 24;
      const pan: PanParams = {
        frames,
        direction,
        enterVisible: 0.4,
        exitVisible: 0.3,
        zoomEnd: 1.08,
        yOffset: 0.02,
        yDrift: 20,
        shake: Array.from({ length: frames }, (_, i) => (i % 3) - 1),
      };
      const plan = planScene({ width: 1280, height: 720 }, PLATE, pan, { blurX: 1, blurY: 0.5, noise: 0, noiseSeed: 1, crf: 20 });
      const video = join(dir, `pan${direction}.mp4`);
      await renderScene(image, plan, video, { clean: true });
      const seen = brightExtents(video, frames);
      for (let f = 0; f < frames; f++) {
        const want = plan.plateBoxes[f]!;
        const got = seen[f];
        expect(got, `frame ${f}`).toBeDefined();
        // Edges that are inside the frame sit within about a pixel of the plan.
        if (want.x > 0) expect(Math.abs(got!.left - want.x), `frame ${f} left`).toBeLessThanOrEqual(1.5);
        if (want.x + want.w < OUT_W) expect(Math.abs(got!.right - (want.x + want.w)), `frame ${f} right`).toBeLessThanOrEqual(1.5);
        expect(Math.abs(got!.top - want.y), `frame ${f} top`).toBeLessThanOrEqual(1.5);
        expect(Math.abs(got!.bottom - (want.y + want.h)), `frame ${f} bottom`).toBeLessThanOrEqual(1.5);
        // Outside the truth range the plate is cut by the frame edge.
        const whole = f >= plan.visible!.first && f <= plan.visible!.last;
        const cut = got!.left === 0 || got!.right === OUT_W;
        expect(cut, `frame ${f} cut`).toBe(!whole);
      }
    });
  }
});
