/** Builds the transport's options from the daemon config (reads the broker password and TLS files). */
import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.ts';
import { AlprError } from '../errors.ts';
import type { Logger } from '../platform/logger.ts';
import { statusTopic } from './topics.ts';
import type { MqttTransportOptions } from './transport.ts';

/** Reads a file the config names; a missing or unreadable one is a config error naming the field. */
function readConfigFile(field: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new AlprError('CONFIG_INVALID', `cannot read ${field} ${file}: ${(err as Error).message}`, { cause: err });
  }
}

export function transportOptionsFromConfig(
  cfg: Config,
  logger: Logger,
  extra: Pick<MqttTransportOptions, 'statusPayload'> = {},
): MqttTransportOptions {
  const m = cfg.mqtt;
  const password = m.passwordFile === undefined ? undefined : readConfigFile('mqtt.passwordFile', m.passwordFile).toString('utf8').replace(/\r?\n$/, '');
  return {
    url: m.url,
    clientId: m.clientId ?? `alpr-edge-${cfg.device.id}`,
    statusTopic: statusTopic(m.topicPrefix, cfg.device.agency, cfg.device.id),
    ...(m.username === undefined ? {} : { username: m.username }),
    ...(password === undefined ? {} : { password }),
    ...(m.ca === undefined ? {} : { ca: readConfigFile('mqtt.ca', m.ca) }),
    ...(m.cert === undefined ? {} : { cert: readConfigFile('mqtt.cert', m.cert) }),
    ...(m.key === undefined ? {} : { key: readConfigFile('mqtt.key', m.key) }),
    rejectUnauthorized: m.rejectUnauthorized,
    ...extra,
    logger,
  };
}
