/**
 * The configuration of `alpr-edge central` (the reference receiver): its own file, separate
 * from a device's config. One zod schema gives the type, the defaults and the checks; unknown
 * keys are refused; secrets are files, never inline. Paths are relative to the config file.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, problemsOf } from '../config/load.ts';
import { AlprError } from '../errors.ts';

const path = z.string().min(1).max(4096);
const topicLevel = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^#+/\s]+$/, 'one topic level: no "/", wildcards or spaces');

const brokerSchema = z
  .strictObject({
    url: z
      .string()
      .max(2048)
      .regex(/^(mqtt|mqtts|ws|wss):\/\/[^\s]+$/, 'an mqtt://, mqtts://, ws:// or wss:// URL')
      .default('mqtt://127.0.0.1:1883')
      .describe('Broker URL (an MQTT 5 broker with shared subscriptions).'),
    username: z.string().min(1).max(256).optional().describe('Broker user name.'),
    passwordFile: path.optional().describe('File holding the broker password (first line; never inline).'),
    caFile: path.optional().describe('PEM file of the CA(s) that signed the broker certificate (mqtts/wss).'),
    certFile: path.optional().describe('Client certificate (PEM) for certificate authentication; needs keyFile.'),
    keyFile: path.optional().describe('Private key (PEM) of certFile.'),
    rejectUnauthorized: z.boolean().default(true).describe('Refuse a broker whose certificate does not verify (turn off only on a lab bench).'),
    reconnectPeriodMs: z.int().min(100).max(600_000).default(2_000).describe('Delay between reconnect attempts.'),
    keepaliveS: z.int().min(5).max(3_600).default(30).describe('MQTT keepalive, seconds.'),
  })
  .refine((b) => (b.certFile === undefined) === (b.keyFile === undefined), { message: 'certFile and keyFile go together', path: ['certFile'] })
  .describe('The MQTT broker the devices publish to.');

const receiverSchema = z
  .strictObject({
    name: topicLevel
      .max(64)
      .describe('This receiver\'s name: written in every ack and stored with each hit; the MQTT client id is "alpr-central-<name>". Unique per receiver.'),
    group: topicLevel.default('alpr-central').describe('Shared-subscription group: receivers in the same group split the hits between them.'),
    sessionExpiryS: z
      .int()
      .min(0)
      .max(4_294_967_295)
      .default(7 * 24 * 3_600)
      .describe('How long the broker keeps this receiver\'s session (and queues its share of hits) while it is away, seconds.'),
    lanes: z
      .int()
      .min(1)
      .max(64)
      // 32: on the 2-core bench box 8 lanes gave 4 hits per commit and 981 hits/s, 32 gave 16 and 1,272/s.
      .default(32)
      .describe('MQTT connections taking hits (client ids alpr-central-<name>-0..N-1). Each holds one hit until it is committed; the hits the lanes hold are committed together, so more lanes mean more hits per durable commit.'),
    storeRetryMs: z.int().min(50).max(60_000).default(1_000).describe('First delay before retrying a store write that failed (doubles up to 30 s); the hit is not acknowledged meanwhile.'),
  })
  .describe('This receiver.');

const sqliteStoreSchema = z
  .strictObject({
    kind: z.literal('sqlite'),
    path: path.default('central.db').describe('SQLite database file.'),
  })
  .describe('Embedded store: one SQLite file (one receiver; use PostgreSQL to share a store).');

const postgresStoreSchema = z
  .strictObject({
    kind: z.literal('postgres'),
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'a postgres:// URL')
      .max(2048)
      .optional()
      .describe('Connection URL without the password (use passwordFile); host/port/database/user are then ignored.'),
    host: z.string().min(1).max(255).default('127.0.0.1'),
    port: z.int().min(1).max(65535).default(5432),
    database: z.string().min(1).max(63).default('alpr'),
    user: z.string().min(1).max(63).default('alpr'),
    passwordFile: path.optional().describe('File holding the database password (first line).'),
    ssl: z.boolean().default(false).describe('Connect with TLS.'),
    poolSize: z.int().min(1).max(100).default(4).describe('Connections in the pool.'),
  })
  .describe('PostgreSQL store, which several receivers can share.');

const ackSchema = z
  .strictObject({
    windowMs: z.int().min(0).max(10_000).default(200).describe('Acks for one device are gathered this long after the first stored hit, then sent as one message.'),
    maxIds: z.int().min(1).max(1_000).default(1_000).describe('An ack is sent at once when it holds this many ids.'),
  })
  .describe('Acks published to <prefix>/<agency>/<device>/ack once hits are stored.');

const hotlistPublishSchema = z
  .strictObject({
    agency: topicLevel.optional().describe('Agency of devices named without one (--device ID instead of --device AGENCY/ID).'),
    retain: z
      .boolean()
      .default(true)
      .describe('Publish retained, so a device that is offline gets the list when it connects (it re-applies the list on each connect).'),
    discoveryMs: z.int().min(100).max(60_000).default(2_000).describe('--all: how long to collect the devices\' retained status messages.'),
  })
  .describe('`central hotlist-publish`.');

export const centralConfigSchema = z
  .strictObject({
    broker: brokerSchema.prefault({}),
    topicPrefix: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^#+\s$][^#+\s]*$/, 'no wildcards or spaces, not starting with "$"')
      .default('alpr')
      .describe('Devices publish to <prefix>/<agency>/<device>/hits; the same prefix as the devices\' mqtt.topicPrefix.'),
    receiver: receiverSchema,
    store: z.discriminatedUnion('kind', [sqliteStoreSchema, postgresStoreSchema]).prefault({ kind: 'sqlite' }),
    ack: ackSchema.prefault({}),
    hotlistPublish: hotlistPublishSchema.prefault({}),
    log: z
      .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') })
      .prefault({}),
  })
  .describe('alpr-edge central: the reference receiver of hits.');

export type CentralConfig = z.infer<typeof centralConfigSchema>;
export type CentralStoreConfig = CentralConfig['store'];
export type CentralBrokerConfig = CentralConfig['broker'];

/** Validates parsed YAML/JSON (no path resolution). */
export function parseCentralConfig(raw: unknown, file: string): CentralConfig {
  const result = centralConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(file, problemsOf(result.error));
  return result.data;
}

/** Reads and validates a central config file; its paths become absolute, relative to the file. */
export function loadCentralConfig(file: string): CentralConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AlprError('CONFIG_UNREADABLE', `cannot read config file ${file}: ${(err as Error).message}`, { cause: err });
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ path: `line ${e.linePos?.[0]?.line ?? '?'}`, message: e.message.split('\n')[0] ?? e.message })),
    );
  }
  const cfg = parseCentralConfig(doc.toJS() ?? {}, file);
  const base = dirname(resolve(file));
  const abs = (p: string | undefined): string | undefined => (p === undefined || isAbsolute(p) ? p : resolve(base, p));
  const b = cfg.broker;
  const broker = { ...b, passwordFile: abs(b.passwordFile), caFile: abs(b.caFile), certFile: abs(b.certFile), keyFile: abs(b.keyFile) };
  const store: CentralStoreConfig = cfg.store.kind === 'sqlite' ? { ...cfg.store, path: abs(cfg.store.path) as string } : { ...cfg.store, passwordFile: abs(cfg.store.passwordFile) };
  return { ...cfg, broker: dropUndefined(broker), store: dropUndefined(store) };
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Reads a secret file's first line (password files). */
export function readSecretFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '';
  } catch (err) {
    throw new AlprError('CONFIG_INVALID', `cannot read ${what} ${file}: ${(err as Error).message}`, { cause: err });
  }
}
