/**
 * Pure: where the text detector should look, given the plate detector's boxes. Each plate box
 * grows into a window with room for an imprecise box and for the text detector's need of some
 * context around a line. Windows that mostly cover each other are merged; windows that only
 * overlap stay apart (their union could be many times their area), and a line found in both is
 * kept once (window-lines.ts).
 */
import { intersectionArea, unionBox } from '../detect/geometry.ts';
import type { Box } from './types.ts';

export interface WindowOptions {
  /** Window width as a multiple of the plate box width (centred). */
  widthFactor: number;
  /** Window height as a multiple of the plate box height (centred). */
  heightFactor: number;
  /** Smallest window side, in image pixels. */
  minSide: number;
  /**
   * Window origins and sides are multiples of this (image pixels): 32 detector input pixels.
   * The text detector rounds its input to multiples of 32, so such a window is read at exactly
   * the scale of the whole frame and on the same 32-pixel grid, and a line is found with the
   * outline it has in the whole frame.
   */
  quantum: number;
}

/**
 * Windows proportional to the plate read best: the text detector's outline of a line depends on
 * how much scene it sees. Tried on the dev sets (docs/accuracy.md): 3x4 windows or the plate
 * grown by half plus 64 pixels lost 2-3 of 67 US scenes; capping a large plate's margins at
 * 160/128 pixels lost 3 of 29 Brazilian scenes.
 */
export const DEFAULT_WINDOW_OPTIONS: WindowOptions = { widthFactor: 4, heightFactor: 5, minSide: 128, quantum: 1 };

/** Whole-pixel windows inside a width x height image, merged where one mostly covers another. */
export function textWindows(plates: readonly Box[], width: number, height: number, options: Partial<WindowOptions> = {}): Box[] {
  const opts = { ...DEFAULT_WINDOW_OPTIONS, ...options };
  let windows = plates
    .map((p) => {
      const q = Math.max(1, opts.quantum);
      const w = Math.ceil(Math.max(opts.minSide, p.w * opts.widthFactor) / q) * q;
      const h = Math.ceil(Math.max(opts.minSide, p.h * opts.heightFactor) / q) * q;
      // The origin on the same grid: the detector's strided layers then see the plate at the
      // same phase as in the whole frame (small plates' outlines changed with a 2-pixel shift).
      const x = Math.round(Math.max(0, Math.floor((p.x + p.w / 2 - w / 2) / q)) * q);
      const y = Math.round(Math.max(0, Math.floor((p.y + p.h / 2 - h / 2) / q)) * q);
      return clip({ x, y, w, h }, width, height);
    })
    .filter((b): b is Box => b !== null);
  // Merge until no window mostly covers another (a union can reach a third window).
  for (let merged = true; merged; ) {
    merged = false;
    outer: for (let i = 0; i < windows.length; i++) {
      for (let j = i + 1; j < windows.length; j++) {
        if (mostlyCovers(windows[i]!, windows[j]!)) {
          windows = [...windows.filter((_, k) => k !== i && k !== j), unionBox(windows[i]!, windows[j]!)];
          merged = true;
          break outer;
        }
      }
    }
  }
  return windows;
}

function clip(b: Box, width: number, height: number): Box | null {
  const x0 = Math.max(0, Math.floor(b.x));
  const y0 = Math.max(0, Math.floor(b.y));
  const x1 = Math.min(width, Math.ceil(b.x + b.w));
  const y1 = Math.min(height, Math.ceil(b.y + b.h));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
}

/** The two windows share at least half of the smaller one's area. */
function mostlyCovers(a: Box, b: Box): boolean {
  const shared = intersectionArea(a, b);
  return shared > 0 && shared >= 0.5 * Math.min(a.w * a.h, b.w * b.h);
}
