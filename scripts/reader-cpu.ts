/**
 * The reader alone over a dataset's images: CPU time per image (all threads of the process,
 * median and p90), RSS once the reader is loaded and warmed up, and peak RSS, for each
 * reader.plateDetector choice: gating the text detector, off, or reading alone (docs/accuracy.md).
 *
 *   npx tsx scripts/reader-cpu.ts ../shared/datasets/openalpr-us-dev gate|off|only
 */
import { decodeImageFile } from '../src/capture/decode-image.ts';
import { loadDataset } from '../src/eval/dataset.ts';
import { createPlateReader, PLATE_DETECTOR_CHOICES, type PlateDetectorChoice } from '../src/ocr/reader.ts';

const [dir, gate = 'off'] = process.argv.slice(2);
if (!dir || !(PLATE_DETECTOR_CHOICES as readonly string[]).includes(gate)) throw new Error('usage: npx tsx scripts/reader-cpu.ts DATASET_DIR gate|off|only');
const reader = await createPlateReader({ detMaxSide: 1280, threads: 2, plateDetector: gate as PlateDetectorChoice });
const loaded = process.memoryUsage.rss();
const cpu: number[] = [];
let peak = 0;
for (const s of loadDataset(dir).samples) {
  const image = await decodeImageFile(s.image);
  const c0 = process.cpuUsage();
  await reader.read(image);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
  peak = Math.max(peak, process.memoryUsage.rss());
}
await reader.close();
cpu.sort((a, b) => a - b);
console.log(`${gate}: ${cpu.length} images, CPU ${cpu[cpu.length >> 1]!.toFixed(0)} ms median, ${cpu[Math.floor(cpu.length * 0.9)]!.toFixed(0)} ms p90; RSS ${(loaded / 2 ** 20).toFixed(0)} MB loaded, ${(peak / 2 ** 20).toFixed(0)} MB peak (decoding included)`);
