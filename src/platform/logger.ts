/**
 * Structured logs go to stderr as JSON lines (pino), so stdout stays free for command output
 * (JSON reads, the eval summary line, the demo's read/hit lines). Plate text is logged only at
 * debug level: info logs may outlive the 30-day retention of detections.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'alpr-edge'): Logger {
  return pino({ name, level }, pino.destination({ fd: 2, sync: false }));
}

/** A logger that discards everything (tests, one-shot commands). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
