/**
 * Signed hot-list envelopes (Ed25519, node:crypto). The same envelope travels over HTTP and
 * MQTT, so one check guards both:
 *
 *   {"manifest": "<JSON text of ListManifest>", "data": "<the list file's text>", "signature": "<base64>"}
 *
 * The signature covers UTF-8(manifest) + "\n" + UTF-8(data): the manifest (source, version,
 * full/delta, base version, format, removals) cannot be swapped onto other data. Verification
 * happens before anything is parsed or applied.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { HotlistError } from './errors.ts';
import { isHotlistFormat, type HotlistFormat } from './formats/index.ts';
import type { EntryKey } from './repo.ts';

export interface ListManifest {
  /** The list this replaces or changes (a hot-list source name). */
  source: string;
  /** The publisher's version label of the list after this file is applied. */
  version: string;
  kind: 'full' | 'delta';
  /** Delta only: the version it applies to. */
  baseVersion?: string;
  format: HotlistFormat;
  /** When the publisher produced the list, ISO 8601. */
  generatedAt: string;
  /** Delta only: entries to remove. */
  remove?: EntryKey[];
}

export interface VerifiedList {
  manifest: ListManifest;
  data: string;
}

function signedBytes(manifest: string, data: string): Buffer {
  return Buffer.concat([Buffer.from(manifest, 'utf8'), Buffer.from('\n'), Buffer.from(data, 'utf8')]);
}

/** A public key from PEM (SPKI) text or the base64 of the raw 32-byte Ed25519 key. */
export function loadPublicKey(text: string): KeyObject {
  const t = text.trim();
  try {
    if (t.includes('BEGIN')) return createPublicKey(t);
    const raw = Buffer.from(t, 'base64');
    if (raw.length !== 32) throw new Error(`expected 32 bytes, got ${raw.length}`);
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  } catch (err) {
    throw new HotlistError('BAD_ENVELOPE', `not an Ed25519 public key: ${(err as Error).message}`, { cause: err });
  }
}

export function generateSigningKeys(): { privateKeyPem: string; publicKeyPem: string; publicKeyRaw: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKeyRaw: Buffer.from(jwk.x ?? '', 'base64url').toString('base64'),
  };
}

/** Builds a signed envelope (publisher side: tools, tests). */
export function signEnvelope(manifest: ListManifest, data: string, privateKey: string | KeyObject): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const m = JSON.stringify(manifest);
  const signature = sign(null, signedBytes(m, data), key).toString('base64');
  return JSON.stringify({ manifest: m, data, signature });
}

function checkManifest(v: unknown): ListManifest {
  const bad = (why: string): never => {
    throw new HotlistError('BAD_ENVELOPE', `hot-list manifest ${why}`);
  };
  if (typeof v !== 'object' || v === null) return bad('is not an object');
  const m = v as Record<string, unknown>;
  for (const k of ['source', 'version', 'generatedAt'] as const) if (typeof m[k] !== 'string' || m[k] === '') bad(`has no ${k}`);
  if (m.kind !== 'full' && m.kind !== 'delta') bad('kind must be "full" or "delta"');
  if (typeof m.format !== 'string' || !isHotlistFormat(m.format)) bad(`format ${JSON.stringify(m.format)} is not a hot-list format`);
  if (m.kind === 'delta' && (typeof m.baseVersion !== 'string' || m.baseVersion === '')) bad('delta has no baseVersion');
  if (m.remove !== undefined) {
    if (!Array.isArray(m.remove)) bad('remove must be an array');
    for (const r of m.remove as unknown[]) {
      const k = r as Record<string, unknown> | null;
      if (!k || typeof k.plate !== 'string' || typeof k.list !== 'string' || (k.state !== null && k.state !== undefined && typeof k.state !== 'string')) {
        bad('remove holds an entry without plate/list');
      }
    }
  }
  if (Number.isNaN(Date.parse(m.generatedAt as string))) bad('generatedAt is not a date');
  return {
    ...(m as unknown as ListManifest),
    remove: ((m.remove as EntryKey[] | undefined) ?? []).map((k) => ({ plate: k.plate, state: k.state ?? null, list: k.list })),
  };
}

/**
 * Checks the envelope's signature with `publicKey` and returns the manifest and data. Throws
 * HotlistError UNSIGNED (no signature), BAD_SIGNATURE (tampered or another signer) or
 * BAD_ENVELOPE (not an envelope), with a message that says which.
 */
export function verifyEnvelope(bytes: string | Buffer, publicKey: KeyObject, origin: string): VerifiedList {
  let env: unknown;
  try {
    env = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch {
    throw new HotlistError('UNSIGNED', `${origin}: not a signed hot-list envelope (not JSON); unsigned lists are refused`);
  }
  const e = env as Record<string, unknown> | null;
  if (typeof e !== 'object' || e === null || typeof e.manifest !== 'string' || typeof e.data !== 'string') {
    throw new HotlistError('UNSIGNED', `${origin}: not a signed hot-list envelope (needs manifest, data and signature); unsigned lists are refused`);
  }
  if (typeof e.signature !== 'string' || e.signature === '') {
    throw new HotlistError('UNSIGNED', `${origin}: the hot list carries no signature; unsigned lists are refused`);
  }
  const signature = Buffer.from(e.signature, 'base64');
  let ok = false;
  try {
    ok = signature.length === 64 && verify(null, signedBytes(e.manifest, e.data), publicKey, signature);
  } catch (err) {
    throw new HotlistError('BAD_SIGNATURE', `${origin}: the hot-list signature could not be checked: ${(err as Error).message}`, { cause: err });
  }
  if (!ok) throw new HotlistError('BAD_SIGNATURE', `${origin}: the hot-list signature does not verify (tampered, or signed with another key); list refused`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(e.manifest);
  } catch {
    throw new HotlistError('BAD_ENVELOPE', `${origin}: the signed manifest is not JSON`);
  }
  return { manifest: checkManifest(manifest), data: e.data };
}
