/**
 * The one definition of alpr-edge's configuration. The TypeScript type, the defaults and
 * the JSON Schema (firmware-config/config.schema.json) are all derived from this schema.
 * Unknown keys are rejected everywhere so a typo never silently falls back to a default.
 */
import { z } from 'zod';
import { polygonArea } from '../track/roi.ts';

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, "-" and "_" only, starting with a letter or digit');

const replay = z
  .enum(['realtime', 'fast'])
  .describe('"realtime" paces frames at their recorded times; "fast" decodes as fast as the pipeline takes them.');

// ---- Per-camera scene options: region of interest and motion gating (any stream camera).
const unit = z.number().min(0).max(1);
const roiRect = z
  .strictObject({
    x: unit.describe('Left edge, 0..1 of the image width.'),
    y: unit.describe('Top edge, 0..1 of the image height.'),
    w: z.number().gt(0).max(1).describe('Width, 0..1 of the image width.'),
    h: z.number().gt(0).max(1).describe('Height, 0..1 of the image height.'),
  })
  .refine((r) => r.x + r.w <= 1 + 1e-9 && r.y + r.h <= 1 + 1e-9, 'the rectangle must lie inside the image (x + w <= 1 and y + h <= 1)');
const roi = z
  .strictObject({
    polygon: z
      .array(z.tuple([unit, unit]))
      .min(3, 'a polygon needs at least 3 points')
      .max(64)
      .optional()
      .describe('Corners [x, y] in order, 0..1 of the image width and height (0,0 top left).'),
    rects: z.array(roiRect).min(1).max(16).optional().describe('Rectangles whose union is the region.'),
    crop: z
      .boolean()
      .default(false)
      .describe(
        "Read only the region's bounding box (widened by 6% of the frame on each side), at the frame's detector scale, instead of the whole frame: on the bench fixture a half-frame window read 6.5 instead of 3.5 frames/s. Off by default: there the hot-listed plate also hit later (1.1-1.5 s instead of 0.3-0.6 s), not yet explained (docs/benchmarks.md). Ignored when the box would still cover over 80% of the frame.",
      ),
  })
  .superRefine((r, ctx) => {
    if ((r.polygon === undefined) === (r.rects === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of polygon or rects' });
    } else if (r.polygon && polygonArea(r.polygon) < 1e-4) {
      ctx.addIssue({ code: 'custom', path: ['polygon'], message: 'the polygon is degenerate (its points enclose no area)' });
    }
  })
  .describe('Region of interest: reads whose box centre lies outside it are ignored (and motion is looked for only inside it).');
const motion = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Skip reading frames in which nothing moved since the last frame read (false keeps the block but reads every frame).'),
    threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.005)
      .describe('Share (0..1) of the thumbnail pixels (inside the region of interest) that must change for a frame to be read.'),
    pixelDelta: z.int().min(1).max(255).default(20).describe('Grey-level change (of 255) at which a thumbnail pixel counts as changed.'),
    thumbWidth: z.int().min(16).max(640).default(160).describe('Width in pixels of the grey thumbnail compared.'),
    maxSkipMs: z
      .int()
      .min(100)
      .max(3_600_000)
      .default(5_000)
      .describe('Read at least one frame this often even without motion (a vehicle that stopped in view is still read), in ms.'),
  })
  .describe('Motion gating: a cheap frame difference that saves reading still frames. Absent: every frame is read.');
const sceneOptions = { roi: roi.optional(), motion: motion.optional() };

const videoFileCamera = z
  .strictObject({
    type: z.literal('video-file').describe('Replay a recorded video file, decoded by ffmpeg.'),
    id: id.describe('Camera identifier stored with every detection.'),
    path: z.string().min(1).max(4096).describe('Video file path, relative to the config file.'),
    replay: replay.default('realtime'),
    loop: z.boolean().default(false).describe('Start again at the end instead of ending the source.'),
    maxFps: z.number().positive().max(120).optional().describe('Drop frames to at most this rate (decode still reads all).'),
    ...sceneOptions,
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
    roi: roi.optional(),
  })
  .describe('A folder of still images replayed as a camera.');

// ---- Live cameras (USB, IP, DSLR, FTP folder). Credentials are never inline: a file or a
// systemd credential name only, so no password sits in the config, the argv or the logs.

const credentialName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9_.-]+$/, 'a systemd credential name: letters, digits, ".", "-" and "_"');

const cameraAuth = z
  .strictObject({
    username: z.string().min(1).max(256).describe('User name on the camera (not secret).'),
    passwordFile: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .describe('File holding the password (its first line), relative to the config file; mode 0600, owned by the service user.'),
    passwordCredential: credentialName
      .optional()
      .describe('systemd credential holding the password (unit: LoadCredential=NAME:/etc/alpr-edge/credentials/NAME), read from $CREDENTIALS_DIRECTORY/NAME.'),
  })
  .refine((a) => (a.passwordFile === undefined) !== (a.passwordCredential === undefined), {
    message: 'give exactly one of passwordFile or passwordCredential',
  })
  .describe('Camera login. The password is read from a file or a systemd credential at each connection, never from the config.');

const reconnect = z
  .strictObject({
    initialMs: z
      .int()
      .min(50)
      .max(60_000)
      .default(1_000)
      .describe('Wait before the first retry after the camera is lost, in ms; it doubles after each failed attempt.'),
    maxMs: z.int().min(100).max(600_000).default(30_000).describe('Retry waits never grow past this, in ms.'),
  })
  .prefault({})
  .describe('Reconnection with capped exponential backoff (with ±20% jitter so many cameras do not retry in step).');

const stallTimeoutMs = (dflt: number): z.ZodDefault<z.ZodInt> =>
  z
    .int()
    .min(500)
    .max(600_000)
    .default(dflt)
    .describe('A camera that delivers no frame for this long (connecting included) is treated as lost and reconnected, in ms.');

const liveMaxFps = z
  .number()
  .positive()
  .max(120)
  .optional()
  .describe('Keep at most this many frames a second (the first of each 1/maxFps slot); the rest are dropped before conversion.');

const noUserInfo = (schemes: string): RegExp => new RegExp(`^(${schemes})://[^\\s/@?#]+(/[^\\s]*)?$`);

const tlsInsecure = z
  .boolean()
  .default(false)
  .describe('Accept any TLS certificate (self-signed cameras on an isolated network only).');

const v4l2Camera = z
  .strictObject({
    type: z.literal('v4l2').describe('A USB camera through Video4Linux2, decoded by ffmpeg.'),
    id: id.describe('Camera identifier stored with every detection.'),
    device: z
      .string()
      .max(4096)
      .regex(/^\/dev\/\S+$/, 'a device path under /dev')
      .default('/dev/video0')
      .describe('V4L2 device; prefer the stable /dev/v4l/by-id/... or /dev/v4l/by-path/... link over /dev/videoN.'),
    width: z.int().min(32).max(7680).default(1280).describe('Capture width asked of the camera (v4l2-ctl --list-formats-ext lists what it offers).'),
    height: z.int().min(32).max(4320).default(720).describe('Capture height asked of the camera.'),
    fps: z.number().positive().max(240).default(15).describe('Capture frame rate asked of the camera.'),
    inputFormat: z
      .enum(['mjpeg', 'yuyv422', 'h264', 'nv12', 'yuv420p', 'rgb24', 'gray'])
      .optional()
      .describe('Pixel format asked of the camera; mjpeg lets most USB cameras reach full resolution and frame rate.'),
    maxFps: liveMaxFps,
    reconnect,
    stallTimeoutMs: stallTimeoutMs(5_000),
    ...sceneOptions,
  })
  .describe('A USB (UVC) camera.');

const rtspCamera = z
  .strictObject({
    type: z.literal('rtsp').describe('An IP camera stream over RTSP, decoded by ffmpeg.'),
    id: id.describe('Camera identifier stored with every detection.'),
    url: z
      .string()
      .max(2048)
      .regex(noUserInfo('rtsp|rtsps'), 'an rtsp:// or rtsps:// URL without user:password@ (put the login in auth)')
      .describe('Stream URL, e.g. rtsp://192.0.2.10:554/Streaming/Channels/101.'),
    transport: z
      .enum(['tcp', 'udp'])
      .default('tcp')
      .describe('RTP transport: "tcp" (interleaved, survives NAT and lossy links) or "udp" (lower latency on a clean LAN).'),
    auth: cameraAuth.optional(),
    maxFps: liveMaxFps,
    reconnect,
    stallTimeoutMs: stallTimeoutMs(10_000),
    ...sceneOptions,
  })
  .describe('An IP camera over RTSP.');

const mjpegCamera = z
  .strictObject({
    type: z.literal('mjpeg').describe('An IP camera MJPEG stream over HTTP (multipart/x-mixed-replace).'),
    id: id.describe('Camera identifier stored with every detection.'),
    url: z
      .string()
      .max(2048)
      .regex(noUserInfo('http|https'), 'an http:// or https:// URL without user:password@ (put the login in auth)')
      .describe('Stream URL, e.g. http://192.0.2.11/axis-cgi/mjpg/video.cgi.'),
    auth: cameraAuth.optional(),
    tlsInsecure,
    maxFps: liveMaxFps,
    reconnect,
    stallTimeoutMs: stallTimeoutMs(10_000),
    ...sceneOptions,
  })
  .describe('An IP camera over HTTP MJPEG (Basic or Digest login).');

const httpSnapshotCamera = z
  .strictObject({
    type: z.literal('http-snapshot').describe('An IP camera polled for JPEG snapshots over HTTP.'),
    id: id.describe('Camera identifier stored with every detection.'),
    url: z
      .string()
      .max(2048)
      .regex(noUserInfo('http|https'), 'an http:// or https:// URL without user:password@ (put the login in auth)')
      .describe('Snapshot URL, e.g. http://192.0.2.12/ISAPI/Streaming/channels/101/picture.'),
    auth: cameraAuth.optional(),
    tlsInsecure,
    intervalMs: z.int().min(100).max(3_600_000).default(1_000).describe('Time between snapshot requests, in ms.'),
    reconnect,
    stallTimeoutMs: stallTimeoutMs(10_000),
    ...sceneOptions,
  })
  .describe('An IP camera polled for JPEG snapshots (Basic or Digest login).');

const gphoto2Camera = z
  .strictObject({
    type: z.literal('gphoto2').describe('A tethered DSLR/mirrorless camera through the gphoto2 command.'),
    id: id.describe('Camera identifier stored with every detection.'),
    model: z.string().min(1).max(256).optional().describe('Camera model as gphoto2 --auto-detect names it (gphoto2 --camera).'),
    port: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .describe('gphoto2 --port, e.g. "usb:001,004"; default: the first camera found.'),
    mode: z
      .enum(['capture', 'liveview', 'new-files'])
      .default('capture')
      .describe('"capture": fire the shutter every intervalMs and download; "liveview": the preview stream; "new-files": download pictures the camera takes by its own trigger.'),
    intervalMs: z.int().min(200).max(3_600_000).default(2_000).describe('capture: time between shots; new-files: time between listings, in ms.'),
    deleteAfterDownload: z.boolean().default(false).describe('new-files: delete each picture from the camera after download (keeps the card from filling).'),
    maxFps: liveMaxFps,
    reconnect,
    stallTimeoutMs: stallTimeoutMs(30_000),
    ...sceneOptions,
  })
  .describe('A DSLR or mirrorless camera on USB, driven by gphoto2.');

const imageFolderWatchCamera = z
  .strictObject({
    type: z.literal('image-folder-watch').describe('Read each new image dropped into a folder (e.g. by a camera uploading over FTP).'),
    id: id.describe('Camera identifier stored with every detection.'),
    path: z.string().min(1).max(4096).describe('Folder watched for new images, relative to the config file.'),
    settleMs: z
      .int()
      .min(100)
      .max(60_000)
      .default(1_000)
      .describe('A file is complete once its size and time stay unchanged this long (and a JPEG ends with its end marker), in ms.'),
    pollMs: z.int().min(50).max(60_000).default(500).describe('Folder listing interval, in ms (inotify wakes it earlier).'),
    afterRead: z
      .enum(['delete', 'keep'])
      .default('delete')
      .describe('"delete" each image once read (the folder never fills) or "keep" it (a rewritten file is read again).'),
    reconnect,
    roi: roi.optional(),
  })
  .describe('A folder that a camera uploads still images to.');

export const cameraSchema = z.discriminatedUnion('type', [
  videoFileCamera,
  imageFolderCamera,
  v4l2Camera,
  rtspCamera,
  mjpegCamera,
  httpSnapshotCamera,
  gphoto2Camera,
  imageFolderWatchCamera,
]);

/** Pure: the camera with every file path in it passed through `resolvePath` (relative → absolute). */
export function mapCameraPaths<C extends z.output<typeof cameraSchema>>(cam: C, resolvePath: (p: string) => string): C {
  const out: C = { ...cam };
  if ('path' in out && typeof out.path === 'string') out.path = resolvePath(out.path);
  if ('auth' in out && out.auth?.passwordFile !== undefined) {
    out.auth = { ...out.auth, passwordFile: resolvePath(out.auth.passwordFile) };
  }
  return out;
}

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
    recognizer: z
      .enum(['plate', 'ppocr', 'ensemble'])
      .default('ensemble')
      .describe(
        "Which recogniser gives the plate text: 'plate' re-reads each selected plate with the project's plate recogniser (models/plate-rec.onnx; with plateDetector 'only' also its ensemble's other members), 'ppocr' keeps the generic PP-OCR reading, 'ensemble' reads with both and keeps the text their two outputs make most likely together, the other readings as candidates (see docs/accuracy.md).",
      ),
    plateDetector: z
      .enum(['gate', 'off', 'only'])
      .default('only')
      .describe(
        "'gate' runs the project's small plate detector (models/plate-det.onnx) on each frame and the text detector only on windows around the plates it finds (a frame where it finds none costs only the small detector; where its windows would cover half the frame or give no plate, the whole frame is read); 'off' runs the text detector on the whole frame of every frame; 'only' never runs the text detector: each box the plate detector finds is read from three crops of it by the plate recogniser and, where those disagree, by the other plate recognisers the manifest lists (models/plate-rec-2.onnx, plate-rec-3.onnx: an ensemble weighed as the models' mean) and (recognizer 'ensemble') PP-OCR's recogniser, all outputs scoring every candidate (the default: an eighth of the CPU and 60 % of the memory of 'off', more US scenes read right, one Brazilian scene of 29 fewer: see docs/accuracy.md; recognizer 'plate' or 'ppocr' uses that one alone).",
      ),
    region: z
      .enum(['us', 'eu', 'br', 'none'])
      .default('us')
      .describe(
        "Whose plates the cameras see. With recognizer 'ensemble', and with plateDetector 'only', each candidate text is weighed by how often that region's plates carry its letter/digit layout and its characters (models/plate-priors.json, counted from the recogniser's training labels): on US plates a glyph both recognisers leave between O and 0 reads 0, and a D/0 in doubt follows the region's common layouts. 'none' weighs every text alike (see docs/accuracy.md).",
      ),
    modelsDir: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .describe('Folder holding manifest.json, relative to the config file; defaults to the models/ folder shipped with alpr-edge.'),
  })
  .describe('Plate detection and recognition.');

const trackSchema = z
  .strictObject({
    maxGapMs: z
      .int()
      .min(100)
      .max(60_000)
      .default(1_500)
      .describe('A vehicle pass (track) ends when its plate is unseen for longer than this, in ms.'),
    mergeWindowMs: z
      .int()
      .min(0)
      .max(3_600_000)
      .default(10_000)
      .describe('A pass whose plate equals one that ended on the same camera within this many ms is merged, not stored again.'),
    minFrames: z
      .int()
      .min(1)
      .max(100)
      .default(2)
      .describe('Frames a pass needs before it is reported: 2 drops one-frame noise (signs, partial plates at the frame edge); 1 keeps plates seen once. Stills cameras (image folders, gphoto2, snapshots) always use 1.'),
    confidentFrames: z
      .int()
      .min(1)
      .max(100)
      .default(2)
      .describe('Consecutive frames that must read the same text (each with at least confidentConfidence) before a pass\'s reading counts as confident: the hot list is matched then, so a hit is stored and sent while the vehicle is still in view (and again on the pass\'s final decision). Each frame waited costs one read of the reader, ~250 ms at 1280x720 on 2 cores.'),
    confidentConfidence: z
      .number()
      .min(0)
      .max(1)
      .default(0.8)
      .describe('Confidence (0..1) each of the confidentFrames agreeing reads needs for the pass\'s reading to count as confident.'),
    plateGate: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Drop passes that do not look like a plate (counted in alpr_passes_not_plate_total, not stored).'),
        minPlateShare: z
          .number()
          .min(0)
          .max(1)
          .default(0.5)
          .describe('Share (0..1) of a pass\'s frames whose text must look like a plate.'),
        minFrameScore: z
          .number()
          .min(0)
          .max(1)
          .default(0.45)
          .describe(
            "Plate-likeness score (0..1) from which a frame's reading looks like a plate: the plate detector's score with reader.plateDetector 'only' (the default), else the plate selection's shape score (plausible length x letter+digit mix x the line's look). The pass's voted text must also score this by the text rules alone, so 0.45 rejects letters-only words (state names, signs, also letters-only vanity plates); 0.4 keeps them.",
          ),
        minChars: z.int().min(1).max(10).default(2).describe('Fewest characters of a plate-like text.'),
        maxChars: z.int().min(1).max(10).default(8).describe('Most characters of a plate-like text.'),
        minVoteConfidence: z
          .number()
          .min(0)
          .max(1)
          .default(0.3)
          .describe("Least confidence (0..1) of a pass's voted text; it falls as the pass's frames read different texts, as text that is not a plate does (burned-in dates, logos). 0 keeps every pass."),
      })
      .refine((g) => g.minChars <= g.maxChars, { message: 'minChars must not exceed maxChars', path: ['minChars'] })
      .prefault({})
      .describe('Decision gating: a pass becomes a read only if enough of its frames look like a plate.'),
  })
  .describe('Multi-frame tracking: one read per vehicle pass.');

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
    cropFlushIntervalMs: z
      .int()
      .min(0)
      .max(60_000)
      .default(1_000)
      .describe(
        "Crops of ordinary reads are written without waiting for the disk and flushed together this often (ms), like their rows (SQLite WAL, synchronous=NORMAL): a power cut can lose the reads of the last interval, and a startup check clears the crop of any surviving row whose image did not survive. Crops of reads that hit are always on disk before their rows commit. 0: every crop is flushed before its row commits (about a third of the ingest rate).",
      ),
  })
  .describe('Detection store.');

const hotlistSourceName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'letters, digits, ".", ":", "-" and "_" only');

const hotlistFeedSchema = z
  .strictObject({
    source: hotlistSourceName.describe('Name of the list this feed replaces; the signed manifest must name the same.'),
    url: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/[^\s]+$/, 'an http:// or https:// URL')
      .describe('Where the signed list (full or delta envelope) is fetched from.'),
    intervalS: z.int().min(10).max(86_400).default(900).describe('Seconds between pulls (ETag/If-Modified-Since make unchanged pulls cheap).'),
    maxAgeHours: z
      .number()
      .min(0.1)
      .max(720)
      .default(24)
      .describe('A list not confirmed current for longer than this is stale: every hit says so and a status message is published.'),
    mode: z
      .enum(['all-or-nothing', 'apply-valid'])
      .default('all-or-nothing')
      .describe('all-or-nothing refuses a list with any bad line; apply-valid applies the good lines.'),
  })
  .describe('A hot list pulled over HTTP(S).');

const hotlistSchema = z
  .strictObject({
    importOnStart: z
      .array(z.string().min(1).max(4096))
      .max(32)
      .default([])
      .describe('Hot-list files imported at start-up (format from the extension: .csv .json .jsonl .ncic .svs .slr .sfr), relative to the config file.'),
    importMode: z
      .enum(['all-or-nothing', 'apply-valid'])
      .default('apply-valid')
      .describe('For importOnStart files: all-or-nothing refuses a file with any bad line; apply-valid applies the good lines.'),
    publicKey: z
      .string()
      .min(40)
      .max(4096)
      .optional()
      .describe('Ed25519 public key (PEM, or base64 of the raw 32 bytes) that synced and pushed lists must be signed with. Required for feeds and push.'),
    feeds: z.array(hotlistFeedSchema).max(16).default([]).describe('Lists pulled over HTTP(S).'),
    push: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Accept signed lists pushed on <prefix>/<agency>/<device>/hotlist.'),
        sources: z.array(hotlistSourceName).max(16).default([]).describe('Lists a push may replace besides the feeds\' sources.'),
      })
      .prefault({})
      .describe('Lists pushed over MQTT.'),
    staleCheckS: z.int().min(10).max(86_400).default(300).describe('Seconds between staleness checks (stale lists publish a status message).'),
  })
  .superRefine((h, ctx) => {
    if ((h.feeds.length > 0 || h.push.enabled) && h.publicKey === undefined) {
      ctx.addIssue({ code: 'custom', path: ['publicKey'], message: 'hot-list feeds and push need publicKey: unsigned lists are never applied' });
    }
    const seen = new Set<string>();
    h.feeds.forEach((f, i) => {
      if (seen.has(f.source)) ctx.addIssue({ code: 'custom', path: ['feeds', i, 'source'], message: `duplicate feed source "${f.source}"` });
      seen.add(f.source);
    });
  })
  .describe('Hot lists: files, signed feeds and pushes, staleness.');

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
    ca: z.string().min(1).max(4096).optional().describe('PEM file of the CA(s) that signed the broker certificate (mqtts:// or wss://); default: the system CAs.'),
    cert: z.string().min(1).max(4096).optional().describe('PEM file of this device\'s client certificate (client-certificate auth); needs mqtt.key.'),
    key: z.string().min(1).max(4096).optional().describe('PEM file of the client certificate\'s private key; needs mqtt.cert.'),
    rejectUnauthorized: z
      .boolean()
      .default(true)
      .describe('Refuse a broker whose certificate does not verify against mqtt.ca (or the system CAs). Only for lab tests: false.'),
    ackTimeoutS: z
      .int()
      .min(0)
      .max(86_400)
      .default(60)
      .describe('Re-publish a hit when the central receiver has not acknowledged it (on .../ack) this many seconds after the broker did; the wait doubles per re-publish up to 5 min. 0: the receiver does not ack, the broker\'s PUBACK is final.'),
    inFlight: z.int().min(1).max(1_000).default(64).describe('Hits published at once before their PUBACKs return (order is kept).'),
    heartbeatS: z.int().min(0).max(3_600).default(30).describe('Publish .../heartbeat (QoS 0) every this many seconds, and refresh the retained .../status when it changed. 0 disables.'),
    publishReads: z.boolean().default(false).describe('Also publish every final pass read (no images) on .../reads, QoS 0, best effort (not kept while offline).'),
    retryMs: z.int().min(100).max(600_000).default(2_000).describe('Initial delay before retrying unsent outbox rows.'),
    drainTimeoutMs: z
      .int()
      .min(0)
      .max(600_000)
      .default(5_000)
      .describe('When all cameras end, wait this long for the outbox to drain before exiting.'),
  })
  .superRefine((m, ctx) => {
    if ((m.cert === undefined) !== (m.key === undefined)) {
      ctx.addIssue({ code: 'custom', path: [m.cert === undefined ? 'cert' : 'key'], message: 'mqtt.cert and mqtt.key go together (client-certificate auth)' });
    }
  })
  .describe('Delivery of hits to the central server.');

/** The longest detections may be kept (days); evidence holds are the only exemption. */
export const MAX_RETENTION_DAYS = 30;

export const retentionSchema = z
  .strictObject({
    maxAgeDays: z
      .int()
      .min(1)
      .max(MAX_RETENTION_DAYS, `at most ${MAX_RETENTION_DAYS} days: reads may not be kept longer (place an evidence hold to keep one)`)
      .default(MAX_RETENTION_DAYS)
      .describe('Detections (rows, hits and crop images) older than this many days are deleted, unless under an evidence hold. 1..30.'),
    sweepIntervalMs: z
      .int()
      .min(1_000)
      .max(3_600_000)
      .default(60_000)
      .describe('How often the sweeper deletes expired reads and checks free disk space, in ms (a read outlives maxAgeDays by at most this).'),
    chunkSize: z
      .int()
      .min(10)
      .max(50_000)
      .default(5_000)
      .describe('Reads deleted per transaction; the sweeper pauses between chunks so the pipeline can store its reads.'),
    chunkPauseMs: z
      .int()
      .min(0)
      .max(1_000)
      .default(10)
      .describe('Least pause between two chunks of a purge, in ms (it is also at least half the time the last chunk took): time for the pipeline\'s own writes.'),
    diskFloorMb: z
      .int()
      .min(0)
      .max(10_000_000)
      .default(1_024)
      .describe('When free space on the data directory falls below this many MiB, the oldest unheld reads are deleted early. 0 disables.'),
    diskHeadroomMb: z
      .int()
      .min(0)
      .max(1_000_000)
      .default(256)
      .describe('Under disk pressure, reads are deleted until free space is at least diskFloorMb + this many MiB.'),
    orphanScanIntervalMs: z
      .int()
      .min(0)
      .max(604_800_000)
      .default(86_400_000)
      .describe('How often crop files without a detection row (left by a crash) are removed, in ms; 0 scans only at start-up.'),
    orphanGraceMs: z
      .int()
      .min(60_000)
      .max(86_400_000)
      .default(600_000)
      .describe('A crop file without a row is removed only when it is older than this, in ms (its row may still be committing).'),
  })
  .describe('Retention of detections: age limit, evidence holds, disk-pressure deletion.');

export type RetentionConfig = z.output<typeof retentionSchema>;

const gpsSchema = z
  .strictObject({
    serial: z
      .strictObject({
        path: z.string().min(1).max(4096).describe('Serial device of the NMEA receiver, e.g. /dev/ttyACM0 or a /dev/serial/by-id/ link.'),
        baudRate: z.int().min(1200).max(921_600).default(9600).describe('Line speed of the receiver.'),
      })
      .optional()
      .describe('A GPS receiver speaking NMEA 0183 on a serial port (patrol cars).'),
    surveyed: z
      .strictObject({
        lat: z.number().min(-90).max(90).describe('Latitude in degrees (WGS84).'),
        lon: z.number().min(-180).max(180).describe('Longitude in degrees (WGS84).'),
        altitude: z.number().min(-500).max(9000).optional().describe('Metres above mean sea level.'),
        use: z
          .enum(['always', 'fallback'])
          .default('always')
          .describe('"always" for fixed poles; "fallback" only when the receiver has no recent fix.'),
      })
      .optional()
      .describe('A surveyed position for a fixed install.'),
    maxFixAgeMs: z
      .int()
      .min(100)
      .max(60_000)
      .default(3_000)
      .describe('A fix further than this from a frame\'s capture time is stored as stale, never as the position.'),
  })
  .describe('Where each detection was seen. With neither serial nor surveyed, detections carry no position.');

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
    track: trackSchema.prefault({}),
    store: storeSchema.prefault({}),
    hotlist: hotlistSchema.prefault({}),
    mqtt: mqttSchema.prefault({}),
    retention: retentionSchema.prefault({}),
    gps: gpsSchema.prefault({}),
    access: z
      .strictObject({
        maxFailures: z.int().min(1).max(100).default(5).describe('Consecutive failed logins (within lockoutMinutes) that lock an account.'),
        lockoutMinutes: z.int().min(1).max(24 * 60).default(15).describe('How long a locked account stays locked, and the window the failures must fall in.'),
        sessionHours: z.int().min(1).max(24).default(8).describe('A session ends this long after login, however busy.'),
        sessionIdleMinutes: z.int().min(1).max(24 * 60).default(30).describe('A session ends after this long without a request.'),
      })
      .prefault({})
      .describe('Logins, lockout and sessions (see docs/access.md).'),
    http: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Serve /healthz and /metrics (and the officer page, see web) on a local port.'),
        host: z
          .string()
          .min(1)
          .max(255)
          .default('127.0.0.1')
          .describe('Address to listen on; keep it on loopback unless a firewall and TLS proxy front it.'),
        port: z.int().min(0).max(65535).default(8180).describe('TCP port; 0 picks a free port (tests).'),
        web: z.boolean().default(true).describe("Serve the officer's page and the data API (login required; every data route checks access)."),
        secureCookie: z
          .boolean()
          .default(false)
          .describe('Mark the session cookie Secure: set it when the page is reached over TLS (a proxy in front).'),
      })
      .prefault({})
      .describe('Local HTTP server.'),
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
