/**
 * `alpr-edge central`: the reference central receiver, and hot-list publishing to devices.
 *
 *   alpr-edge central --config FILE
 *   alpr-edge central hotlist-publish --config FILE --file LIST --key KEY --source NAME
 *       (--device [AGENCY/]ID ... | --all) [--version V] [--format F] [--base V]
 *
 * The receiver runs until SIGTERM/SIGINT (a second signal exits at once). Its config file is
 * its own format (src/central/config.ts, docs/mqtt.md "The reference receiver").
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { connectAsync } from 'mqtt';
import { loadCentralConfig, type CentralConfig } from '../central/config.ts';
import { discoverDevices, parseDeviceRef, publishHotlist, uniqueDevices, type DeviceRef } from '../central/hotlist-publish.ts';
import { brokerAuthOptions, receiverClientOptions } from '../central/mqtt-options.ts';
import { createCentralStore } from '../central/open-store.ts';
import { CentralReceiver } from '../central/receiver.ts';
import { AlprError } from '../errors.ts';
import { isHotlistFormat, resolveFormat, type HotlistFormat } from '../hotlist/formats/index.ts';
import { signEnvelope } from '../hotlist/signing.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { createLogger } from '../platform/logger.ts';
import { createNotifier, systemdNotifySender } from '../platform/sd-notify.ts';
import { installStopSignals } from './stop-signals.ts';

const USAGE = `usage: alpr-edge central --config FILE
       alpr-edge central hotlist-publish --config FILE --file LIST --key KEY --source NAME (--device [AGENCY/]ID ... | --all) [--version V] [--format F] [--base V]`;

/** node:util's parse errors as a usage error with the usage text. */
function usageError(err: unknown): AlprError {
  return new AlprError('USAGE', `${(err as Error).message}\n${USAGE}`);
}

export async function centralCommand(args: string[], out: NodeJS.WritableStream = process.stdout, clock: Clock = systemClock): Promise<number> {
  if (args[0] === 'hotlist-publish') return hotlistPublishCommand(args.slice(1), out, clock);
  let values: { config?: string | undefined };
  try {
    values = parseArgs({ args, options: { config: { type: 'string', short: 'c' } }, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw usageError(err);
  }
  if (!values.config) throw new AlprError('USAGE', USAGE);
  return runReceiver(loadCentralConfig(values.config), clock);
}

async function runReceiver(cfg: CentralConfig, clock: Clock): Promise<number> {
  const logger = createLogger(cfg.log.level, 'alpr-central');
  const store = createCentralStore(cfg.store);
  await store.init();
  const receiver = new CentralReceiver({
    url: cfg.broker.url,
    clientOptions: receiverClientOptions(cfg.broker, cfg.receiver.name, cfg.receiver.sessionExpiryS),
    topicPrefix: cfg.topicPrefix,
    group: cfg.receiver.group,
    lanes: cfg.receiver.lanes,
    name: cfg.receiver.name,
    store,
    ack: cfg.ack,
    storeRetryMs: cfg.receiver.storeRetryMs,
    clock,
    logger,
  });
  const stopped = new Promise<NodeJS.Signals>((resolve) => installStopSignals(resolve));
  const notifier = createNotifier(process.env, systemdNotifySender((err) => logger.warn({ err: err.message }, 'sd_notify failed')));
  try {
    receiver.start();
    logger.info({ store: cfg.store.kind, subscription: receiver.subscription, receiver: cfg.receiver.name }, 'central: receiver started');
    notifier.ready(`receiving hits as ${cfg.receiver.name}`);
    const signal = await stopped;
    logger.info({ signal }, 'central: stopping');
    notifier.stopping('stopping on signal');
    await receiver.stop();
  } finally {
    await store.close();
    logger.flush();
  }
  return 0;
}

async function hotlistPublishCommand(args: string[], out: NodeJS.WritableStream, clock: Clock): Promise<number> {
  const options = {
    config: { type: 'string', short: 'c' },
    file: { type: 'string' },
    key: { type: 'string' },
    source: { type: 'string' },
    version: { type: 'string' },
    format: { type: 'string' },
    base: { type: 'string' },
    device: { type: 'string', multiple: true },
    all: { type: 'boolean' },
  } as const;
  let v: ReturnType<typeof parseArgs<{ args: string[]; options: typeof options; strict: true; allowPositionals: false }>>['values'];
  try {
    v = parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw usageError(err);
  }
  for (const name of ['config', 'file', 'key', 'source'] as const) if (!v[name]) throw new AlprError('USAGE', `--${name} is required\n${USAGE}`);
  const devicesGiven = (v.device ?? []).length > 0;
  if (devicesGiven === Boolean(v.all)) throw new AlprError('USAGE', `give --device (one or more) or --all, not both\n${USAGE}`);
  if (v.format !== undefined && !isHotlistFormat(v.format)) throw new AlprError('USAGE', `unknown hot-list format ${v.format}\n${USAGE}`);
  const cfg = loadCentralConfig(v.config as string);
  const named = (v.device ?? []).map((d) => parseDeviceRef(d, cfg.hotlistPublish.agency));

  const file = v.file as string;
  const format = resolveFormat(file, v.format as HotlistFormat | undefined);
  const read = (path: string, what: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new AlprError('USAGE', `cannot read ${what} ${path}: ${(err as Error).message}`, { cause: err });
    }
  };
  const generatedAt = new Date(clock.now()).toISOString();
  let envelope: string;
  try {
    envelope = signEnvelope(
      {
        source: v.source as string,
        version: v.version ?? generatedAt,
        kind: v.base === undefined ? 'full' : 'delta',
        ...(v.base === undefined ? {} : { baseVersion: v.base }),
        format,
        generatedAt,
      },
      read(file, 'hot-list file'),
      read(v.key as string, 'signing key'),
    );
  } catch (err) {
    if (err instanceof AlprError) throw err;
    throw new AlprError('USAGE', `cannot sign with ${v.key}: ${(err as Error).message}`, { cause: err });
  }

  let client;
  try {
    client = await connectAsync(cfg.broker.url, {
      ...brokerAuthOptions(cfg.broker),
      clientId: `alpr-central-publish-${cfg.receiver.name}-${process.pid}`,
      protocolVersion: 5,
      clean: true,
      reconnectPeriod: 0,
    });
  } catch (err) {
    throw new AlprError('MQTT_NOT_CONNECTED', `cannot connect to the broker at ${cfg.broker.url}: ${(err as Error).message}`, { cause: err });
  }
  try {
    let devices: DeviceRef[] = named;
    if (v.all) {
      const store = createCentralStore(cfg.store);
      await store.init();
      const stored = await store.devices().finally(() => store.close());
      devices = uniqueDevices([...(await discoverDevices(client, cfg.topicPrefix, cfg.hotlistPublish.discoveryMs)), ...stored]);
      if (devices.length === 0) throw new AlprError('USAGE', 'no devices found (no retained status under the topic prefix, none in the store); name them with --device');
    }
    const topics = await publishHotlist(client, cfg.topicPrefix, uniqueDevices(devices), envelope, cfg.hotlistPublish.retain);
    for (const t of topics) out.write(`published ${v.source} ${v.version ?? generatedAt} -> ${t}\n`);
    out.write(`${topics.length} device(s)\n`);
  } finally {
    await client.endAsync();
  }
  return 0;
}
