import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installStopSignals } from '../../../src/cli/stop-signals.ts';

describe('installStopSignals', () => {
  it('asks for the orderly stop on the first signal and exits 130 on the second', () => {
    const source = new EventEmitter();
    const stops: string[] = [];
    const exits: number[] = [];
    installStopSignals((sig) => stops.push(sig), (code) => exits.push(code), source);
    source.emit('SIGTERM', 'SIGTERM');
    expect(stops).toEqual(['SIGTERM']);
    expect(exits).toEqual([]);
    source.emit('SIGINT', 'SIGINT');
    expect(stops).toEqual(['SIGTERM']);
    expect(exits).toEqual([130]);
  });
});
