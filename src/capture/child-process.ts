/**
 * Small helpers around spawned ffmpeg/ffprobe processes: start them with a known outcome
 * (spawned or a spawn error), keep the tail of their stderr for error messages, and learn
 * how they exited.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { AlprError } from '../errors.ts';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Keeps the last `max` characters written to it. */
export class TailBuffer {
  private text = '';

  constructor(private readonly max = 4000) {}

  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > this.max) this.text = this.text.slice(-this.max);
  }

  /** The last few non-empty lines, joined into one line for an error message. */
  lines(count = 4): string {
    return this.text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0)
      .slice(-count)
      .join(' | ');
  }
}

export function describeExit(exit: Exit): string {
  return exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${String(exit.code)}`;
}

export interface Started {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Settles when the process has exited and its pipes are closed. Never rejects. */
  exited: Promise<Exit>;
  stderr: TailBuffer;
}

/**
 * Spawns `command` with stdout and stderr piped and stdin closed. Resolves once the process
 * is running; a command that cannot be started (not installed, not executable) is an
 * AlprError SOURCE_FAILED naming the command.
 */
export async function startProcess(command: string, args: readonly string[]): Promise<Started> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = new TailBuffer();
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exited = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      child.off('spawn', onSpawn);
      reject(new AlprError('SOURCE_FAILED', `cannot run ${command}: ${err.message}`, { cause: err }));
    };
    const onSpawn = (): void => {
      child.off('error', onError);
      // Later errors (a failed kill) must not crash the process; the exit code tells the story.
      child.on('error', () => undefined);
      resolve();
    };
    child.once('error', onError);
    child.once('spawn', onSpawn);
  });
  return { child, exited, stderr };
}

/** Kills the process (if still running) and waits until it is gone. */
export async function killAndWait(started: Started): Promise<Exit> {
  const { child } = started;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  return started.exited;
}
