/**
 * The plate detector alone on an OpenALPR-layout dataset: share of images whose truth box is hit
 * (IoU >= 0.3 or its centre inside a detected box) at several thresholds, detections per image,
 * and wall time per image (docs/accuracy.md).
 *
 *   npx tsx scripts/eval-plate-detector.ts ../shared/datasets/openalpr-us-dev [models/plate-det.onnx]
 */
import { decodeImageFile } from '../src/capture/decode-image.ts';
import { createPlateDetector } from '../src/detect/plate-detector.ts';
import { loadDataset } from '../src/eval/dataset.ts';
import { boxFinds } from '../src/eval/metrics.ts';

const [dir, model = 'models/plate-det.onnx'] = process.argv.slice(2);
if (!dir) throw new Error('usage: npx tsx scripts/eval-plate-detector.ts DATASET_DIR [MODEL]');
const samples = loadDataset(dir).samples.filter((s) => s.box);
const det = await createPlateDetector(model, { longSide: 512, threads: 2, threshold: 0.1, maxPlates: 8 });
const thresholds = [0.1, 0.2, 0.3, 0.4, 0.5];
const hits = thresholds.map(() => 0);
const peaks = thresholds.map(() => 0);
const ms: number[] = [];
for (const s of samples) {
  const image = await decodeImageFile(s.image);
  const t0 = performance.now();
  const found = await det.detect(image);
  ms.push(performance.now() - t0);
  thresholds.forEach((t, i) => {
    const kept = found.filter((p) => p.score >= t).slice(0, 4);
    peaks[i]! += kept.length;
    if (kept.some((p) => boxFinds(p.box, s.box!))) hits[i]!++;
  });
}
await det.close();
ms.sort((a, b) => a - b);
const n = samples.length;
thresholds.forEach((t, i) => console.log(`threshold ${t}: recall ${(hits[i]! / n).toFixed(3)}, detections per image ${(peaks[i]! / n).toFixed(2)} (at most 4)`));
console.log(`${n} images: ${ms[n >> 1]!.toFixed(1)} ms median, ${ms[Math.floor(n * 0.9)]!.toFixed(1)} ms p90 (wall, 2 threads)`);
