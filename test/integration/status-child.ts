/**
 * Child process for the status test: a device's MQTT side as the daemon wires it (MqttTransport
 * with the StatusReporter's contract status as its online payload and last will, heartbeats every
 * second, the ack subscription), with a fixed snapshot; says "connected", then waits to be killed.
 */
import { AckReceiver } from '../../src/alerts/ack-receiver.ts';
import { OutboxRepo } from '../../src/alerts/outbox-repo.ts';
import { StatusReporter } from '../../src/mqtt/status-reporter.ts';
import { ackTopic, heartbeatTopic, statusTopic } from '../../src/mqtt/topics.ts';
import { MqttTransport } from '../../src/mqtt/transport.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { databaseFile, openDatabase } from '../../src/store/db.ts';

const [url, agency, device, dataDir] = process.argv.slice(2);
if (!url || !agency || !device || !dataDir) throw new Error('usage: status-child URL AGENCY DEVICE DATA_DIR');
const logger = silentLogger();
const db = openDatabase(databaseFile(dataDir));
const outbox = new OutboxRepo(db);
outbox.enqueue({ messageId: 'waiting-1', topic: 'x', payload: 'x', qos: 1, createdAt: systemClock.now() - 5_000 });
const reporter = new StatusReporter({
  device,
  agency,
  version: 'test',
  heartbeatTopic: heartbeatTopic('alpr', agency, device),
  heartbeatS: 1,
  clock: systemClock,
  logger,
  startedAt: systemClock.now(),
  snapshot: () => {
    const c = outbox.counts();
    return {
      cameras: [{ id: 'front', state: 'streaming' }],
      outbox: { pending: c.pending, oldestAgeMs: c.oldestUnackedAt === null ? null : systemClock.now() - c.oldestUnackedAt, unacked: c.sent },
      retention: { lastSweepAt: null, deleted: 0, diskFreeBytes: 1_000_000, diskPressure: false },
      gps: { fix: false, ageMs: null },
    };
  },
});
const transport = new MqttTransport({ url, clientId: `alpr-edge-${device}`, statusTopic: statusTopic('alpr', agency, device), statusPayload: reporter.statusPayload, logger });
// An ack changes the outbox: the next heartbeat re-publishes the retained status.
new AckReceiver({ transport, topic: ackTopic('alpr', agency, device), outbox, clock: systemClock, logger }).start();
transport.on('connected', () => process.stdout.write('connected\n'));
transport.start();
reporter.start(transport);
setInterval(() => undefined, 60_000);
