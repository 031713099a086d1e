/**
 * Pure decoding of the plate detector's output (models/plate-det.onnx, trained by
 * scripts/train/train_detector.py): three planes at 1/8 of the input, plane 0 the probability
 * that a plate's centre lies in the cell, planes 1-2 log(width / 8) and log(height / 8) of that
 * plate in input pixels.
 */
import type { Box } from '../ocr/types.ts';
import { pointInBox } from './geometry.ts';

export const PLATE_MAP_STRIDE = 8;

export interface PlateMaps {
  /** 3 planes of rows x cols, plane-major. */
  data: Float32Array;
  rows: number;
  cols: number;
}

export interface DetectedPlate {
  /** In the pixels of the image that was read. */
  box: Box;
  /** The heat-map peak, 0..1: how much the region looks like a plate. */
  score: number;
  /**
   * A second box for the same plate, where the main scale saw it beyond its trained range and
   * the coarse scale saw it too: both scales' boxes united (plate-scales.ts). The reader may
   * read it as well and keep the better read.
   */
  alternative?: DetectedPlate;
}

export interface DecodeOptions {
  /** Peaks below this are not plates. */
  threshold: number;
  /** At most this many plates, best first. */
  maxPlates: number;
  /** Image pixels per input pixel, per axis (the image was scaled by 1/scale to the input). */
  scaleX: number;
  scaleY: number;
}

/**
 * Local maxima (3x3) of the heat map at or above the threshold, each turned into a box: the
 * centre refined by the heat-weighted mean of its 3x3 neighbourhood, the size read at the peak.
 * A peak whose centre falls inside a stronger plate's box is the same plate and is dropped.
 */
export function decodePlateMaps(maps: PlateMaps, opts: DecodeOptions): DetectedPlate[] {
  const { rows, cols, data } = maps;
  if (data.length !== 3 * rows * cols) throw new Error(`plate maps hold ${data.length} values, not 3x${rows}x${cols}`);
  const plane = rows * cols;
  const heat = (r: number, c: number) => (r < 0 || c < 0 || r >= rows || c >= cols ? 0 : data[r * cols + c]!);
  const peaks: { r: number; c: number; v: number }[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c]!;
      if (!(v >= opts.threshold)) continue;
      let isMax = true;
      for (let dr = -1; dr <= 1 && isMax; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          if ((dr || dc) && heat(r + dr, c + dc) > v) {
            isMax = false;
            break;
          }
        }
      }
      if (isMax) peaks.push({ r, c, v });
    }
  }
  peaks.sort((a, b) => b.v - a.v);
  const out: DetectedPlate[] = [];
  for (const p of peaks) {
    let sum = 0;
    let sx = 0;
    let sy = 0;
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        const h = heat(p.r + dr, p.c + dc);
        sum += h;
        sx += h * (p.c + dc);
        sy += h * (p.r + dr);
      }
    }
    const cx = (sx / sum + 0.5) * PLATE_MAP_STRIDE * opts.scaleX;
    const cy = (sy / sum + 0.5) * PLATE_MAP_STRIDE * opts.scaleY;
    const i = p.r * cols + p.c;
    // Sizes are clamped to a sane range so a wild regression cannot make a huge or empty box.
    const w = Math.exp(clamp(data[plane + i]!, -3, 6)) * PLATE_MAP_STRIDE * opts.scaleX;
    const h = Math.exp(clamp(data[2 * plane + i]!, -3, 6)) * PLATE_MAP_STRIDE * opts.scaleY;
    if (out.some((o) => pointInBox(cx, cy, o.box))) continue;
    out.push({ box: { x: cx - w / 2, y: cy - h / 2, w, h }, score: p.v });
    if (out.length >= opts.maxPlates) break;
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : lo;
}
