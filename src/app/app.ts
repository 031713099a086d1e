/**
 * The composition root: builds every service in flow order (store → hot list → reader →
 * delivery → cameras), starts them, and stops them in reverse. The only module that imports
 * across pipeline stages.
 */
import { mkdirSync, statfsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { AuthService } from '../access/auth-service.ts';
import { authSettings } from '../access/config.ts';
import { buildHttpServer } from '../api/http-server.ts';
import { HitEventHub } from '../api/hit-events.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { AckReceiver } from '../alerts/ack-receiver.ts';
import { OutboxPublisher, type OutboxStats } from '../alerts/outbox-publisher.ts';
import { OutboxRepo } from '../alerts/outbox-repo.ts';
import { buildReadMessage } from '../alerts/read-message.ts';
import { DetectionRecorder } from '../alerts/recorder.ts';
import { createFrameSource, queuePolicyFor } from '../capture/create-source.ts';
import { FairGate } from '../capture/fair-scheduler.ts';
import type { SourceDeps } from '../capture/replay.ts';
import type { CameraConfig, Config } from '../config/schema.ts';
import { AlprError } from '../errors.ts';
import type { ImportResult } from '../hotlist/import.ts';
import { HotlistRepo } from '../hotlist/repo.ts';
import { transportOptionsFromConfig } from '../mqtt/config.ts';
import { StatusReporter, softwareVersion, type StatusSnapshot } from '../mqtt/status-reporter.ts';
import { ackTopic, heartbeatTopic, hitsTopic, readsTopic } from '../mqtt/topics.ts';
import { MqttTransport } from '../mqtt/transport.ts';
import { createWorkerPlateReader } from '../ocr/worker-reader.ts';
import type { PlateReader } from '../ocr/types.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { checkCropsAfterMark, lastDetectionRowid } from '../store/crop-flush-mark.ts';
import { CropFlusher } from '../store/crop-flusher.ts';
import { CropWriter } from '../store/crop-writer.ts';
import { databaseFile, openDatabase, type Database } from '../store/db.ts';
import { createIdGenerator } from '../store/ids.ts';
import { PlateTracker } from '../track/tracker.ts';
import { plateGateFrom } from '../track/plate-gate.ts';
import { sceneGatingFor } from '../motion/scene-gating.ts';
import { CameraPipeline, type CameraStats } from './camera-pipeline.ts';
import { HotlistService } from './hotlist-service.ts';
import { FixCache } from '../gps/fix-cache.ts';
import { openSerialPort, SerialGpsReader } from '../gps/serial-reader.ts';
import { RetentionSweeper } from '../retention/sweeper.ts';
import { toDetectionPosition } from '../store/position.ts';
import { assessHealth, type HealthReport } from './health.ts';
import { AppMetrics } from './metrics.ts';
import { PassRecorder, type ReadEvent } from './pass-recorder.ts';

export interface AppDeps {
  clock: Clock;
  logger: Logger;
  /** A ready reader (tests share one); otherwise one is built from config.reader. */
  reader?: PlateReader;
  sourceDeps?: Partial<SourceDeps>;
  onRead?: (event: ReadEvent) => void;
  onHotlistImported?: (result: ImportResult) => void;
}

export interface CameraOutcome {
  cameraId: string;
  stats: CameraStats;
  /** Why the camera stopped early, or null when it ended normally. */
  error: Error | null;
}

export class App {
  private db: Database | null = null;
  private reader: PlateReader | null = null;
  private ownsReader = false;
  private transport: MqttTransport | null = null;
  private publisher: OutboxPublisher | null = null;
  private outbox: OutboxRepo | null = null;
  private acks: AckReceiver | null = null;
  private statusReporter: StatusReporter | null = null;
  private pipelines: CameraPipeline[] = [];
  private cropWriter: CropWriter | null = null;
  private cropFlusher: CropFlusher | null = null;
  private http: FastifyInstance | null = null;
  private hotlist: HotlistService | null = null;
  private fixes: FixCache | null = null;
  private gps: SerialGpsReader | null = null;
  private sweeper: RetentionSweeper | null = null;
  readonly metrics: AppMetrics;
  /** Every recorded hit, for the officer page's live stream. */
  readonly hitEvents = new HitEventHub();

  constructor(
    private readonly config: Config,
    private readonly deps: AppDeps,
  ) {
    this.metrics = new AppMetrics(
      config.cameras.map((c) => c.id),
      {
        queueDepth: (id) => this.pipelines.find((p) => p.cameraId === id)?.queueDepth ?? 0,
        outbox: () => this.outboxStats(),
        diskFreeBytes: () => this.diskFreeBytes(),
        hotlistAgeMs: () => this.hotlist?.ageMs() ?? null,
        gpsFixAgeMs: () => {
          const fix = this.fixes?.latest();
          return fix ? this.deps.clock.now() - fix.receivedAt : null;
        },
      },
    );
  }

  /** Readiness of every part, for /healthz and the systemd status line. */
  health(): HealthReport {
    const outbox = this.outboxStats();
    return assessHealth({
      cameras: this.pipelines.map((p) => ({ id: p.cameraId, state: p.state, ...(p.error ? { error: p.error.message } : {}) })),
      readerLoaded: this.reader !== null,
      storeOpen: this.db !== null,
      mqttEnabled: this.config.mqtt.enabled,
      brokerConnected: this.transport?.connected ?? false,
      outboxPending: outbox.pending,
      outboxOldestAgeMs: outbox.oldestPendingAgeMs,
    });
  }

  /** Where the HTTP server listens, once started (e.g. "http://127.0.0.1:8180"), or null. */
  httpAddress(): string | null {
    const addr = this.http?.server.address();
    return addr && typeof addr === 'object' ? `http://${addr.address}:${addr.port}` : null;
  }

  private diskFreeBytes(): number | null {
    try {
      const st = statfsSync(this.config.store.dataDir);
      return st.bavail * st.bsize;
    } catch {
      return null; // the data directory is not there yet or not readable: unknown, not zero
    }
  }

  async start(): Promise<void> {
    const { config: cfg, deps } = this;
    const { clock, logger } = deps;
    const newId = createIdGenerator(clock);

    mkdirSync(cfg.store.dataDir, { recursive: true });
    const db = openDatabase(databaseFile(cfg.store.dataDir));
    this.db = db;
    // Crops that a power cut lost since the last flush: their rows keep the read, not the path.
    const cropCheck = await checkCropsAfterMark(db, cfg.store.dataDir);
    if (cropCheck.cleared.length > 0) {
      logger.warn({ checked: cropCheck.checked, cleared: cropCheck.cleared.length }, 'crops lost in an unclean shutdown: their reads are kept without an image');
    }
    this.cropWriter = new CropWriter(cfg.store.dataDir);
    this.cropFlusher = new CropFlusher({
      writer: this.cropWriter,
      dataDir: cfg.store.dataDir,
      lastRowid: () => lastDetectionRowid(db),
      walFile: `${databaseFile(cfg.store.dataDir)}-wal`,
      intervalMs: Math.max(1, cfg.store.cropFlushIntervalMs),
      initialMark: cropCheck.mark,
      onError: (err) => logger.error({ err }, 'flushing crops failed; retried at the next interval'),
    });
    this.cropFlusher.start();
    // One audit log for the daemon: the sweeper's purge entries and the API's accesses share its chain.
    const audit = new AuditLog(db, clock);
    // Finishes any purge a crash interrupted before new reads arrive, then sweeps on its timer.
    this.sweeper = new RetentionSweeper({
      db,
      dataDir: cfg.store.dataDir,
      clock,
      config: cfg.retention,
      logger: logger.child({ stage: 'retention' }),
      onStatus: (status) => logger.info({ retention: status }, 'retention'),
      // Each purge that deleted something is an audit entry with its counts (the annual report).
      audit,
    });
    await this.sweeper.start();

    if (cfg.gps.serial || cfg.gps.surveyed) {
      this.fixes = new FixCache(clock, {
        maxAgeMs: cfg.gps.maxFixAgeMs,
        ...(cfg.gps.surveyed ? { surveyed: cfg.gps.surveyed } : {}),
      });
    }
    if (cfg.gps.serial) {
      this.gps = new SerialGpsReader({
        path: cfg.gps.serial.path,
        baudRate: cfg.gps.serial.baudRate,
        clock,
        cache: this.fixes as FixCache,
        logger: logger.child({ stage: 'gps' }),
        open: openSerialPort,
      });
      await this.gps.start();
    }

    if (cfg.http.enabled) {
      // Up before the slow parts, so /healthz can say what is still missing during start-up.
      this.http = buildHttpServer({
        health: () => this.health(),
        metrics: this.metrics.registry,
        logger: logger.child({ stage: 'http' }),
        ...(cfg.http.web
          ? {
              api: {
                db,
                clock,
                newId,
                dataDir: cfg.store.dataDir,
                auth: new AuthService({ db, clock, audit, ...authSettings(cfg.access) }),
                audit,
                hitEvents: this.hitEvents,
                logger: logger.child({ stage: 'api' }),
                secureCookie: cfg.http.secureCookie,
                onLocalHotlistChanged: () => this.hotlist?.cache.refreshLocal(),
              },
            }
          : {}),
      });
      try {
        await this.http.listen({ host: cfg.http.host, port: cfg.http.port });
      } catch (err) {
        throw new AlprError('CONFIG_INVALID', `cannot serve http on ${cfg.http.host}:${cfg.http.port} (http.host/http.port): ${(err as Error).message}`, {
          cause: err,
        });
      }
      logger.info({ address: this.httpAddress() }, 'http server listening');
    }

    this.ownsReader = deps.reader === undefined;
    this.reader =
      deps.reader ??
      (await createWorkerPlateReader({
        detMaxSide: cfg.reader.detMaxSide,
        threads: cfg.reader.threads,
        recognizer: cfg.reader.recognizer,
        plateDetector: cfg.reader.plateDetector,
        region: cfg.reader.region,
        ...(cfg.reader.modelsDir === undefined ? {} : { modelsDir: cfg.reader.modelsDir }),
      }));

    this.outbox = new OutboxRepo(db);
    const mqttLogger = logger.child({ stage: 'mqtt' });
    const topic = { prefix: cfg.mqtt.topicPrefix, agency: cfg.device.agency, device: cfg.device.id };
    this.statusReporter = new StatusReporter({
      device: cfg.device.id,
      agency: cfg.device.agency,
      version: softwareVersion(),
      heartbeatTopic: heartbeatTopic(topic.prefix, topic.agency, topic.device),
      heartbeatS: cfg.mqtt.heartbeatS,
      clock,
      logger: mqttLogger,
      snapshot: () => this.statusSnapshot(),
      startedAt: clock.now(),
    });
    this.transport = new MqttTransport(transportOptionsFromConfig(cfg, mqttLogger, { statusPayload: this.statusReporter.statusPayload }));
    this.hotlist = new HotlistService(cfg, {
      db,
      clock,
      logger: logger.child({ stage: 'hotlist' }),
      newId,
      transport: this.transport,
      ...(deps.onHotlistImported ? { onImported: deps.onHotlistImported } : {}),
    });
    await this.hotlist.start();
    this.publisher = new OutboxPublisher({
      outbox: this.outbox,
      transport: this.transport,
      clock,
      logger: logger.child({ stage: 'outbox' }),
      backoff: { initialMs: cfg.mqtt.retryMs },
      ackTimeoutMs: cfg.mqtt.ackTimeoutS * 1000,
      window: cfg.mqtt.inFlight,
    });
    const publisher = this.publisher;
    this.acks = new AckReceiver({
      transport: this.transport,
      topic: ackTopic(topic.prefix, topic.agency, topic.device),
      outbox: this.outbox,
      clock,
      logger: logger.child({ stage: 'outbox' }),
      onAcked: () => publisher.acksApplied(),
    });
    if (cfg.mqtt.enabled) {
      this.acks.start();
      this.transport.start();
      this.publisher.start();
      this.statusReporter.start(this.transport);
    }
    const transport = this.transport;
    const publishRead = (event: ReadEvent): void => {
      // Best effort, QoS 0, never queued: reads are not evidence the central side must have.
      if (!cfg.mqtt.enabled || !cfg.mqtt.publishReads || event.stage !== 'final' || !transport.connected) return;
      const message = buildReadMessage({
        detectionId: event.detectionId,
        passId: event.passId ?? null,
        capturedAt: event.capturedAt,
        device: topic.device,
        agency: topic.agency,
        camera: event.cameraId,
        plate: event.plate,
        confidence: event.confidence,
        ...(event.candidates ? { candidates: event.candidates } : {}),
        hitIds: event.hits.map((h) => h.id),
      });
      transport.publish(readsTopic(topic.prefix, topic.agency, topic.device), JSON.stringify(message), { qos: 0 }).catch((err: unknown) => {
        logger.debug({ err: (err as Error).message }, 'mqtt: read not published');
      });
    };
    const recorder = new DetectionRecorder(db, {
      clock,
      newId,
      hitsTopic: hitsTopic(cfg.mqtt.topicPrefix, cfg.device.agency, cfg.device.id),
      agency: cfg.device.agency,
      deviceId: cfg.device.id,
      onHitsQueued: () => publisher.notify(),
    });
    const sink = new PassRecorder({
      dataDir: cfg.store.dataDir,
      cropQuality: cfg.store.cropQuality,
      cropWriter: this.cropWriter,
      lazyCrops: cfg.store.cropFlushIntervalMs > 0,
      hitWindowMs: cfg.track.mergeWindowMs,
      recorder,
      hotlist: new HotlistRepo(db),
      matcher: this.hotlist.cache,
      ...(this.fixes ? { position: (at: number) => toDetectionPosition((this.fixes as FixCache).nearest(at)) } : {}),
      onRead: (event) => {
        this.metrics.passes.inc({ camera: event.cameraId });
        if (event.hits.length > 0) {
          this.metrics.hits.inc({ camera: event.cameraId }, event.hits.length);
          this.hitEvents.publish(event);
        }
        publishRead(event);
        deps.onRead?.(event);
      },
    });

    const sourceDeps: SourceDeps = { clock, ...deps.sourceDeps };
    // One reader for all cameras: each camera gets its turn in rotation, none starves the others.
    const gate = new FairGate<string>(1, cfg.cameras.map((c) => c.id));
    this.pipelines = cfg.cameras.map((cam) => {
      const tracker = new PlateTracker(newId, {
        maxGapMs: cfg.track.maxGapMs,
        mergeWindowMs: cfg.track.mergeWindowMs,
        minFrames: minFramesFor(cam, cfg.track.minFrames),
        confidentMinFrames: minFramesFor(cam, cfg.track.confidentFrames),
        confidentConfidence: cfg.track.confidentConfidence,
        plateGate: plateGateFrom(cfg.track.plateGate),
      });
      // Replays that run as fast as possible must read every frame; paced sources keep the newest.
      const queuePolicy = queuePolicyFor(cam);
      const scene = sceneGatingFor(cam);
      return new CameraPipeline(
        createFrameSource(cam, sourceDeps),
        this.reader as PlateReader,
        tracker,
        sink,
        {
          minConfidence: cfg.reader.minConfidence,
          cropMargin: cfg.store.cropMargin,
          queuePolicy,
          queueCapacity: 2,
          gate,
          ...scene,
          observer: {
            frameRead: (camera, seconds, reads) => {
              this.metrics.frames.inc({ camera });
              this.metrics.reads.inc({ camera }, reads);
              this.metrics.stageSeconds.observe({ stage: 'read' }, seconds);
            },
            framesDropped: (camera, count) => this.metrics.droppedFrames.inc({ camera }, count),
            passStored: (_camera, seconds) => this.metrics.stageSeconds.observe({ stage: 'store' }, seconds),
            frameSkipped: (camera) => this.metrics.skippedFrames.inc({ camera }),
            passNotPlate: (camera, reason) => this.metrics.passesNotPlate.inc({ camera, reason }),
          },
        },
        logger.child({ camera: cam.id }),
      );
    });
    for (const p of this.pipelines) p.start();
    logger.info({ cameras: this.pipelines.length }, 'started');
  }

  /** Settles when every camera has ended (file replays) or failed. */
  async camerasEnded(): Promise<CameraOutcome[]> {
    return Promise.all(
      this.pipelines.map((p) =>
        p.done.then(
          () => ({ cameraId: p.cameraId, stats: p.stats, error: null }),
          (err: unknown) => ({ cameraId: p.cameraId, stats: p.stats, error: err instanceof Error ? err : new Error(String(err)) }),
        ),
      ),
    );
  }

  /** Waits up to `timeoutMs` for queued hits to be acknowledged by the broker. */
  async drainOutbox(timeoutMs: number): Promise<boolean> {
    if (!this.publisher || !this.config.mqtt.enabled) return false;
    return this.publisher.drain(timeoutMs);
  }

  outboxStats(): OutboxStats {
    const none: OutboxStats = { pending: 0, oldestPendingAgeMs: null, unacked: 0, oldestUnackedAgeMs: null, sent: 0, failures: 0 };
    if (!this.db) return none;
    return this.publisher?.stats() ?? none;
  }

  /** What the retained MQTT status says about this device now. */
  private statusSnapshot(): StatusSnapshot {
    const now = this.deps.clock.now();
    const outbox = this.outboxStats();
    const sweep = this.sweeper?.lastSweep() ?? null;
    const latest = this.fixes?.latest() ?? null;
    const nearest = this.fixes?.nearest(now) ?? null;
    return {
      cameras: this.pipelines.map((p) => ({ id: p.cameraId, state: p.state })),
      outbox: { pending: outbox.pending, oldestAgeMs: outbox.oldestUnackedAgeMs, unacked: outbox.unacked },
      retention: {
        lastSweepAt: sweep ? new Date(sweep.at).toISOString() : null,
        deleted: sweep?.rowsDeleted ?? 0,
        diskFreeBytes: sweep?.freeBytes ?? this.diskFreeBytes(),
        diskPressure: sweep?.diskPressure ?? false,
      },
      gps: { fix: nearest !== null && nearest.fix !== null, ageMs: latest ? Math.max(0, now - latest.receivedAt) : null },
    };
  }

  /** Stops in reverse flow order: cameras, delivery, reader, store. */
  async stop(): Promise<void> {
    await Promise.all(this.pipelines.map((p) => p.stop()));
    // Passes flushed by the pipelines' stop are stored: their lazy crops and the mark go to disk.
    await this.cropFlusher?.stop().catch((err: unknown) => this.deps.logger.error({ err }, 'final crop flush failed'));
    this.cropFlusher = null;
    await this.cropWriter?.close();
    this.cropWriter = null;
    await this.hotlist?.stop();
    await this.gps?.stop();
    await this.sweeper?.stop();
    this.statusReporter?.stop();
    this.acks?.stop();
    await this.publisher?.stop();
    await this.transport?.stop();
    if (this.ownsReader) await this.reader?.close();
    this.reader = null;
    await this.http?.close();
    this.http = null;
    this.db?.close();
    this.db = null;
  }
}

/**
 * Stills cameras (folders of photos, DSLR shots, snapshot polling) show a vehicle once, not in a
 * run of frames: requiring several frames per pass there would drop every read.
 */
export function minFramesFor(cam: CameraConfig, configured: number): number {
  const stills = cam.type === 'image-folder' || cam.type === 'image-folder-watch' || cam.type === 'gphoto2' || cam.type === 'http-snapshot';
  return stills ? 1 : configured;
}
