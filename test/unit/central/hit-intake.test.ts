import { describe, expect, it } from 'vitest';
import { intakeHit } from '../../../src/central/hit-intake.ts';
import { HIT_NOTICE } from '../../../src/mqtt/contract/hit.ts';

const message = {
  v: 1,
  id: '01938a6e-0000-7000-8000-000000000001',
  passId: null,
  time: '2026-11-28T19:00:00.000Z',
  device: 'car-1',
  agency: 'pd',
  camera: 'front',
  plate: 'ABC123',
  confidence: 0.9,
  candidates: [{ text: 'ABC123', confidence: 0.9 }],
  match: { entryId: 'e-1', list: 'stolen', reason: 'Stolen', caseNumber: 'C-1', rule: 'exact' },
  gps: { lat: 40.1, lon: -74.2, fixTime: '2026-11-28T18:59:59.800Z', quality: { fixType: '3d', hdop: 0.9, satellites: 9, ageMs: 200, source: 'serial' }, speedMps: 10, headingDeg: 90 },
  crop: null,
  frame: null,
  notice: HIT_NOTICE,
};
const T = Date.UTC(2026, 10, 28, 19, 0, 1);

describe('intakeHit', () => {
  it('maps a contract message to the stored columns and keeps the message text', () => {
    const text = JSON.stringify(message);
    const r = intakeHit('alpr', 'alpr/pd/car-1/hits', Buffer.from(text), T, 'rx');
    expect(r).toEqual({
      ok: true,
      hit: {
        id: message.id,
        agency: 'pd',
        device: 'car-1',
        camera: 'front',
        capturedAt: Date.UTC(2026, 10, 28, 19, 0, 0),
        plate: 'ABC123',
        confidence: 0.9,
        list: 'stolen',
        matchRule: 'exact',
        entryId: 'e-1',
        caseNumber: 'C-1',
        reason: 'Stolen',
        lat: 40.1,
        lon: -74.2,
        receivedAt: T,
        receiver: 'rx',
        message: text,
      },
    });
    const noGps = intakeHit('alpr/', 'alpr/pd/car-1/hits', JSON.stringify({ ...message, gps: null }), T, 'rx');
    expect(noGps.ok && [noGps.hit.lat, noGps.hit.lon]).toEqual([null, null]);
  });

  it('refuses what is not a hit, saying why', () => {
    const reason = (topic: string, payload: string): string => {
      const r = intakeHit('alpr', topic, payload, T, 'rx');
      return r.ok ? 'accepted' : r.reason;
    };
    expect(reason('alpr/pd/car-1/hits', '{')).toMatch(/^not JSON/);
    expect(reason('alpr/pd/car-1/hits', JSON.stringify({ ...message, v: 2 }))).toMatch(/^v: /);
    expect(reason('alpr/pd/car-1/hits', JSON.stringify({ ...message, plate: 'abc 123' }))).toMatch(/^plate: /);
    expect(reason('alpr/pd/car-1/hits', JSON.stringify({ ...message, match: { ...message.match, rule: 'guess' } }))).toMatch(/^match\.rule: /);
    expect(reason('alpr/pd/car-2/hits', JSON.stringify(message))).toBe("message is from pd/car-1 but was published on pd/car-2's topic");
    expect(reason('other/pd/car-1/hits', JSON.stringify(message))).toMatch(/is not <prefix>\/<agency>\/<device>\/hits under "alpr"/);
    expect(reason('alpr/pd/car-1/status', JSON.stringify(message))).toMatch(/is not <prefix>/);
    expect(reason('alpr/pd/car-1/hits', JSON.stringify({ ...message, match: { ...message.match, reason: 'a\u0000b' } }))).toBe('a text field holds a NUL character (U+0000)');
  });
});
