/**
 * MQTT topic names: `<prefix>/<agency>/<device>/<kind>` (pure). The one place that builds them,
 * for the device and for receivers (filters with `+` for every agency/device, and MQTT 5 shared
 * subscriptions). See docs/mqtt.md for who publishes what on each.
 */

/** Every topic kind of the contract. */
export const TOPIC_KINDS = ['hits', 'reads', 'status', 'heartbeat', 'ack', 'hotlist', 'hotlist-status'] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

function checkLevel(name: string, value: string): void {
  if (value === '' || /[#+]/.test(value) || value.includes('\u0000')) throw new Error(`invalid MQTT topic ${name}: ${JSON.stringify(value)}`);
}

function normalisedPrefix(prefix: string): string {
  const p = prefix.replace(/\/+$/, '');
  checkLevel('prefix', p);
  return p;
}

/** `<prefix>/<agency>/<device>/<kind>`; a trailing "/" on the prefix is ignored. */
export function deviceTopic(prefix: string, agency: string, deviceId: string, kind: TopicKind | string): string {
  const p = normalisedPrefix(prefix);
  for (const [name, v] of [
    ['agency', agency],
    ['device', deviceId],
    ['kind', kind],
  ] as const) {
    checkLevel(name, v);
    if (v.includes('/')) throw new Error(`invalid MQTT topic ${name}: ${JSON.stringify(v)} contains "/"`);
  }
  return `${p}/${agency}/${deviceId}/${kind}`;
}

export function hitsTopic(prefix: string, agency: string, deviceId: string): string {
  return deviceTopic(prefix, agency, deviceId, 'hits');
}

export function readsTopic(prefix: string, agency: string, deviceId: string): string {
  return deviceTopic(prefix, agency, deviceId, 'reads');
}

export function statusTopic(prefix: string, agency: string, deviceId: string): string {
  return deviceTopic(prefix, agency, deviceId, 'status');
}

export function heartbeatTopic(prefix: string, agency: string, deviceId: string): string {
  return deviceTopic(prefix, agency, deviceId, 'heartbeat');
}

export function ackTopic(prefix: string, agency: string, deviceId: string): string {
  return deviceTopic(prefix, agency, deviceId, 'ack');
}

export function hotlistTopic(prefix: string, agency: string, deviceId: string): string {
  return deviceTopic(prefix, agency, deviceId, 'hotlist');
}

export function hotlistStatusTopic(prefix: string, agency: string, deviceId: string): string {
  return deviceTopic(prefix, agency, deviceId, 'hotlist-status');
}

/** `<prefix>/+/+/<kind>`: the filter a receiver subscribes to for one kind from every device. */
export function allDevicesFilter(prefix: string, kind: TopicKind): string {
  return `${normalisedPrefix(prefix)}/+/+/${kind}`;
}

/** `$share/<group>/<filter>`: an MQTT 5 shared subscription (the broker gives each message to one member). */
export function sharedSubscription(group: string, filter: string): string {
  if (group === '' || /[/#+\s]/.test(group)) throw new Error(`invalid shared subscription group: ${JSON.stringify(group)}`);
  return `$share/${group}/${filter}`;
}

export interface ParsedDeviceTopic {
  agency: string;
  device: string;
  kind: TopicKind;
}

/** Splits a topic received under `prefix` into agency, device and kind; null when it is not a contract topic. */
export function parseDeviceTopic(prefix: string, topic: string): ParsedDeviceTopic | null {
  const p = `${normalisedPrefix(prefix)}/`;
  if (!topic.startsWith(p)) return null;
  const rest = topic.slice(p.length).split('/');
  if (rest.length !== 3) return null;
  const [agency, device, kind] = rest as [string, string, string];
  if (agency === '' || device === '' || !(TOPIC_KINDS as readonly string[]).includes(kind)) return null;
  return { agency, device, kind: kind as TopicKind };
}
