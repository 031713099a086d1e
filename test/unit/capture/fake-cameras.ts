/** Fake cameras for live-source tests: real protocols, real processes that can be killed. */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import sharp from 'sharp';

const here = resolve(import.meta.dirname);

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = net.createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => res(port));
    });
  });
}

/** `count` distinct 160x120 JPEGs (a shade and a marker square that moves) as buffers. */
export async function makeJpegs(count: number, width = 160, height = 120): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const data = Buffer.alloc(width * height * 3, 40 + ((i * 37) % 180));
    const side = Math.min(10, width - 2, height - 2);
    const left = 1 + ((i * 12) % Math.max(1, width - side - 2));
    for (let y = 1; y <= side; y++) data.fill(250, (y * width + left) * 3, (y * width + left + side) * 3);
    out.push(await sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer());
  }
  return out;
}

/** Writes the JPEGs to `dir` as frame-00.jpg, frame-01.jpg, ... */
export async function writeJpegs(dir: string, count: number): Promise<void> {
  const jpegs = await makeJpegs(count);
  jpegs.forEach((j, i) => writeFileSync(join(dir, `frame-${String(i).padStart(2, '0')}.jpg`), j));
}

/**
 * A fake camera process (fake-rtsp-camera.ts or fake-http-camera.ts) that prints "ready" once
 * it serves. `kill()` SIGKILLs it and everything it started, as a power cut would.
 */
export class CameraProcess {
  private child: ChildProcess | null = null;
  private helpers: number[] = [];

  constructor(
    private readonly script: 'fake-rtsp-camera.ts' | 'fake-http-camera.ts',
    private readonly args: string[],
  ) {}

  async start(timeoutMs = 20_000): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, this.script), ...this.args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child = child;
    this.helpers = [];
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`${this.script} not ready within ${timeoutMs} ms`)), timeoutMs);
      let text = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        for (const m of text.matchAll(/encoder (\d+)/g)) this.helpers.push(Number(m[1]));
        if (/^ready$/m.test(text)) {
          clearTimeout(timer);
          res();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        rej(new Error(`${this.script} exited with ${String(code)} before it was ready`));
      });
    });
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    for (const pid of this.helpers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone with its parent's connection
      }
    }
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((res) => child.once('exit', res));
      child.kill('SIGKILL');
      await gone;
    }
  }
}

/**
 * A stand-in for ffmpeg that takes the real V4L2 command line, checks it, and replaces the
 * `-f v4l2 ... -i DEVICE` input by a live test pattern of the asked size and rate while the
 * DEVICE path exists (as a plugged camera's node does); without it, it fails as ffmpeg does.
 * It execs ffmpeg, so killing it kills the decoder. Returns the script's path.
 */
export function writeV4l2StandIn(dir: string): string {
  const path = join(dir, 'ffmpeg-v4l2-standin');
  writeFileSync(
    path,
    `#!/bin/sh
# Stand-in for "ffmpeg -f v4l2 ... -i /dev/videoN <output args>" on a machine without cameras.
fmt=; size=; rate=; dev=; prev=; input_done=0
for arg do
  shift
  if [ "$input_done" = 1 ]; then set -- "$@" "$arg"; continue; fi
  case "$prev" in
    -f) fmt=$arg ;;
    -video_size) size=$arg ;;
    -framerate) rate=$arg ;;
    -i) dev=$arg; input_done=1 ;;
  esac
  prev=$arg
done
[ "$fmt" = v4l2 ] || { echo "stand-in: expected -f v4l2 before -i, got '$fmt'" >&2; exit 2; }
[ -n "$size" ] && [ -n "$rate" ] || { echo "stand-in: -video_size and -framerate are required" >&2; exit 2; }
if [ ! -e "$dev" ]; then
  echo "[video4linux2,v4l2 @ 0x0] Cannot open video device $dev: No such file or directory" >&2
  echo "$dev: No such file or directory" >&2
  exit 1
fi
exec ffmpeg -hide_banner -nostdin -loglevel error -re -f lavfi -i "testsrc=size=$size:rate=$rate" -metadata "comment=standin:$dev" "$@"
`,
  );
  chmodSync(path, 0o755);
  return path;
}
