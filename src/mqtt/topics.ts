/** MQTT topic names: `<prefix>/<agency>/<device>/<kind>` (pure). */

export type TopicKind = 'hits' | 'status';

function checkLevel(name: string, value: string): void {
  if (value === '' || /[#+]/.test(value) || value.includes('\u0000')) throw new Error(`invalid MQTT topic ${name}: ${JSON.stringify(value)}`);
}

/** `<prefix>/<agency>/<device>/<kind>`; a trailing "/" on the prefix is ignored. */
export function deviceTopic(prefix: string, agency: string, deviceId: string, kind: TopicKind | string): string {
  const p = prefix.replace(/\/+$/, '');
  checkLevel('prefix', p);
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

export function statusTopic(prefix: string, agency: string, deviceId: string): string {
  return deviceTopic(prefix, agency, deviceId, 'status');
}
