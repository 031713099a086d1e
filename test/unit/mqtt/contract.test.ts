import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildHitMessage } from '../../../src/alerts/hit-message.ts';
import {
  ackMessageSchema,
  decodeMessage,
  heartbeatMessageSchema,
  hitMessageSchema,
  readMessageSchema,
  statusMessageSchema,
  type AckMessage,
  type HitMessage,
  type StatusMessage,
} from '../../../src/mqtt/contract/index.ts';
import { contractJsonSchemas, renderJsonSchema } from '../../../src/mqtt/contract/json-schema.ts';
import { packageRoot } from '../../../src/platform/paths.ts';
import { entry, exact, plateRead } from '../alerts/fixtures.ts';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);

function hit(): HitMessage {
  return buildHitMessage({
    hitId: '0190a0b1-0000-7000-8000-000000000001',
    passId: 'track-1',
    capturedAt: Date.UTC(2026, 10, 28, 19, 0, 0),
    device: 'car-7',
    agency: 'cityPD',
    camera: 'front',
    plate: 'ABC123',
    confidence: 0.93,
    candidates: plateRead().candidates,
    match: { ...exact(entry()), matchedText: 'ABC123', swaps: [], stale: false },
    cropJpeg: JPEG,
    frame: { jpeg: JPEG, width: 640, height: 360 },
    position: { fixType: '3d', lat: 37.5, lon: -122.25, fixAgeMs: 400, hdop: 0.9, satellites: 9, speedMps: 12, headingDeg: 90 },
  });
}

function ack(): AckMessage {
  return { v: 1, ids: ['a', 'b'], receiver: 'central-1', at: '2026-11-28T19:00:01.000Z' };
}

function status(): StatusMessage {
  return {
    v: 1,
    device: 'car-7',
    agency: 'cityPD',
    state: 'online',
    at: '2026-11-28T19:00:00.000Z',
    version: '0.1.0',
    cameras: [{ id: 'front', state: 'running' }],
    outbox: { pending: 3, oldestAgeMs: 1200, unacked: 2 },
    retention: { lastSweepAt: null, deleted: 0, diskFreeBytes: 1e9, diskPressure: false },
    gps: { fix: true, ageMs: 300 },
  };
}

/** The first issue's path and message, or 'ok'. */
function problem(schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[] }[] } } }, value: unknown): string {
  const r = schema.safeParse(value);
  return r.success ? 'ok' : (r.error?.issues[0]?.path.join('.') ?? '?');
}

describe('hit message schema', () => {
  it('accepts what buildHitMessage produces, gps and frame included', () => {
    const m = hit();
    expect(hitMessageSchema.parse(m)).toEqual(m);
    expect(m.gps).toEqual({
      lat: 37.5,
      lon: -122.25,
      fixTime: '2026-11-28T18:59:59.600Z',
      quality: { fixType: '3d', hdop: 0.9, satellites: 9, ageMs: 400, source: 'serial' },
      speedMps: 12,
      headingDeg: 90,
    });
    expect(m).toMatchObject({ v: 1, passId: 'track-1', frame: { mime: 'image/jpeg', width: 640, height: 360 } });
  });

  it('says surveyed for a fixed install and null when there is no usable position', () => {
    const base = { ...hit() };
    const built = (position: Parameters<typeof buildHitMessage>[0]['position']) =>
      buildHitMessage({ hitId: 'h', capturedAt: 0, device: 'd', agency: 'a', camera: 'c', plate: 'ABC123', confidence: 1, candidates: [], match: exact(entry()), cropJpeg: null, position });
    expect(built({ fixType: 'surveyed', lat: 1, lon: 2, fixAgeMs: 0 }).gps?.quality.source).toBe('surveyed');
    for (const p of [null, undefined, { fixType: 'none' as const }, { fixType: 'stale' as const }]) {
      const m = built(p);
      expect(m.gps).toBeNull();
      expect(m.frame).toBeNull();
      expect(m.passId).toBeNull();
      expect(hitMessageSchema.safeParse(m).success).toBe(true);
    }
    expect(base.notice).toMatch(/confirm/);
  });

  it('refuses each kind of invalid hit, naming the field', () => {
    const cases: Array<[string, (m: Record<string, unknown>) => void]> = [
      ['v', (m) => (m.v = 2)],
      ['id', (m) => delete m.id],
      ['time', (m) => (m.time = '28/11/2026')],
      ['plate', (m) => (m.plate = 'abc 123')],
      ['confidence', (m) => (m.confidence = 1.5)],
      ['device', (m) => (m.device = 'car/7')],
      ['match.rule', (m) => ((m.match as Record<string, unknown>).rule = 'fuzzy')],
      ['gps.lat', (m) => ((m.gps as Record<string, unknown>).lat = 91)],
      ['gps.quality.source', (m) => (((m.gps as Record<string, unknown>).quality as Record<string, unknown>).source = 'guess')],
      ['crop.base64', (m) => ((m.crop as Record<string, unknown>).base64 = 'not base64!')],
      ['frame.mime', (m) => ((m.frame as Record<string, unknown>).mime = 'image/png')],
      ['notice', (m) => (m.notice = '')],
    ];
    for (const [path, mutate] of cases) {
      const m = structuredClone(hit()) as unknown as Record<string, unknown>;
      mutate(m);
      expect(problem(hitMessageSchema, m), path).toBe(path);
    }
  });

  it('lets a v1 receiver ignore fields added later', () => {
    expect(hitMessageSchema.safeParse({ ...hit(), addedLater: true }).success).toBe(true);
  });
});

describe('ack message schema', () => {
  it('accepts 1..1000 ids', () => {
    expect(ackMessageSchema.parse(ack())).toEqual(ack());
    expect(ackMessageSchema.safeParse({ ...ack(), ids: Array.from({ length: 1000 }, (_, i) => `h${i}`) }).success).toBe(true);
  });

  it('refuses an empty or oversized id list, a bad time, a missing receiver or another version', () => {
    expect(problem(ackMessageSchema, { ...ack(), ids: [] })).toBe('ids');
    expect(problem(ackMessageSchema, { ...ack(), ids: Array.from({ length: 1001 }, (_, i) => `h${i}`) })).toBe('ids');
    expect(problem(ackMessageSchema, { ...ack(), ids: ['ok', 7] })).toBe('ids.1');
    expect(problem(ackMessageSchema, { ...ack(), at: 'yesterday' })).toBe('at');
    expect(problem(ackMessageSchema, { v: 1, ids: ['a'], at: ack().at })).toBe('receiver');
    expect(problem(ackMessageSchema, { ...ack(), v: 0 })).toBe('v');
  });
});

describe('status, heartbeat and read schemas', () => {
  it('accept well-formed messages', () => {
    expect(statusMessageSchema.parse(status())).toEqual(status());
    expect(statusMessageSchema.safeParse({ ...status(), state: 'offline' }).success).toBe(true);
    const beat = { v: 1, device: 'car-7', agency: 'cityPD', at: '2026-11-28T19:00:00.000Z', uptimeS: 12.5, outbox: { pending: 0, unacked: 1 } };
    expect(heartbeatMessageSchema.parse(beat)).toEqual(beat);
    const read = {
      v: 1,
      id: 'd1',
      passId: null,
      time: '2026-11-28T19:00:00.000Z',
      device: 'car-7',
      agency: 'cityPD',
      camera: 'front',
      plate: 'ABC123',
      confidence: 0.9,
      candidates: [],
      hits: [],
    };
    expect(readMessageSchema.parse(read)).toEqual(read);
  });

  it('refuse invalid ones, naming the field', () => {
    expect(problem(statusMessageSchema, { ...status(), state: 'sleeping' })).toBe('state');
    expect(problem(statusMessageSchema, { ...status(), outbox: { pending: -1, oldestAgeMs: null, unacked: 0 } })).toBe('outbox.pending');
    expect(problem(statusMessageSchema, { ...status(), gps: { fix: 'yes', ageMs: null } })).toBe('gps.fix');
    expect(problem(heartbeatMessageSchema, { v: 1, device: 'd', agency: 'a', at: '2026-11-28T19:00:00.000Z', uptimeS: -1, outbox: { pending: 0, unacked: 0 } })).toBe('uptimeS');
  });
});

describe('decodeMessage', () => {
  it('returns the value, or one line naming what was wrong', () => {
    expect(decodeMessage(ackMessageSchema, Buffer.from(JSON.stringify(ack())))).toEqual({ ok: true, value: ack() });
    const notJson = decodeMessage(ackMessageSchema, Buffer.from('{oops'));
    expect(notJson.ok).toBe(false);
    expect(!notJson.ok && notJson.error).toMatch(/^not JSON/);
    const bad = decodeMessage(ackMessageSchema, JSON.stringify({ ...ack(), ids: [] }));
    expect(!bad.ok && bad.error).toMatch(/^ids: /);
  });
});

describe('docs/mqtt-schema', () => {
  it('is in step with the zod schemas (npm run gen:mqtt-schema)', () => {
    for (const [name, schema] of Object.entries(contractJsonSchemas())) {
      const committed = readFileSync(resolve(packageRoot, 'docs', 'mqtt-schema', `${name}.json`), 'utf8');
      expect(committed, `${name}.json`).toBe(renderJsonSchema(schema));
    }
  });
});
