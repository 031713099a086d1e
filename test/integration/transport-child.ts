/** Child process for the last-will test: connects an MqttTransport and says so, then waits to be killed. */
import { silentLogger } from '../../src/platform/logger.ts';
import { MqttTransport } from '../../src/mqtt/transport.ts';

const [url, topic] = process.argv.slice(2);
if (!url || !topic) throw new Error('usage: transport-child URL STATUS_TOPIC');
const transport = new MqttTransport({ url, clientId: 'alpr-child', statusTopic: topic, logger: silentLogger() });
transport.on('connected', () => process.stdout.write('connected\n'));
transport.start();
setInterval(() => undefined, 60_000);
