/** Data releases against a real SQLite file and real crop files: screening, decisions, the signed bundle. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/audit/audit-log.ts';
import { isAlprError } from '../../../src/errors.ts';
import { verifyBundle } from '../../../src/release/bundle.ts';
import { ReleaseService } from '../../../src/release/release-service.ts';
import { DetectionsRepo } from '../../../src/store/detections-repo.ts';
import { SB34 } from '../../../src/release/screen.ts';
import { tempDb, T0, type TestDb } from '../access/helpers.ts';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]);
const SUP = { userId: 'u-sup', username: 'sgt' };
const ADMIN = { userId: 'u-adm', username: 'admin' };
const request = {
  agency: 'Oakland Police Department',
  agencyOri: 'CA0010900',
  agencyKind: 'law-enforcement',
  agencyJurisdiction: 'california-local',
  requester: 'Det. Rivera',
  purpose: 'armed robbery investigation',
  legalBasis: 'Penal Code 211; Civ. Code 1798.90.55',
  caseNumber: '26-1234',
  detectionIds: ['d1', 'd2'],
};

let t: TestDb;
let svc: ReleaseService;
let dataDir: string;
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
beforeEach(() => {
  t = tempDb('alpr-release-');
  dataDir = join(t.dir, 'data');
  const det = new DetectionsRepo(t.db);
  for (const [id, crop] of [['d1', true], ['d2', false]] as const) {
    const cropPath = crop ? `crops/test/${id}.jpg` : null;
    if (cropPath) {
      mkdirSync(join(dataDir, 'crops/test'), { recursive: true });
      writeFileSync(join(dataDir, cropPath), JPEG);
    }
    det.insert({ id, capturedAt: T0 - 3600_000, cameraId: 'cam1', plate: `7ABC${id}`, confidence: 0.9, candidates: [], box: { x: 1, y: 2, w: 3, h: 4 }, cropPath, createdAt: T0 });
  }
  svc = new ReleaseService({ db: t.db, clock: t.clock, dataDir });
});
afterEach(() => t.close());

const audit = () => new AuditLog(t.db, t.clock).list();

describe('ReleaseService', () => {
  it('approves a law-enforcement request into a signed bundle that verifies, and audits each step', () => {
    const r = svc.request(request, SUP);
    expect(r).toMatchObject({ status: 'pending', agencyOri: 'CA0010900', agencyJurisdiction: 'california-local', requestedBy: 'sgt', detectionIds: ['d1', 'd2'] });
    expect(svc.get(r.id)).toEqual(r);
    t.clock.advance(60_000);
    const out = join(t.dir, 'out');
    mkdirSync(out);
    const a = svc.approve(r.id, ADMIN, { key: privateKey, outDir: out });
    expect(a).toMatchObject({ status: 'approved', decidedBy: 'admin', decidedAt: T0 + 60_000, bundlePath: join(out, `release-${r.id}`) });
    const dir = a.bundlePath as string;
    expect(verifyBundle(dir, publicKey.export({ type: 'spki', format: 'pem' }).toString())).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: { path: string }[] };
    expect(manifest.files.map((f) => f.path)).toEqual(['request.json', 'crops/d1.jpg', 'detections.json']);
    expect(readFileSync(join(dir, 'crops/d1.jpg'))).toEqual(JPEG);
    expect(JSON.parse(readFileSync(join(dir, 'request.json'), 'utf8'))).toMatchObject({ agencyOri: 'CA0010900', agencyJurisdiction: 'california-local' });
    const dets = JSON.parse(readFileSync(join(dir, 'detections.json'), 'utf8')) as { id: string; crop: string | null }[];
    expect(dets.map((d) => [d.id, d.crop])).toEqual([['d1', 'crops/d1.jpg'], ['d2', null]]);
    expect(audit().map((e) => `${e.action} ${e.username} ${e.caseNumber}`)).toEqual(['release-request sgt 26-1234', 'release-approve admin 26-1234']);

    // Tampering with any file, or signing with another key, is caught.
    writeFileSync(join(dir, 'crops/d1.jpg'), Buffer.concat([JPEG, Buffer.from([0])]));
    writeFileSync(join(dir, 'extra.txt'), 'x');
    expect(verifyBundle(dir)).toEqual(['crops/d1.jpg does not match its SHA-256', 'extra.txt is not in the manifest']);
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifyBundle(dir, other)[0]).toMatch(/manifest.sig does not verify/);
  });

  it('refuses an immigration-enforcement purpose automatically and logs the reason', () => {
    const r = svc.request({ ...request, agency: 'DHS field office', purpose: 'locate for deportation' }, SUP);
    expect(r).toMatchObject({ status: 'refused', automatic: true, decidedBy: 'system', decisionReason: expect.stringMatching(/California Values Act/) });
    const [req, refuse] = audit();
    expect(req).toMatchObject({ action: 'release-request', detail: { status: 'refused' } });
    expect(refuse).toMatchObject({ action: 'release-refuse', target: r.id, detail: { automatic: true, terms: ['deportation'], law: 'California Values Act (Gov. Code § 7284 et seq.)', rules: ['immigration'] } });
    expect(() => svc.approve(r.id, ADMIN, { key: privateKey, outDir: t.dir })).toThrow(/is refused, only a pending request can be decided/);
  });

  it('refuses a federal agency automatically under SB 34 and logs the reason', () => {
    const r = svc.request({ ...request, agency: 'FBI San Francisco', agencyOri: 'CAFBISF00', agencyJurisdiction: 'federal', purpose: 'bank robbery task force' }, SUP);
    expect(r).toMatchObject({ status: 'refused', automatic: true, decidedBy: 'system', agencyJurisdiction: 'federal', decisionReason: expect.stringMatching(/FBI San Francisco is a federal agency \(federal\), not a California public agency/) });
    const [req, refuse] = audit();
    expect(req).toMatchObject({ action: 'release-request', detail: { status: 'refused', agencyJurisdiction: 'federal' } });
    expect(refuse).toMatchObject({ action: 'release-refuse', target: r.id, detail: { automatic: true, law: SB34, laws: [SB34], rules: ['not-california-public-agency'], terms: [], reason: r.decisionReason } });
  });

  it('logs the immigration reason first when an out-of-state agency asks for immigration enforcement', () => {
    const r = svc.request({ ...request, agency: 'Maricopa County Sheriff', agencyOri: 'AZ0070000', agencyJurisdiction: 'other-state', purpose: '287(g) task force' }, SUP);
    expect(r.status).toBe('refused');
    const refuse = audit()[1];
    expect(refuse).toMatchObject({
      action: 'release-refuse',
      detail: { law: 'California Values Act (Gov. Code § 7284 et seq.)', laws: ['California Values Act (Gov. Code § 7284 et seq.)', SB34], rules: ['immigration', 'not-california-public-agency'], terms: ['287(g)'] },
    });
    expect(String((refuse?.detail as { reason: string }).reason)).toMatch(/^refused automatically: the request concerns immigration enforcement \(287\(g\)\).*; and Maricopa County Sheriff is another state's agency/);
  });

  it('refuses a California jurisdiction with another state\'s ORI as a mismatch to fix', () => {
    const r = svc.request({ ...request, agencyOri: 'nv0160200' }, SUP);
    expect(r).toMatchObject({ status: 'refused', agencyOri: 'NV0160200', decisionReason: expect.stringMatching(/ORI NV0160200 belongs to state NV, but the jurisdiction says california-local: a mismatch, fix the request/) });
    expect(audit()[1]).toMatchObject({ action: 'release-refuse', detail: { rules: ['ori-mismatch'] } });
  });

  it('routes a non-law-enforcement body to the records process without exporting', () => {
    const r = svc.request({ ...request, agency: 'Daily Gazette', agencyOri: null, agencyKind: 'other', agencyJurisdiction: 'non-government', purpose: 'news story' }, SUP);
    expect(r).toMatchObject({ status: 'records-process', automatic: true, bundlePath: null });
    expect(audit().map((e) => e.action)).toEqual(['release-request', 'release-records-process']);
  });

  it('lets an administrator refuse, and keeps the requester from deciding their own request', () => {
    const r = svc.request(request, ADMIN);
    expect(() => svc.approve(r.id, ADMIN, { key: privateKey, outDir: t.dir })).toThrow(/other than admin, who entered it/);
    expect(() => svc.refuse(r.id, { userId: 'u-2', username: 'admin2' }, ' ')).toThrow(/needs a reason/);
    expect(svc.refuse(r.id, { userId: 'u-2', username: 'admin2' }, 'no right to know')).toMatchObject({ status: 'refused', automatic: false, decisionReason: 'no right to know' });
    expect(() => svc.refuse(r.id, { userId: 'u-2', username: 'admin2' }, 'again')).toThrow(/is refused/);
    expect(() => t.db.prepare("UPDATE releases SET status = 'approved' WHERE id = ?").run(r.id)).toThrow(/decided once/);
  });

  it('names a bad field or an unknown detection', () => {
    const err = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        expect(isAlprError(e, 'RELEASE_INVALID')).toBe(true);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err(() => svc.request({ ...request, agencyOri: 'X1' }, SUP))).toMatch(/agencyOri: ORI must be 9 characters/);
    expect(err(() => svc.request({ ...request, agencyOri: null }, SUP))).toMatch(/identified by its ORI/);
    expect(err(() => svc.request({ ...request, legalBasis: '' }, SUP))).toMatch(/legalBasis: legal basis is required/);
    expect(err(() => svc.request({ ...request, detectionIds: [] }, SUP))).toMatch(/at least one detection/);
    expect(err(() => svc.request({ ...request, agencyKind: 'press' }, SUP))).toMatch(/agency kind must be/);
    const { agencyJurisdiction: _, ...noJurisdiction } = request;
    expect(err(() => svc.request(noJurisdiction, SUP))).toMatch(/^invalid release request: agencyJurisdiction: agency jurisdiction must be one of california-state, california-local, other-state, federal, tribal, foreign, non-government$/);
    // 'unknown' marks old rows only; it is never accepted as input.
    expect(err(() => svc.request({ ...request, agencyJurisdiction: 'unknown' }, SUP))).toMatch(/agencyJurisdiction: agency jurisdiction must be one of/);
    expect(err(() => svc.request({ ...request, agencyJurisdiction: 'California' }, SUP))).toMatch(/agencyJurisdiction: agency jurisdiction must be one of/);
    expect(err(() => svc.request({ ...request, agencyJurisdiction: 'non-government' }, SUP))).toMatch(/agencyJurisdiction: a law-enforcement or prosecutorial agency is a government body/);
    expect(err(() => svc.request({ ...request, agencyOri: 'CA-010900' }, SUP))).toMatch(/agencyOri: ORI must be 9 characters/);
    expect(err(() => svc.request({ ...request, detectionIds: ['d1', 'zz'] }, SUP))).toBe('no detection with id zz');
    expect(audit()).toEqual([]);
  });
});
