/**
 * The session cookie (pure). HttpOnly so page scripts cannot read the token, SameSite=Strict so
 * no other site's page can make the browser send it; the CSRF header covers what is left.
 */
export const SESSION_COOKIE = 'alpr_session';

/** Tokens are 32 random bytes, base64url: nothing else is taken from the cookie header. */
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

/** The session token from a Cookie header, or null when absent or malformed. */
export function sessionTokenFrom(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return TOKEN.test(value) ? value : null;
  }
  return null;
}

export interface CookieOptions {
  /** Seconds until the browser drops it; 0 deletes it. */
  maxAgeS: number;
  /** Add `Secure` (the page is served over TLS, e.g. behind a proxy). */
  secure: boolean;
}

export function sessionCookie(token: string, o: CookieOptions): string {
  const parts = [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.max(0, Math.floor(o.maxAgeS))}`];
  if (o.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', { maxAgeS: 0, secure });
}
