/**
 * Publishing signed hot lists to devices: the envelope of src/hotlist/signing.ts on each
 * device's `<prefix>/<agency>/<device>/hotlist` topic (src/hotlist/push.ts receives it and
 * applies it with the same checks as a pull). Devices are named, or found: every device keeps a
 * retained status message, so a short subscription to `<prefix>/+/+/status` lists them.
 */
import type { MqttClient } from 'mqtt';
import { AlprError } from '../errors.ts';
import { allDevicesFilter, hotlistTopic, parseDeviceTopic } from '../mqtt/topics.ts';
import type { StoredDevice } from './store.ts';

export type DeviceRef = StoredDevice;

const LEVEL = /^[^/#+\s]+$/;

/** `AGENCY/DEVICE`, or `DEVICE` with the default agency (pure). */
export function parseDeviceRef(text: string, defaultAgency: string | undefined): DeviceRef {
  const parts = text.split('/');
  if (parts.length === 2 && parts.every((p) => LEVEL.test(p))) return { agency: parts[0] as string, device: parts[1] as string };
  if (parts.length === 1 && LEVEL.test(text)) {
    if (defaultAgency === undefined) throw new AlprError('USAGE', `--device ${text}: give AGENCY/${text}, or set hotlistPublish.agency in the central config`);
    return { agency: defaultAgency, device: text };
  }
  throw new AlprError('USAGE', `--device ${JSON.stringify(text)} is not AGENCY/DEVICE or DEVICE (one topic level each: no "/", wildcards or spaces)`);
}

/** Sorted, without repeats (pure). */
export function uniqueDevices(list: readonly DeviceRef[]): DeviceRef[] {
  const seen = new Map<string, DeviceRef>();
  for (const d of list) seen.set(`${d.agency}/${d.device}`, d);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
}

/** Devices with a retained status message under `prefix`, collected for `waitMs`. */
export async function discoverDevices(client: MqttClient, prefix: string, waitMs: number): Promise<DeviceRef[]> {
  const found: DeviceRef[] = [];
  const filter = allDevicesFilter(prefix, 'status');
  const onMessage = (topic: string, payload: Buffer): void => {
    const ref = parseDeviceTopic(prefix, topic);
    // An empty retained message is a cleared status: not a device any more.
    if (ref && ref.kind === 'status' && payload.length > 0) found.push({ agency: ref.agency, device: ref.device });
  };
  client.on('message', onMessage);
  try {
    await client.subscribeAsync(filter, { qos: 1 });
    await new Promise((r) => setTimeout(r, waitMs));
    await client.unsubscribeAsync(filter);
  } finally {
    client.off('message', onMessage);
  }
  return uniqueDevices(found);
}

/** Publishes the signed envelope to every device (QoS 1; resolves when the broker has them all). */
export async function publishHotlist(client: MqttClient, prefix: string, devices: readonly DeviceRef[], envelope: string, retain: boolean): Promise<string[]> {
  const topics = devices.map((d) => hotlistTopic(prefix, d.agency, d.device));
  await Promise.all(topics.map((t) => client.publishAsync(t, envelope, { qos: 1, retain })));
  return topics;
}
