/**
 * The export bundle of an approved release: a directory
 *
 *   release-<id>/
 *     request.json        the request and its approval
 *     detections.json     the released reads (time, camera, plate, confidence, position)
 *     crops/<id>.jpg      their plate images
 *     manifest.json       every file above with its size and SHA-256
 *     manifest.sig        Ed25519 signature (base64) of manifest.json's bytes
 *     public-key.pem      the signer's public key (check it against the one published out of band)
 *
 * It is written under a temporary name and renamed, so a half-written bundle never carries the
 * final name. verifyBundle() is what the receiving agency (or a test) runs.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlprError } from '../errors.ts';
import type { Detection } from '../store/detections-repo.ts';
import type { ReleaseRequest } from './releases-repo.ts';

export const BUNDLE_FORMAT = 'alpr-edge-release/1';

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  releaseId: string;
  createdAt: string;
  caseNumber: string;
  agency: string;
  agencyOri: string | null;
  files: ManifestFile[];
}

export interface BundleInput {
  release: ReleaseRequest;
  approvedBy: string;
  approvedAt: number;
  detections: Detection[];
  /** The crop JPEG of a detection, or null when none is stored. */
  crop(d: Detection): Buffer | null;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export function loadSigningKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    throw new AlprError('RELEASE_INVALID', `not a private key: ${(err as Error).message}`, { cause: err });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new AlprError('RELEASE_INVALID', `the signing key must be Ed25519, not ${key.asymmetricKeyType}`);
  return key;
}

/** Writes the signed bundle into `outDir`; returns its path and the SHA-256 of its manifest. */
export function writeBundle(outDir: string, input: BundleInput, key: KeyObject): { path: string; manifestSha256: string } {
  const { release } = input;
  const final = join(outDir, `release-${release.id}`);
  if (existsSync(final)) throw new AlprError('RELEASE_INVALID', `${final} already exists`);
  const tmp = `${final}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'crops'), { recursive: true });
  try {
    const files: ManifestFile[] = [];
    const put = (rel: string, bytes: Buffer): void => {
      writeFileSync(join(tmp, ...rel.split('/')), bytes);
      files.push({ path: rel, bytes: bytes.length, sha256: sha256(bytes) });
    };
    put(
      'request.json',
      Buffer.from(
        JSON.stringify(
          {
            releaseId: release.id,
            agency: release.agency,
            agencyOri: release.agencyOri,
            agencyKind: release.agencyKind,
            agencyJurisdiction: release.agencyJurisdiction,
            requester: release.requester,
            purpose: release.purpose,
            legalBasis: release.legalBasis,
            caseNumber: release.caseNumber,
            requestedBy: release.requestedBy,
            requestedAt: new Date(release.requestedAt).toISOString(),
            approvedBy: input.approvedBy,
            approvedAt: new Date(input.approvedAt).toISOString(),
          },
          null,
          2,
        ),
      ),
    );
    const listed = input.detections.map((d) => {
      const jpeg = input.crop(d);
      const crop = jpeg ? `crops/${d.id}.jpg` : null;
      if (jpeg && crop) put(crop, jpeg);
      return {
        id: d.id,
        capturedAt: new Date(d.capturedAt).toISOString(),
        cameraId: d.cameraId,
        plate: d.plate,
        confidence: d.confidence,
        position: d.position ?? null,
        crop,
      };
    });
    put('detections.json', Buffer.from(JSON.stringify(listed, null, 2)));
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      releaseId: release.id,
      createdAt: new Date(input.approvedAt).toISOString(),
      caseNumber: release.caseNumber,
      agency: release.agency,
      agencyOri: release.agencyOri,
      files,
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2));
    writeFileSync(join(tmp, 'manifest.json'), manifestBytes);
    writeFileSync(join(tmp, 'manifest.sig'), `${sign(null, manifestBytes, key).toString('base64')}\n`);
    writeFileSync(join(tmp, 'public-key.pem'), createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString());
    renameSync(tmp, final);
    return { path: final, manifestSha256: sha256(manifestBytes) };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const rel = prefix === '' ? name : `${prefix}/${name}`;
    return statSync(join(dir, name)).isDirectory() ? listFiles(join(dir, name), rel) : [rel];
  });
}

/**
 * Checks the signature with `publicKey` (PEM; the bundled key when omitted, which only proves
 * integrity, not who signed), every file's SHA-256, and that no file was added. Returns the
 * problems found (empty: intact).
 */
export function verifyBundle(dir: string, publicKeyPem?: string): string[] {
  const problems: string[] = [];
  const manifestBytes = readFileSync(join(dir, 'manifest.json'));
  const signature = Buffer.from(readFileSync(join(dir, 'manifest.sig'), 'utf8').trim(), 'base64');
  const pub = createPublicKey(publicKeyPem ?? readFileSync(join(dir, 'public-key.pem'), 'utf8'));
  if (!verify(null, manifestBytes, pub, signature)) problems.push('manifest.sig does not verify: manifest altered or signed with another key');
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as BundleManifest;
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const f of manifest.files) {
    const file = join(dir, ...f.path.split('/'));
    if (!existsSync(file)) {
      problems.push(`${f.path} is missing`);
      continue;
    }
    if (sha256(readFileSync(file)) !== f.sha256) problems.push(`${f.path} does not match its SHA-256`);
  }
  for (const f of listFiles(dir)) {
    if (!listed.has(f) && !['manifest.json', 'manifest.sig', 'public-key.pem'].includes(f)) problems.push(`${f} is not in the manifest`);
  }
  return problems;
}
