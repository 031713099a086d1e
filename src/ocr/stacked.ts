/**
 * Stacked characters (pure): some plates carry a pair of small characters one above the other
 * beside the main characters (a type or county prefix). The text detector finds them as two short
 * lines of their own, which plate selection would drop as too small or read as separate text. A
 * pair that stands against a plate line, inside its height, one in the upper and one in the lower
 * half, is joined to it in reading order: top, then bottom, on the side it stands. The reading
 * without the pair stays the first alternative, so a hot-list entry written either way matches.
 */
import type { Box } from './types.ts';
import { meanConfidence, textOf, type LineRead } from './select.ts';

const cy = (b: Box): number => b.y + b.h / 2;

/** Whether `s` could be one character line of a stacked pair beside a line of height `h`. */
function small(s: LineRead, h: number): boolean {
  return s.chars.length >= 1 && s.chars.length <= 3 && s.height >= 0.2 * h && s.height <= 0.6 * h;
}

function stackedOver(top: LineRead, bottom: LineRead): boolean {
  const overlap = Math.min(top.box.x + top.box.w, bottom.box.x + bottom.box.w) - Math.max(top.box.x, bottom.box.x);
  return cy(top.box) < cy(bottom.box) && overlap >= 0.5 * Math.min(top.box.w, bottom.box.w);
}

/** Which side of `main` the pair stands on, or null when it is not against it, inside its height. */
function sideOf(main: LineRead, top: LineRead, bottom: LineRead): 'left' | 'right' | null {
  const m = main.box;
  const h = main.height;
  if (cy(top.box) < m.y || cy(top.box) > m.y + 0.55 * m.h || cy(bottom.box) < m.y + 0.45 * m.h || cy(bottom.box) > m.y + m.h) return null;
  const left = Math.min(top.box.x, bottom.box.x);
  const right = Math.max(top.box.x + top.box.w, bottom.box.x + bottom.box.w);
  if (right >= m.x - 1.2 * h && right <= m.x + 0.3 * h) return 'left';
  if (left >= m.x + m.w - 0.3 * h && left <= m.x + m.w + 1.2 * h) return 'right';
  return null;
}

function join(main: LineRead, top: LineRead, bottom: LineRead, side: 'left' | 'right'): LineRead {
  const parts = side === 'left' ? [top, bottom, main] : [main, top, bottom];
  const x = Math.min(...parts.map((p) => p.box.x));
  const y = Math.min(...parts.map((p) => p.box.y));
  const box = { x, y, w: Math.max(...parts.map((p) => p.box.x + p.box.w)) - x, h: Math.max(...parts.map((p) => p.box.y + p.box.h)) - y };
  return {
    box,
    height: main.height,
    width: Math.max(main.width, box.w),
    raw: parts.map((p) => p.raw).join(''),
    chars: parts.flatMap((p) => p.chars),
    alternatives: [{ text: textOf(main), confidence: meanConfidence(main.chars) }, ...(main.alternatives ?? [])],
  };
}

/** The lines with every stacked pair joined to the plate line it stands against (tallest lines first). */
export function joinStacked(lines: readonly LineRead[]): LineRead[] {
  const used = new Set<LineRead>();
  const out: LineRead[] = [];
  const mains = [...lines].filter((l) => l.chars.length >= 3).sort((a, b) => b.height - a.height);
  const joined = new Map<LineRead, LineRead>();
  for (const main of mains) {
    if (used.has(main)) continue;
    let current = main;
    for (const side of ['left', 'right'] as const) {
      const pool = lines.filter((s) => s !== main && !used.has(s) && small(s, main.height));
      let found: [LineRead, LineRead] | undefined;
      for (const top of pool) {
        for (const bottom of pool) {
          if (top !== bottom && stackedOver(top, bottom) && sideOf(main, top, bottom) === side) found ??= [top, bottom];
        }
      }
      if (!found) continue;
      used.add(found[0]).add(found[1]);
      current = join(current, found[0], found[1], side);
    }
    if (current !== main) {
      used.add(main);
      joined.set(main, current);
    }
  }
  for (const l of lines) {
    const j = joined.get(l);
    if (j) out.push(j);
    else if (!used.has(l)) out.push(l);
  }
  return out;
}
