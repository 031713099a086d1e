/**
 * The officer's API on a real store: login and session cookie, a hit with its images, matched
 * entry and notice, dispositions, search with purpose and case, local hot-list entries and
 * approval, holds, the audit log, and live hits over server-sent events on a real socket.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedHit, seedRead } from '../support/api-db.ts';
import { startApiHarness, type ApiHarness } from '../support/api-server.ts';
import { DetectionFramesRepo } from '../../src/store/detection-frames.ts';

let h: ApiHarness;
let op: { cookie: string; csrf: string };
let sup: { cookie: string; csrf: string };
let cropJpeg: Buffer;

type Json = Record<string, unknown>;
const as = (s: { cookie: string; csrf: string }) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });
const get = (s: { cookie: string; csrf: string }, url: string) => h.app.inject({ method: 'GET', url, headers: as(s) });
const post = (s: { cookie: string; csrf: string }, url: string, payload: unknown = {}) => h.app.inject({ method: 'POST', url, headers: as(s), payload: payload as Json });

beforeAll(async () => {
  h = await startApiHarness();
  op = await h.login('operator');
  sup = await h.login('supervisor');
  const t = h.clock.now() - 60_000;
  cropJpeg = await sharp({ create: { width: 120, height: 40, channels: 3, background: '#fff' } }).jpeg().toBuffer();
  mkdirSync(join(h.dataDir, 'crops', '2026', '11', '28'), { recursive: true });
  writeFileSync(join(h.dataDir, 'crops', '2026', '11', '28', 'det-1.jpg'), cropJpeg);
  seedRead(h.db, { id: 'det-1', plate: '6TRK902', capturedAt: t, lat: 38.5, lon: -121.5, cropPath: 'crops/2026/11/28/det-1.jpg' });
  seedRead(h.db, { id: 'det-2', plate: '7ABC123', capturedAt: t + 1000, lat: 38.6, lon: -121.5 });
  h.db.prepare(
    "INSERT INTO hotlist_entries (id, plate, state, list, reason, case_number, source, imported_at) VALUES ('entry-1', '6TRK902', 'CA', 'stolen-vehicle', 'Stolen vehicle report', '26-004512', 'demo.csv', 1)",
  ).run();
  seedHit(h.db, { id: 'hit-1', detectionId: 'det-1', plate: '6TRK902', entryId: 'entry-1', createdAt: t });
  const frame = await sharp({ create: { width: 640, height: 360, channels: 3, background: '#336' } }).jpeg().toBuffer();
  new DetectionFramesRepo(h.db).put('det-1', { jpeg: frame, width: 640, height: 360 });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('session', () => {
  it('sets an HttpOnly, SameSite=Strict cookie and answers who is logged in', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'auditor', password: 'correct horse battery' } });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/^alpr_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const me = await get(op, '/api/session');
    expect(me.json()).toMatchObject({ user: { username: 'operator', roles: ['operator'], trained: true }, csrfToken: op.csrf });
    expect((me.json() as { user: { permissions: string[] } }).user.permissions).toContain('search');
  });

  it('ends the session on logout', async () => {
    const s = await h.login('admin');
    expect((await post(s, '/api/logout')).statusCode).toBe(200);
    expect((await get(s, '/api/session')).statusCode).toBe(401);
  });
});

describe('hits', () => {
  it('lists recent hits and shows one with the matched entry, the notice and both images (audited)', async () => {
    const list = await get(op, '/api/hits');
    expect(list.json()).toMatchObject({ hits: [{ hitId: 'hit-1', plate: '6TRK902', list: 'stolen-vehicle', disposition: null }] });
    const res = await get(op, '/api/hits/hit-1');
    expect(res.statusCode).toBe(200);
    const d = res.json() as Json;
    expect(d).toMatchObject({
      hit: { id: 'hit-1', reason: 'Stolen vehicle report', caseNumber: '26-004512', matchRule: 'exact' },
      entry: { id: 'entry-1', plate: '6TRK902', state: 'CA', source: 'demo.csv' },
      images: { crop: '/api/detections/det-1/crop', frame: '/api/detections/det-1/frame' },
    });
    expect(d.notice).toMatch(/^Verify before action/);
    const crop = await get(op, '/api/detections/det-1/crop');
    expect(crop.headers['content-type']).toBe('image/jpeg');
    expect(crop.rawPayload.equals(cropJpeg)).toBe(true);
    const frame = await get(op, '/api/detections/det-1/frame');
    expect((await sharp(frame.rawPayload).metadata()).width).toBe(640);
    expect((await get(op, '/api/detections/det-2/frame')).statusCode).toBe(404);
    const audited = h.deps.audit.list({ userId: undefined, order: 'desc', limit: 3 }).map((e) => [e.action, e.target, e.detail.image ?? null]);
    expect(audited).toEqual([
      ['view-image', 'det-1', 'frame'],
      ['view-image', 'det-1', 'crop'],
      ['view-hit', 'hit-1', null],
    ]);
  });

  it('records a disposition only after verification, and a stop only with its report number (audited)', async () => {
    const notVerified = await post(op, '/api/hits/hit-1/disposition', { outcome: 'confirmed' });
    expect(notVerified.statusCode).toBe(400);
    expect((notVerified.json() as { error: string }).error).toMatch(/verified/);
    const noReport = await post(op, '/api/hits/hit-1/disposition', { outcome: 'stop-made', verified: true });
    expect(noReport.statusCode).toBe(400);
    expect((noReport.json() as { error: string }).error).toMatch(/report number/);
    const ok = await post(op, '/api/hits/hit-1/disposition', { outcome: 'stop-made', verified: true, reportNumber: 'R-2026-0042' });
    expect(ok.statusCode).toBe(200);
    expect((await get(op, '/api/hits')).json()).toMatchObject({ hits: [{ hitId: 'hit-1', disposition: 'stop-made' }] });
    expect(h.deps.audit.list({ action: 'disposition' })).toMatchObject([{ username: 'operator', target: 'hit-1', caseNumber: 'R-2026-0042', detail: { outcome: 'stop-made' } }]);
    expect((await post(op, '/api/hits/nope/disposition', { outcome: 'misread', verified: true })).statusCode).toBe(400);
  });
});

describe('search', () => {
  it('needs a purpose and a case number, and says which is missing', async () => {
    const res = await post(op, '/api/search', { plate: '6TRK902', purpose: 'stolen vehicle follow-up' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'search needs a case number' });
    expect((await post(op, '/api/search', { purpose: 'p', caseNumber: 'c' })).json()).toEqual({ error: 'invalid body: give a plate, a time range or a place to search' });
  });

  it('finds by partial plate, time and place, and audits purpose, case and criteria', async () => {
    const res = await post(op, '/api/search', { plate: '6trk-9*', purpose: 'stolen vehicle follow-up', caseNumber: '26-004512' });
    expect((res.json() as { results: { id: string }[] }).results.map((r) => r.id)).toEqual(['det-1']);
    const near = await post(op, '/api/search', { near: { lat: 38.6, lon: -121.5, radiusM: 500 }, purpose: 'p', caseNumber: 'c' });
    expect((near.json() as { results: { id: string }[] }).results.map((r) => r.id)).toEqual(['det-2']);
    const from = new Date(h.clock.now() - 30_000).toISOString();
    const byTime = await post(op, '/api/search', { from, to: new Date(h.clock.now()).toISOString(), purpose: 'p', caseNumber: 'c' });
    expect((byTime.json() as { results: unknown[] }).results).toEqual([]);
    const entries = h.deps.audit.list({ action: 'search', order: 'asc' });
    expect(entries[0]).toMatchObject({ username: 'operator', target: '6TRK9*', purpose: 'stolen vehicle follow-up', caseNumber: '26-004512', detail: { plate: '6TRK9*', results: 1 } });
    expect(entries).toHaveLength(3);
  });
});

describe('local hot list', () => {
  it('enters a pending entry, refuses approval by its own author, approves by another supervisor, renews', async () => {
    const entered = await post(sup, '/api/hotlist/local', { plate: '8xyz 4*', state: 'ca', list: 'bolo', caseNumber: '26-9', reason: 'armed robbery suspect' });
    expect(entered.statusCode).toBe(200);
    const entry = (entered.json() as { entry: { id: string; plate: string; status: string; enteredBy: string } }).entry;
    expect(entry).toMatchObject({ plate: '8XYZ4*', status: 'pending', enteredBy: 'supervisor' });
    const self = await post(sup, `/api/hotlist/local/${entry.id}/approve`);
    expect(self.statusCode).toBe(400);
    expect((self.json() as { error: string }).error).toMatch(/other than the member who entered it/);
    expect((await post(op, `/api/hotlist/local/${entry.id}/approve`)).statusCode).toBe(403);
    const other = await h.login('supervisor2');
    const approved = await post(other, `/api/hotlist/local/${entry.id}/approve`);
    expect(approved.json()).toMatchObject({ entry: { status: 'active', approvedBy: 'supervisor2' } });
    h.clock.advance(60_000);
    const renewed = await post(op, `/api/hotlist/local/${entry.id}/renew`);
    expect(renewed.statusCode).toBe(200);
    expect(h.localChanges).toBe(2);
    expect((await get(op, '/api/hotlist/local')).json()).toMatchObject({ entries: [{ id: entry.id, status: 'active' }] });
    expect(h.deps.audit.list({ order: 'asc' }).filter((e) => e.action.startsWith('hotlist-')).map((e) => [e.action, e.username])).toEqual([
      ['hotlist-enter', 'supervisor'],
      ['hotlist-approve', 'supervisor2'],
      ['hotlist-renew', 'operator'],
    ]);
    expect((await post(op, '/api/hotlist/local', { plate: '8X', list: 'bolo', caseNumber: '1', reason: 'r' })).statusCode).toBe(400);
  });
});

describe('holds and audit', () => {
  it('places and releases a hold (supervisor), refused to an operator', async () => {
    expect((await post(op, '/api/holds', { detectionId: 'det-2', caseNumber: '26-7', reason: 'court' })).statusCode).toBe(403);
    const placed = await post(sup, '/api/holds', { detectionId: 'det-2', caseNumber: '26-7', reason: 'court' });
    const hold = (placed.json() as { hold: { id: string; heldBy: string } }).hold;
    expect(hold.heldBy).toBe('supervisor');
    expect((await get(sup, '/api/holds')).json()).toMatchObject({ holds: [{ id: hold.id, detectionId: 'det-2' }] });
    expect((await post(sup, '/api/holds', { detectionId: 'missing', caseNumber: '1', reason: 'r' })).statusCode).toBe(400);
    expect((await post(sup, `/api/holds/${hold.id}/release`, { reason: 'case closed' })).json()).toMatchObject({ hold: { releasedBy: 'supervisor' } });
    expect((await get(sup, '/api/holds')).json()).toEqual({ holds: [] });
  });

  it('shows the audit log to an auditor, newest first, and records that it was read', async () => {
    const auditor = await h.login('auditor');
    const res = await get(auditor, '/api/audit?action=search&limit=2');
    const entries = (res.json() as { entries: { action: string; username: string }[] }).entries;
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => e.action === 'search' && e.username === 'operator')).toBe(true);
    expect(h.deps.audit.list({ order: 'desc', limit: 1 })[0]).toMatchObject({ action: 'audit-read', username: 'auditor' });
    expect(h.deps.audit.verify().ok).toBe(true);
  });
});

describe('live hits', () => {
  it('streams a recorded hit to a logged-in page over server-sent events', async () => {
    const base = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const ac = new AbortController();
    const res = await fetch(`${base}/api/hits/stream`, { headers: { cookie: op.cookie }, signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const read = async (until: RegExp) => {
      while (!until.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await read(/: connected/);
    expect(h.deps.hitEvents.subscribers).toBe(1);
    h.deps.hitEvents.publish({
      detectionId: 'det-1',
      cameraId: 'cam-a',
      capturedAt: 1,
      hits: [{ id: 'hit-9', detectionId: 'det-1', hotlistEntryId: 'entry-1', plate: '6TRK902', list: 'stolen-vehicle', reason: '<b>x</b>', caseNumber: null, matchRule: 'exact', matchedText: null, swaps: [], stale: false, createdAt: 1 }],
    });
    await read(/event: hit[^]*\n\n$/);
    const event = /event: hit\nid: hit-9\ndata: (.*)\n\n/.exec(text);
    expect(JSON.parse(event?.[1] ?? '{}')).toMatchObject({ hitId: 'hit-9', plate: '6TRK902', reason: '<b>x</b>' });
    ac.abort();
    await new Promise((r) => setTimeout(r, 100));
    expect(h.deps.hitEvents.subscribers).toBe(0);
  });
});
