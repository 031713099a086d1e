/** Tiny inputs for capture tests, made in a temp dir with the real ffmpeg and sharp. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `alpr-${prefix}-`));
}

/** ffmpeg's moving test pattern, H.264, `seconds` long at `fps`. */
export function makeTestVideo(path: string, opts: { width: number; height: number; fps: number; seconds: number }): void {
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'lavfi', '-i', `testsrc=size=${opts.width}x${opts.height}:rate=${opts.fps}`,
    '-t', String(opts.seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-threads', '1',
    path,
  ]);
}

/** A short audio-only file (no video stream). */
export function makeAudioOnly(path: string): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', 'sine=d=0.2', path]);
}

/** A PNG of one flat colour with a marker square, so every image has different content. */
export async function writePng(path: string, width: number, height: number, shade: number): Promise<void> {
  const data = Buffer.alloc(width * height * 3, shade);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) data.fill(255 - shade, (y * width + x) * 3, (y * width + x) * 3 + 3);
  await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(path);
}

/** Pids of this process's live children whose command line mentions `needle` (Linux /proc). */
export function liveChildrenMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    let cmdline: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid ...": comm may hold spaces, so parse after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === process.pid && state !== 'Z' && cmdline.includes(needle)) pids.push(Number(entry));
  }
  return pids;
}

export function writeGarbage(path: string): void {
  writeFileSync(path, Buffer.from('this is not a video, just some bytes '.repeat(40)));
}
