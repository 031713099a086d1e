/**
 * The one definition of alpr-edge's configuration. The TypeScript type, the defaults and
 * the JSON Schema (firmware-config/config.schema.json) are all derived from this schema.
 * Unknown keys are rejected everywhere so a typo never silently falls back to a default.
 */
import { z } from 'zod';

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, "-" and "_" only, starting with a letter or digit');

const replay = z
  .enum(['realtime', 'fast'])
  .describe('"realtime" paces frames at their recorded times; "fast" decodes as fast as the pipeline takes them.');

const videoFileCamera = z
  .strictObject({
    type: z.literal('video-file').describe('Replay a recorded video file, decoded by ffmpeg.'),
    id: id.describe('Camera identifier stored with every detection.'),
    path: z.string().min(1).max(4096).describe('Video file path, relative to the config file.'),
    replay: replay.default('realtime'),
    loop: z.boolean().default(false).describe('Start again at the end instead of ending the source.'),
    maxFps: z.number().positive().max(120).optional().describe('Drop frames to at most this rate (decode still reads all).'),
  })
  .describe('A video file replayed as a camera (fixtures, technicians).');

const imageFolderCamera = z
  .strictObject({
    type: z.literal('image-folder').describe('Replay the JPEG/PNG images of a folder in name order.'),
    id: id.describe('Camera identifier stored with every detection.'),
    path: z.string().min(1).max(4096).describe('Folder path, relative to the config file.'),
    replay: replay.default('fast'),
    fps: z.number().positive().max(120).default(2).describe('Frame rate assumed for capture timestamps and realtime pacing.'),
    loop: z.boolean().default(false).describe('Start again at the end instead of ending the source.'),
  })
  .describe('A folder of still images replayed as a camera.');

export const cameraSchema = z.discriminatedUnion('type', [videoFileCamera, imageFolderCamera]);

const readerSchema = z
  .strictObject({
    detMaxSide: z
      .int()
      .min(320)
      .max(2048)
      .default(1280)
      .describe('Longest image side fed to the text detector, in pixels (multiple of 32 is used).'),
    minConfidence: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Reads below this confidence are not stored or matched.'),
    threads: z.int().min(1).max(16).default(2).describe('CPU threads per ONNX session.'),
    modelsDir: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .describe('Folder holding manifest.json, relative to the config file; defaults to the models/ folder shipped with alpr-edge.'),
  })
  .describe('Plate detection and recognition.');

const storeSchema = z
  .strictObject({
    dataDir: z
      .string()
      .min(1)
      .max(4096)
      .default('data')
      .describe('Directory for the SQLite database and crop images, relative to the config file.'),
    cropQuality: z.int().min(30).max(100).default(85).describe('JPEG quality of stored plate crops.'),
    cropMargin: z.number().min(0).max(1).default(0.15).describe('Margin added around the plate box when cropping, as a fraction of its size.'),
  })
  .describe('Detection store.');

const hotlistSchema = z
  .strictObject({
    importOnStart: z
      .array(z.string().min(1).max(4096))
      .max(32)
      .default([])
      .describe('CSV hot-list files (plate,state,list,reason,...) imported at start-up, relative to the config file.'),
  })
  .describe('Hot lists.');

const mqttSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Publish hits to the broker; when false hits wait in the outbox.'),
    url: z
      .string()
      .max(2048)
      .regex(/^(mqtt|mqtts|ws|wss):\/\/[^\s]+$/, 'an mqtt://, mqtts://, ws:// or wss:// URL')
      .default('mqtt://127.0.0.1:1883')
      .describe('Broker URL.'),
    topicPrefix: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^#+\s]+$/, 'no wildcards or spaces')
      .default('alpr')
      .describe('Topics are <prefix>/<agency>/<device>/<kind>.'),
    clientId: z.string().min(1).max(128).optional().describe('MQTT client id; defaults to alpr-edge-<device id>.'),
    username: z.string().min(1).max(256).optional().describe('Broker user name.'),
    passwordFile: z.string().min(1).max(4096).optional().describe('File holding the broker password (never inline).'),
    retryMs: z.int().min(100).max(600_000).default(2_000).describe('Initial delay before retrying unsent outbox rows.'),
    drainTimeoutMs: z
      .int()
      .min(0)
      .max(600_000)
      .default(5_000)
      .describe('When all cameras end, wait this long for the outbox to drain before exiting.'),
  })
  .describe('Delivery of hits to the central server.');

export const configSchema = z
  .strictObject({
    device: z
      .strictObject({
        id: id.default('demo-01').describe('This device, unique within the agency.'),
        agency: id.default('demo').describe('Agency identifier used in topics.'),
      })
      .prefault({})
      .describe('Identity of this appliance.'),
    cameras: z.array(cameraSchema).min(1).max(16).describe('Frame sources.'),
    reader: readerSchema.prefault({}),
    store: storeSchema.prefault({}),
    hotlist: hotlistSchema.prefault({}),
    mqtt: mqttSchema.prefault({}),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info').describe('Log level.'),
      })
      .prefault({})
      .describe('Logging.'),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.cameras.forEach((cam, i) => {
      if (seen.has(cam.id)) {
        ctx.addIssue({ code: 'custom', path: ['cameras', i, 'id'], message: `duplicate camera id "${cam.id}"` });
      }
      seen.add(cam.id);
    });
  })
  .describe('alpr-edge configuration.');

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type CameraConfig = z.output<typeof cameraSchema>;

/** The JSON Schema of the config file, as written to firmware-config/config.schema.json. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}
