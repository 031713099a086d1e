/**
 * One flush of a whole file system (syncfs(2)) for all the lazily written crops of the last
 * interval (CropWriter.flushLazy), instead of one fdatasync per crop: on ext4 each fdatasync of a
 * new file is a journal commit. (Per group commit of crops that must be durable at once, a
 * syncfs round trip gained nothing over parallel fdatasyncs; docs/benchmarks.md.)
 *
 * Node has no syncfs binding, and spawning `sync -f DIR` from the daemon forks its whole address
 * space (34 ms median of blocked event loop at ~680 MB RSS). So one small shell stays running beside the
 * daemon: each line written to it runs coreutils `sync -f DIR` (syncfs of the file system holding
 * DIR) and answers `ok` or `fail`, in order. The shell exits when the daemon's end of the pipe
 * closes (a crash included). Where it cannot run (no `sync -f`: coreutils before 8.24), start()
 * returns null and the caller flushes file by file.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { AlprError } from '../errors.ts';

// $1 is the folder; a request is any line. `read` fails at EOF, ending the loop with the daemon.
const LOOP = 'while read -r _; do if sync -f "$1" 2>/dev/null; then echo ok; else echo fail; fi; done';

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

export class FilesystemSync {
  private readonly waiting: Waiter[] = [];
  private buffered = '';
  private dead: Error | null = null;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly dir: string,
  ) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => this.answer(text));
    const die = (why: string): void => this.fail(new AlprError('STORE_FAILED', `file-system flush helper for ${dir} ${why}`));
    child.on('error', (err) => die(`failed: ${err.message}`));
    child.on('exit', (code, signal) => die(`exited (${signal ?? code})`));
    child.stdin.on('error', (err) => die(`stdin failed: ${err.message}`));
    this.idle();
  }

  /** Starts the helper and checks one flush of `dir`'s file system; null when this system cannot. */
  static async start(dir: string): Promise<FilesystemSync | null> {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn('sh', ['-c', LOOP, 'sh', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch {
      return null;
    }
    const s = new FilesystemSync(child, dir);
    try {
      await s.sync();
      return s;
    } catch {
      s.close();
      return null;
    }
  }

  /** Resolves once everything written to `dir`'s file system before the call is on disk. */
  sync(): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.busy();
      this.child.stdin.write('\n');
    });
  }

  /** Stops the helper; flushes still waiting fail. */
  close(): void {
    this.fail(new AlprError('STORE_FAILED', `file-system flush helper for ${this.dir} closed`));
    this.child.stdin.end();
    this.child.kill();
  }

  private answer(text: string): void {
    this.buffered += text;
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      const w = this.waiting.shift();
      if (!w) continue;
      if (line === 'ok') w.resolve();
      else w.reject(new AlprError('STORE_FAILED', `sync -f ${this.dir} failed`));
    }
    if (this.waiting.length === 0) this.idle();
  }

  private fail(err: Error): void {
    this.dead ??= err;
    for (const w of this.waiting.splice(0)) w.reject(err);
    this.idle();
  }

  // The helper keeps the daemon alive only while a flush is awaited: an idle helper never holds
  // a finished process (or a test) open.
  private busy(): void {
    this.child.ref();
    (this.child.stdout as Socket).ref();
  }

  private idle(): void {
    this.child.unref();
    for (const pipe of [this.child.stdin, this.child.stdout, this.child.stderr]) (pipe as unknown as Socket).unref();
  }
}
