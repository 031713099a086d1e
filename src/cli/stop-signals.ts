/**
 * SIGTERM/SIGINT handling of the daemon: the first signal asks for the orderly stop, a second
 * one exits at once (status 130), as an operator pressing Ctrl-C twice or systemd's final kill
 * expects. The signal source and exit are injected so the rule is tested without real signals.
 */
import type { EventEmitter } from 'node:events';

export interface SignalSource {
  on(event: 'SIGTERM' | 'SIGINT', listener: (signal: NodeJS.Signals) => void): unknown;
}

export function installStopSignals(
  onStop: (signal: NodeJS.Signals) => void,
  exit: (code: number) => void = (code) => process.exit(code),
  source: SignalSource | EventEmitter = process,
): void {
  let received = 0;
  const handler = (signal: NodeJS.Signals): void => {
    received++;
    if (received > 1) exit(130);
    else onStop(signal);
  };
  source.on('SIGTERM', handler);
  source.on('SIGINT', handler);
}
