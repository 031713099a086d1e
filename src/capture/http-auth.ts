/**
 * HTTP login for IP cameras: Basic and Digest (RFC 7616, MD5 and SHA-256, qop=auth), the two
 * that camera firmware speaks. The password travels only in the Authorization header, built
 * in this process: never in a URL, an argv or a log line.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Login } from './credentials.ts';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Pure: one WWW-Authenticate value ("Digest realm=\"x\", nonce=\"y\"") as scheme + parameters. */
export function parseChallenge(value: string): Challenge | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*(.*)$/s.exec(value);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy;
  const rest = m[2] ?? '';
  re.lastIndex = 0;
  for (let p = re.exec(rest); p; p = re.exec(rest)) {
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
    if (re.lastIndex >= rest.length) break;
  }
  return { scheme: m[1]!.toLowerCase(), params };
}

/** Pure: the challenge to answer among those offered: Digest (SHA-256, then MD5) before Basic. */
export function chooseChallenge(values: readonly string[]): Challenge | undefined {
  const parsed = values.map(parseChallenge).filter((c): c is Challenge => c !== undefined);
  const digest = parsed.filter((c) => c.scheme === 'digest' && digestHash(c.params.algorithm) !== undefined);
  const sha = digest.find((c) => /^sha-256/i.test(c.params.algorithm ?? ''));
  return sha ?? digest[0] ?? parsed.find((c) => c.scheme === 'basic');
}

function digestHash(algorithm: string | undefined): 'md5' | 'sha256' | undefined {
  const a = (algorithm ?? 'MD5').toUpperCase();
  if (a === 'MD5' || a === 'MD5-SESS') return 'md5';
  if (a === 'SHA-256' || a === 'SHA-256-SESS') return 'sha256';
  return undefined;
}

const quote = (s: string): string => `"${s.replace(/(["\\])/g, '\\$1')}"`;

export function basicAuthorization(login: Login): string {
  return `Basic ${Buffer.from(`${login.username}:${login.password}`, 'utf8').toString('base64')}`;
}

/**
 * Pure: the Digest Authorization header for `method uri`, answering `params` (the server's
 * challenge) as request number `nc` with client nonce `cnonce`.
 */
export function digestAuthorization(login: Login, params: Record<string, string>, method: string, uri: string, nc: number, cnonce: string): string {
  const algorithm = params.algorithm ?? 'MD5';
  const algo = digestHash(algorithm);
  if (algo === undefined) throw new Error(`unsupported digest algorithm ${algorithm}`);
  const h = (s: string): string => createHash(algo).update(s, 'utf8').digest('hex');
  const realm = params.realm ?? '';
  const nonce = params.nonce ?? '';
  let ha1 = h(`${login.username}:${realm}:${login.password}`);
  if (/-sess$/i.test(algorithm)) ha1 = h(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = h(`${method}:${uri}`);
  const qops = (params.qop ?? '').split(',').map((q) => q.trim().toLowerCase());
  const useQop = qops.includes('auth');
  const ncHex = nc.toString(16).padStart(8, '0');
  const response = useQop ? h(`${ha1}:${nonce}:${ncHex}:${cnonce}:auth:${ha2}`) : h(`${ha1}:${nonce}:${ha2}`);
  const parts = [
    `username=${quote(login.username)}`,
    `realm=${quote(realm)}`,
    `nonce=${quote(nonce)}`,
    `uri=${quote(uri)}`,
    `algorithm=${algorithm}`,
    `response=${quote(response)}`,
  ];
  if (useQop) parts.push('qop=auth', `nc=${ncHex}`, `cnonce=${quote(cnonce)}`);
  if (params.opaque !== undefined) parts.push(`opaque=${quote(params.opaque)}`);
  return `Digest ${parts.join(', ')}`;
}

/**
 * Holds the camera's last challenge so later requests (snapshot polling) answer it up front
 * instead of taking a 401 each time. One per connection.
 */
export class HttpAuthenticator {
  private challenge: Challenge | undefined;
  private nc = 0;

  constructor(
    private readonly login: Login | null,
    private readonly newCnonce: () => string = () => randomBytes(8).toString('hex'),
  ) {}

  /** The Authorization header for the next request, if a challenge has been seen. */
  header(method: string, uri: string): string | undefined {
    if (this.login === null || this.challenge === undefined) return undefined;
    if (this.challenge.scheme === 'basic') return basicAuthorization(this.login);
    this.nc++;
    return digestAuthorization(this.login, this.challenge.params, method, uri, this.nc, this.newCnonce());
  }

  /**
   * Records the challenges of a 401; true when a retry with the new header can succeed (there
   * is a login and a challenge we can answer). Callers retry a request once, so a refused
   * login fails instead of looping.
   */
  unauthorized(values: readonly string[]): boolean {
    if (this.login === null) return false;
    const next = chooseChallenge(values);
    if (next === undefined) return false;
    this.challenge = next;
    this.nc = 0;
    return true;
  }
}
