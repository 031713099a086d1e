/**
 * Composes the hot-list parts for the daemon: start-up imports, the in-memory match cache,
 * signed HTTP sync, MQTT push, and the periodic expiry/staleness check. Lives in app/ because
 * it wires hotlist/ to mqtt/; the decisions stay in hotlist/.
 */
import type { Config } from '../config/schema.ts';
import { HotlistCache } from '../hotlist/cache.ts';
import { importHotlistFile, type ImportResult } from '../hotlist/import.ts';
import { LocalEntriesRepo } from '../hotlist/local-repo.ts';
import { HotlistPushReceiver, hotlistPushTopic, hotlistStatusTopic } from '../hotlist/push.ts';
import { loadPublicKey } from '../hotlist/signing.ts';
import { HotlistSync } from '../hotlist/sync.ts';
import type { MqttTransport } from '../mqtt/transport.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { Database } from '../store/db.ts';
import type { IdGenerator } from '../store/ids.ts';

export interface HotlistServiceDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  newId: IdGenerator;
  transport: MqttTransport;
  onImported?: (result: ImportResult) => void;
}

export class HotlistService {
  readonly cache: HotlistCache;
  private sync: HotlistSync | null = null;
  private push: HotlistPushReceiver | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastImportAt: number | null = null;

  constructor(
    private readonly cfg: Config,
    private readonly deps: HotlistServiceDeps,
  ) {
    const feedMaxAge = new Map(cfg.hotlist.feeds.map((f) => [f.source, f.maxAgeHours * 3_600_000]));
    this.cache = new HotlistCache(deps.db, { clock: deps.clock, maxAgeMs: (source) => feedMaxAge.get(source) ?? null });
  }

  /** Age of the newest applied list (import, sync or push) in ms, or null when none. */
  ageMs(): number | null {
    return this.lastImportAt === null ? null : this.deps.clock.now() - this.lastImportAt;
  }

  /** Imports the start-up files and loads the match cache; must finish before cameras start. */
  async start(): Promise<void> {
    const { cfg, deps } = this;
    const { db, clock, logger, newId } = deps;
    for (const file of cfg.hotlist.importOnStart) {
      const result = importHotlistFile(db, file, { mode: cfg.hotlist.importMode, clock, newId });
      logger.info({ file, imported: result.imported, applied: result.applied, badLines: result.errors.length }, 'hot list imported');
      if (result.applied) this.lastImportAt = clock.now();
      deps.onImported?.(result);
    }
    this.cache.loadNow();

    const { prefix, agency, device } = { prefix: cfg.mqtt.topicPrefix, agency: cfg.device.agency, device: cfg.device.id };
    if (cfg.hotlist.publicKey !== undefined && (cfg.hotlist.feeds.length > 0 || cfg.hotlist.push.enabled)) {
      const statusTopic = hotlistStatusTopic(prefix, agency, device);
      this.sync = new HotlistSync(db, {
        clock,
        logger: logger.child({ stage: 'hotlist-sync' }),
        publicKey: loadPublicKey(cfg.hotlist.publicKey),
        feeds: cfg.hotlist.feeds.map((f) => ({
          source: f.source,
          url: f.url,
          intervalMs: f.intervalS * 1000,
          maxAgeMs: f.maxAgeHours * 3_600_000,
          mode: f.mode,
        })),
        pushSources: cfg.hotlist.push.sources,
        cache: this.cache,
        onStatus: async (status) => {
          if (!deps.transport.connected) return; // the next check publishes it again
          await deps.transport.publish(statusTopic, JSON.stringify(status), { qos: 1, retain: true });
        },
      });
      this.sync.start();
      if (cfg.hotlist.push.enabled) {
        this.push = new HotlistPushReceiver(deps.transport, this.sync, hotlistPushTopic(prefix, agency, device), logger);
        this.push.start();
      }
    }

    const local = new LocalEntriesRepo(db);
    this.timer = setInterval(() => {
      local.expireDue(clock.now());
      // Picks up CLI imports, approvals and expiries; the swap is atomic, matching never waits.
      this.cache.refresh().catch((err: unknown) => logger.error({ err: (err as Error).message }, 'hot-list cache refresh failed'));
      this.sync?.checkStaleness().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'hot-list staleness check failed'));
    }, cfg.hotlist.staleCheckS * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.push?.stop();
    await this.sync?.stop();
  }
}
