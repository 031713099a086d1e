/**
 * `alpr-edge run --config FILE`: the daemon. Prints one line per vehicle pass (and per hit) on
 * stdout unless --quiet; structured logs go to stderr. Ends by itself when every camera is a
 * finished replay, after giving the outbox `mqtt.drainTimeoutMs` to deliver; SIGTERM/SIGINT
 * stop it in order, a second signal exits at once.
 */
import { parseArgs } from 'node:util';
import { App, type CameraOutcome } from '../app/app.ts';
import type { ReadEvent } from '../app/pass-recorder.ts';
import { loadConfig } from '../config/load.ts';
import { AlprError } from '../errors.ts';
import { systemClock } from '../platform/clock.ts';
import { createLogger } from '../platform/logger.ts';
import { createNotifier, systemdNotifySender } from '../platform/sd-notify.ts';
import { installStopSignals } from './stop-signals.ts';

function formatRead(e: ReadEvent): string {
  const lines = e.stage === 'early' ? [] : [
    `read ${new Date(e.capturedAt).toISOString()} camera=${e.cameraId} plate=${e.plate} confidence=${e.confidence.toFixed(2)} frames=${e.frames} id=${e.detectionId}${e.cropPath ? ` crop=${e.cropPath}` : ''}`,
  ];
  for (const h of e.hits) {
    lines.push(
      `HIT  ${e.stage === 'early' ? '(early, vehicle still in view) ' : ''}camera=${e.cameraId} plate=${h.plate} list=${h.list} rule=${h.matchRule}${h.caseNumber ? ` case=${h.caseNumber}` : ''}${h.reason ? ` reason="${h.reason}"` : ''} hit=${h.id} -- informational: verify the plate against the image before any action`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function summarise(outcomes: CameraOutcome[]): string {
  return outcomes
    .map((o) => `camera ${o.cameraId}: ${o.stats.frames} frames, ${o.stats.passes} passes, ${o.stats.dropped} frames dropped${o.error ? `, FAILED: ${o.error.message}` : ''}`)
    .join('\n');
}

export async function runCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string', short: 'c' }, quiet: { type: 'boolean', short: 'q' } },
    strict: true,
  });
  if (!values.config) throw new AlprError('USAGE', 'usage: alpr-edge run --config FILE [--quiet]');
  const config = loadConfig(values.config);
  const logger = createLogger(config.log.level);
  const print = (text: string): void => {
    if (!values.quiet) process.stdout.write(text);
  };
  const app = new App(config, {
    clock: systemClock,
    logger,
    onRead: (e) => print(formatRead(e)),
    onHotlistImported: (r) =>
      print(`hot list ${r.file}: ${r.applied ? `${r.imported} entries` : `rejected (${r.rejectedBecause ?? 'invalid'})`}${r.errors.length ? `, ${r.errors.length} bad line(s)` : ''}\n`),
  });

  let stopRequested: () => void = () => undefined;
  const stopped = new Promise<'signal'>((resolve) => {
    stopRequested = () => resolve('signal');
  });
  // Installed for the life of the process: a second signal during the last of the shutdown
  // (flushing logs, the reader's worker ending) still exits at once.
  installStopSignals((sig) => {
    logger.info({ signal: sig }, 'stopping');
    stopRequested();
  });
  const notifier = createNotifier(process.env, systemdNotifySender((err) => logger.warn({ err: err.message }, 'sd_notify failed')));
  let watchdog: NodeJS.Timeout | undefined;
  try {
    try {
      await app.start();
    } catch (err) {
      // Close whatever started (HTTP port, broker connection, database) before reporting.
      await app.stop();
      throw err;
    }
    notifier.ready(`reading ${config.cameras.length} camera(s)`);
    if (notifier.watchdogIntervalMs !== null) {
      // Pinged from the event loop: a blocked loop or a hung process stops the pings and systemd restarts us.
      watchdog = setInterval(() => notifier.watchdog(), notifier.watchdogIntervalMs);
      watchdog.unref();
    }
    const ended = app.camerasEnded();
    const why = await Promise.race([ended.then(() => 'ended' as const), stopped]);
    if (why === 'ended' && config.mqtt.enabled) await app.drainOutbox(config.mqtt.drainTimeoutMs);
    const outbox = app.outboxStats();
    notifier.stopping(why === 'signal' ? 'stopping on signal' : 'replay finished');
    clearInterval(watchdog);
    await app.stop();
    const outcomes = await ended;
    print(`${summarise(outcomes)}\n`);
    print(
      outbox.pending === 0
        ? 'outbox: nothing waiting (every hit delivered)\n'
        : `outbox: ${outbox.pending} hit(s) waiting for ${config.mqtt.enabled ? `the broker at ${config.mqtt.url}` : 'delivery (mqtt disabled)'}; they are kept and sent on the next run\n`,
    );
    const failed = outcomes.filter((o) => o.error);
    for (const f of failed) process.stderr.write(`alpr-edge: camera ${f.cameraId}: ${f.error?.message ?? ''}\n`);
    return failed.length > 0 ? 1 : 0;
  } finally {
    clearInterval(watchdog);
    logger.flush();
  }
}
