/** Builds the transport's options from the daemon config (reads the broker password file). */
import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.ts';
import { AlprError } from '../errors.ts';
import type { Logger } from '../platform/logger.ts';
import { statusTopic } from './topics.ts';
import type { MqttTransportOptions } from './transport.ts';

export function transportOptionsFromConfig(cfg: Config, logger: Logger): MqttTransportOptions {
  let password: string | undefined;
  if (cfg.mqtt.passwordFile) {
    try {
      password = readFileSync(cfg.mqtt.passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new AlprError('CONFIG_INVALID', `cannot read mqtt.passwordFile ${cfg.mqtt.passwordFile}: ${(err as Error).message}`, { cause: err });
    }
  }
  return {
    url: cfg.mqtt.url,
    clientId: cfg.mqtt.clientId ?? `alpr-edge-${cfg.device.id}`,
    statusTopic: statusTopic(cfg.mqtt.topicPrefix, cfg.device.agency, cfg.device.id),
    ...(cfg.mqtt.username === undefined ? {} : { username: cfg.mqtt.username }),
    ...(password === undefined ? {} : { password }),
    logger,
  };
}
