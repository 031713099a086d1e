/**
 * The daemon's Prometheus metrics, in a registry owned by the App (no global default
 * registry). Gauges that describe state are read when scraped, from providers the App sets.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricProviders {
  queueDepth(cameraId: string): number;
  /** pending: no PUBACK yet; unacked: PUBACK but no central ack yet; ages of the oldest of each. */
  outbox(): { pending: number; oldestPendingAgeMs: number | null; unacked: number; oldestUnackedAgeMs: number | null };
  /** Bytes free on the data directory's file system, or null when unknown. */
  diskFreeBytes(): number | null;
  /** Age of the newest hot-list import in ms, or null when none. */
  hotlistAgeMs(): number | null;
  /** Age of the newest GPS fix in ms, or null when none / no GPS. */
  gpsFixAgeMs(): number | null;
}

export class AppMetrics {
  readonly registry = new Registry();
  readonly frames: Counter<'camera'>;
  readonly reads: Counter<'camera'>;
  readonly passes: Counter<'camera'>;
  readonly hits: Counter<'camera'>;
  readonly droppedFrames: Counter<'camera'>;
  readonly skippedFrames: Counter<'camera'>;
  readonly passesNotPlate: Counter<'camera' | 'reason'>;
  readonly stageSeconds: Histogram<'stage'>;

  constructor(cameraIds: readonly string[], providers: MetricProviders) {
    const registers = [this.registry];
    this.frames = new Counter({ name: 'alpr_frames_total', help: 'Frames read by the plate reader.', labelNames: ['camera'], registers });
    this.reads = new Counter({ name: 'alpr_plate_reads_total', help: 'Single-frame plate reads kept.', labelNames: ['camera'], registers });
    this.passes = new Counter({ name: 'alpr_passes_total', help: 'Vehicle passes stored (one detection each).', labelNames: ['camera'], registers });
    this.hits = new Counter({ name: 'alpr_hits_total', help: 'Hot-list hits recorded.', labelNames: ['camera'], registers });
    this.droppedFrames = new Counter({ name: 'alpr_frames_dropped_total', help: 'Frames dropped because the reader was behind.', labelNames: ['camera'], registers });
    this.skippedFrames = new Counter({ name: 'alpr_frames_skipped_total', help: 'Frames not read because nothing moved (motion gating).', labelNames: ['camera'], registers });
    this.passesNotPlate = new Counter({
      name: 'alpr_passes_not_plate_total',
      help: 'Passes dropped because they did not look like a plate (track.plateGate), not stored.',
      labelNames: ['camera', 'reason'],
      registers,
    });
    this.stageSeconds = new Histogram({
      name: 'alpr_stage_seconds',
      help: 'Time spent per pipeline stage.',
      labelNames: ['stage'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2],
      registers,
    });
    new Gauge({
      name: 'alpr_frame_queue_depth',
      help: 'Frames waiting between capture and the reader.',
      labelNames: ['camera'],
      registers,
      collect() {
        for (const id of cameraIds) this.set({ camera: id }, providers.queueDepth(id));
      },
    });
    new Gauge({
      name: 'alpr_outbox_pending',
      help: 'Hits waiting to be acknowledged by the broker.',
      registers,
      collect() {
        this.set(providers.outbox().pending);
      },
    });
    new Gauge({
      name: 'alpr_outbox_unacked',
      help: 'Hits the broker acknowledged but the central receiver has not yet (re-published after mqtt.ackTimeoutS).',
      registers,
      collect() {
        this.set(providers.outbox().unacked);
      },
    });
    const optional = (name: string, help: string, read: () => number | null): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const v = read();
          this.set(v === null ? Number.NaN : v);
        },
      });
    };
    optional('alpr_outbox_oldest_age_seconds', 'Age of the oldest hit waiting in the outbox (NaN when empty).', () => {
      const age = providers.outbox().oldestPendingAgeMs;
      return age === null ? null : age / 1000;
    });
    optional('alpr_outbox_oldest_unacked_age_seconds', 'Age of the oldest hit not yet acknowledged by the central receiver (NaN when none).', () => {
      const age = providers.outbox().oldestUnackedAgeMs;
      return age === null ? null : age / 1000;
    });
    optional('alpr_disk_free_bytes', 'Free bytes on the data directory file system.', () => providers.diskFreeBytes());
    optional('alpr_hotlist_age_seconds', 'Age of the newest hot-list import (NaN when none).', () => {
      const age = providers.hotlistAgeMs();
      return age === null ? null : age / 1000;
    });
    optional('alpr_gps_fix_age_seconds', 'Age of the newest GPS fix (NaN when none).', () => {
      const age = providers.gpsFixAgeMs();
      return age === null ? null : age / 1000;
    });
  }
}
