/**
 * Pure pre-processing for the PP-OCR DB text detector: resize so the long side is the
 * configured size (both sides multiples of 32), then NCHW float32 in BGR order normalised with
 * the ImageNet mean/std (applied to B, G, R in that order, as PaddleOCR does on cv2 images).
 */
import type { RgbImage } from '../ocr/types.ts';

export const DET_MEAN = [0.485, 0.456, 0.406] as const;
export const DET_STD = [0.229, 0.224, 0.225] as const;

export interface Size {
  width: number;
  height: number;
}

/**
 * Detector input size: long side = maxSide, each side rounded to a multiple of 32 (>= 32). With
 * `scene` (the image is a window of a frame of that size) the window gets the frame's scale.
 */
export function detInputSize(width: number, height: number, maxSide: number, scene?: Size): Size {
  const scale = maxSide / Math.max(scene?.width ?? width, scene?.height ?? height);
  const round32 = (v: number) => Math.max(32, Math.round((v * scale) / 32) * 32);
  return { width: round32(width), height: round32(height) };
}

interface Taps {
  i0: Int32Array;
  i1: Int32Array;
  f: Float32Array;
}

/** Source sample positions for a linear resize (pixel centres aligned, like cv2 INTER_LINEAR). */
function taps(src: number, dst: number): Taps {
  const i0 = new Int32Array(dst);
  const i1 = new Int32Array(dst);
  const f = new Float32Array(dst);
  const scale = src / dst;
  for (let d = 0; d < dst; d++) {
    let s = (d + 0.5) * scale - 0.5;
    if (s < 0) s = 0;
    if (s > src - 1) s = src - 1;
    const lo = Math.floor(s);
    i0[d] = lo;
    i1[d] = Math.min(lo + 1, src - 1);
    f[d] = s - lo;
  }
  return { i0, i1, f };
}

/**
 * Resizes `image` to `size` (bilinear; a box pre-filter when shrinking more than 2x so small
 * text is not aliased away) and returns the detector's input tensor, [1, 3, H, W].
 */
export function detTensor(image: RgbImage, size: Size): Float32Array {
  const src = image.width / size.width > 2 || image.height / size.height > 2 ? boxShrink(image, size) : image;
  const { width: W, height: H } = size;
  const plane = W * H;
  const out = new Float32Array(3 * plane);
  const tx = taps(src.width, W);
  const ty = taps(src.height, H);
  const data = src.data;
  const stride = src.width * 3;
  // Tensor channel c is BGR[c]: B (RGB offset 2) with mean[0], G with mean[1], R with mean[2].
  const m0 = 1 / (255 * DET_STD[0]);
  const m1 = 1 / (255 * DET_STD[1]);
  const m2 = 1 / (255 * DET_STD[2]);
  const a0 = -DET_MEAN[0] / DET_STD[0];
  const a1 = -DET_MEAN[1] / DET_STD[1];
  const a2 = -DET_MEAN[2] / DET_STD[2];
  const { i0: xi0, i1: xi1, f: xf } = tx;
  for (let y = 0; y < H; y++) {
    const r0 = ty.i0[y]! * stride;
    const r1 = ty.i1[y]! * stride;
    const fy = ty.f[y]!;
    const gy = 1 - fy;
    let o = y * W;
    for (let x = 0; x < W; x++, o++) {
      const fx = xf[x]!;
      const gx = 1 - fx;
      const p00 = r0 + xi0[x]! * 3;
      const p01 = r0 + xi1[x]! * 3;
      const p10 = r1 + xi0[x]! * 3;
      const p11 = r1 + xi1[x]! * 3;
      const w00 = gx * gy;
      const w01 = fx * gy;
      const w10 = gx * fy;
      const w11 = fx * fy;
      const r = data[p00]! * w00 + data[p01]! * w01 + data[p10]! * w10 + data[p11]! * w11;
      const g = data[p00 + 1]! * w00 + data[p01 + 1]! * w01 + data[p10 + 1]! * w10 + data[p11 + 1]! * w11;
      const b = data[p00 + 2]! * w00 + data[p01 + 2]! * w01 + data[p10 + 2]! * w10 + data[p11 + 2]! * w11;
      out[o] = b * m0 + a0;
      out[plane + o] = g * m1 + a1;
      out[2 * plane + o] = r * m2 + a2;
    }
  }
  return out;
}

/** Integer box-filter shrink to at most twice `size`, used before a bilinear resize. */
function boxShrink(image: RgbImage, size: Size): RgbImage {
  const kx = Math.max(1, Math.floor(image.width / size.width / 1.5));
  const ky = Math.max(1, Math.floor(image.height / size.height / 1.5));
  return boxShrinkBy(image, kx, ky);
}

/**
 * Integer box-filter shrink by kx x ky (each output pixel the rounded mean of its block). Sums
 * whole source rows into a row of block sums, so the inner loop strides through memory in order:
 * the per-pixel, per-channel index arithmetic it replaces took half as long again (18.6 against
 * 12.2 ms for a 1280x720 frame, 2x2 blocks).
 */
export function boxShrinkBy(image: RgbImage, kx: number, ky: number): RgbImage {
  const w = Math.floor(image.width / kx);
  const h = Math.floor(image.height / ky);
  const data = Buffer.alloc(w * h * 3);
  const src = image.data;
  const n = kx * ky;
  const rowLen = w * 3;
  const step = kx * 3;
  const sums = new Uint32Array(rowLen);
  for (let y = 0; y < h; y++) {
    sums.fill(0);
    for (let dy = 0; dy < ky; dy++) {
      const row = (y * ky + dy) * image.width * 3;
      for (let dx = 0; dx < kx; dx++) {
        for (let o = 0, p = row + dx * 3; o < rowLen; o += 3, p += step) {
          sums[o]! += src[p]!;
          sums[o + 1]! += src[p + 1]!;
          sums[o + 2]! += src[p + 2]!;
        }
      }
    }
    const base = y * rowLen;
    for (let o = 0; o < rowLen; o++) data[base + o] = Math.round(sums[o]! / n);
  }
  return { width: w, height: h, data };
}

/** A copy of `image` with a border of `border` pixels of one colour on every side. */
export function padImage(image: RgbImage, border: number, rgb: readonly [number, number, number] = [128, 128, 128]): RgbImage {
  const w = image.width + 2 * border;
  const h = image.height + 2 * border;
  const data = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    data[i * 3] = rgb[0];
    data[i * 3 + 1] = rgb[1];
    data[i * 3 + 2] = rgb[2];
  }
  for (let y = 0; y < image.height; y++) {
    image.data.copy(data, ((y + border) * w + border) * 3, y * image.width * 3, (y + 1) * image.width * 3);
  }
  return { width: w, height: h, data };
}

/**
 * Grey input for the plate detector, [1, 1, H, W], values (grey / 255 - 0.5) / 0.5 with
 * grey = 0.299 R + 0.587 G + 0.114 B. Training shrank scenes with cv2 INTER_AREA, so any
 * shrink of 2x or more is first done by an integer box filter, then the rest bilinear.
 */
export function greyTensor(image: RgbImage, size: Size): Float32Array {
  const kx = Math.max(1, Math.floor(image.width / size.width));
  const ky = Math.max(1, Math.floor(image.height / size.height));
  const src = kx > 1 || ky > 1 ? boxShrinkBy(image, kx, ky) : image;
  const { width: W, height: H } = size;
  const out = new Float32Array(W * H);
  const tx = taps(src.width, W);
  const ty = taps(src.height, H);
  const data = src.data;
  const stride = src.width * 3;
  const grey = (p: number) => 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
  const k = 2 / 255;
  for (let y = 0; y < H; y++) {
    const r0 = ty.i0[y]! * stride;
    const r1 = ty.i1[y]! * stride;
    const fy = ty.f[y]!;
    for (let x = 0; x < W; x++) {
      const fx = tx.f[x]!;
      const a = grey(r0 + tx.i0[x]! * 3) * (1 - fx) + grey(r0 + tx.i1[x]! * 3) * fx;
      const b = grey(r1 + tx.i0[x]! * 3) * (1 - fx) + grey(r1 + tx.i1[x]! * 3) * fx;
      out[y * W + x] = (a * (1 - fy) + b * fy) * k - 1;
    }
  }
  return out;
}
