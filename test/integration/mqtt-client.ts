/** A test subscriber (real mqtt.js client) that records what it receives. Not a test file. */
import { connectAsync, type MqttClient } from 'mqtt';

export interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

export interface Subscriber {
  client: MqttClient;
  messages: Received[];
  on(topic: string): Received[];
  end(): Promise<void>;
}

export async function subscribe(url: string, topics: string[]): Promise<Subscriber> {
  const client = await connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0, clean: true });
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, payload, retain: packet.retain }));
  await client.subscribeAsync(topics, { qos: 1 });
  return {
    client,
    messages,
    on: (topic) => messages.filter((m) => m.topic === topic),
    end: () => client.endAsync(true),
  };
}
