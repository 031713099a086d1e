import { describe, expect, it } from 'vitest';
import { CameraPipeline, type PassDecision } from '../../../src/app/camera-pipeline.ts';
import type { Frame, FrameSource } from '../../../src/capture/frame.ts';
import { FrameMotionGate } from '../../../src/motion/frame-motion.ts';
import type { PlateRead, PlateReader, RgbImage } from '../../../src/ocr/types.ts';
import { silentLogger } from '../../../src/platform/logger.ts';
import { defaultPlateGateOptions } from '../../../src/track/plate-gate.ts';
import { roiFromConfig } from '../../../src/track/roi.ts';
import { PlateTracker, sequentialIds } from '../../../src/track/tracker.ts';

const W = 320;
const H = 180;

/** Frames 100 ms apart; `vehicleX[i]` places a bright block (the vehicle) or leaves the road empty. */
function source(vehicleX: (number | undefined)[]): FrameSource {
  return {
    id: 'cam',
    async *frames() {
      for (const [index, x] of vehicleX.entries()) {
        const data = Buffer.alloc(W * H * 3, 80);
        if (x !== undefined) for (let y = 100; y < 170; y++) data.fill(230, (y * W + x) * 3, (y * W + x + 80) * 3);
        yield { cameraId: 'cam', index, capturedAt: 1_000_000 + index * 100, width: W, height: H, data } satisfies Frame;
      }
    },
  };
}

/** Reads the plate on the vehicle, the state name above it, and a shop sign high in the picture. */
function reader(vehicleX: (number | undefined)[], readFrames: number[]): PlateReader {
  return {
    async read(image: RgbImage): Promise<PlateRead[]> {
      const index = (image as Frame).index;
      readFrames.push(index);
      const x = vehicleX[index];
      const sign: PlateRead = { text: 'OPEN24H7', confidence: 0.95, box: { x: 100, y: 10, w: 80, h: 20 }, candidates: [] };
      if (x === undefined) return [sign];
      return [
        { text: 'ABC1234', confidence: 0.9, box: { x: x + 10, y: 140, w: 60, h: 20 }, candidates: [] },
        { text: 'TEXAS', confidence: 0.95, box: { x: x + 20, y: 122, w: 40, h: 12 }, candidates: [] },
        sign,
      ];
    },
    close: async () => undefined,
  };
}

async function run(vehicleX: (number | undefined)[], withMotion: boolean) {
  const readFrames: number[] = [];
  const ended: string[] = [];
  const notPlate: string[] = [];
  const roi = roiFromConfig({ polygon: [[0, 0.4], [1, 0.4], [1, 1], [0, 1]] }); // the road, not the shop front
  const pipeline = new CameraPipeline(
    source(vehicleX),
    reader(vehicleX, readFrames),
    new PlateTracker(sequentialIds(), { maxGapMs: 1000, minFrames: 2, plateGate: defaultPlateGateOptions }),
    {
      passEnded: async (p: PassDecision) => void ended.push(p.track.vote.text),
      passNotPlate: async (p: PassDecision, reason: string) => void notPlate.push(`${p.track.vote.text} ${reason}`),
    },
    {
      minConfidence: 0.5,
      cropMargin: 0.1,
      queuePolicy: 'block',
      queueCapacity: 2,
      roi,
      ...(withMotion ? { motion: new FrameMotionGate({ threshold: 0.005, pixelDelta: 20, maxSkipMs: 1000, thumbWidth: 80 }, roi) } : {}),
    },
    silentLogger(),
  );
  pipeline.start();
  await pipeline.done;
  return { readFrames, ended, notPlate, stats: pipeline.stats };
}

describe('CameraPipeline with ROI, plate gate and motion gating', () => {
  // Empty road, a vehicle drives in and parks for 1.5 s, then the road is empty for 1.5 s.
  const xs: (number | undefined)[] = [undefined, undefined, 0, 40, 80, 120, ...Array(15).fill(120), ...Array(15).fill(undefined)];

  it('stores the plate once, drops the state name as not a plate and never sees the sign outside the ROI', async () => {
    const r = await run(xs, false);
    expect(r.ended).toEqual(['ABC1234']);
    expect(r.notPlate).toEqual(['TEXAS few-plate-frames']);
    expect(r.stats).toMatchObject({ frames: xs.length, skipped: 0, passes: 1, notPlate: 1 });
  });

  it('with motion gating reads the moving frames, the parked vehicle once per maxSkipMs, and gives the same decision', async () => {
    const r = await run(xs, true);
    expect(r.ended).toEqual(['ABC1234']);
    // 0: first frame; 2-5: driving in; 15: 1000 ms after frame 5 (parked); 21: the vehicle left; 31: 1000 ms later.
    expect(r.readFrames).toEqual([0, 2, 3, 4, 5, 15, 21, 31]);
    expect(r.stats.skipped).toBe(xs.length - r.readFrames.length);
  });
});

describe('CameraPipeline reading only the region of interest (roiCrop)', () => {
  it('hands the reader the region window and maps its boxes back to the frame', async () => {
    const xs = [undefined, 0, 40, 80, 120, undefined, undefined];
    const seen: { width: number; height: number; plateRow: number; scene?: { width: number; height: number } }[] = [];
    const boxes: { x: number; y: number }[] = [];
    const roi = roiFromConfig({ polygon: [[0, 0.4], [1, 0.4], [1, 1], [0, 1]] });
    const cropReader: PlateReader = {
      async read(image: RgbImage): Promise<PlateRead[]> {
        // The vehicle's top edge (row 100 of the frame) is bright: find it in what the reader got.
        let plateRow = -1;
        for (let y = 0; y < image.height && plateRow < 0; y++) if ((image.data as Buffer).subarray(y * image.width * 3, (y + 1) * image.width * 3).includes(230)) plateRow = y;
        seen.push({ width: image.width, height: image.height, plateRow, ...(image.sceneSize ? { scene: image.sceneSize } : {}) });
        const x = xs[(image as Frame).index];
        return x === undefined ? [] : [{ text: 'ABC1234', confidence: 0.9, box: { x: x + 10, y: plateRow + 40, w: 60, h: 20 }, candidates: [] }];
      },
      close: async () => undefined,
    };
    const pipeline = new CameraPipeline(
      source(xs),
      cropReader,
      new PlateTracker(sequentialIds(), { maxGapMs: 1000, minFrames: 2 }),
      { passEnded: async (p: PassDecision) => void boxes.push(...[p.track.best.box].map((b) => ({ x: b.x, y: b.y }))) },
      { minConfidence: 0.5, cropMargin: 0.1, queuePolicy: 'block', queueCapacity: 2, roi, roiCrop: true },
      silentLogger(),
    );
    pipeline.start();
    await pipeline.done;
    // Rows 61..179 of the 180: the region starts at 0.4 of the height, widened by 0.06.
    expect(seen.every((s) => s.width === W && s.height === H - 61 && s.scene?.width === W && s.scene.height === H)).toBe(true);
    expect(seen.filter((s) => s.plateRow >= 0).map((s) => s.plateRow)).toEqual([39, 39, 39, 39]);
    expect(boxes).toHaveLength(1);
    expect(boxes[0]?.y).toBe(140); // back in frame coordinates: 61 + 39 + 40
  });
});
