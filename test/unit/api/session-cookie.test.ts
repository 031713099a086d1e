import { describe, expect, it } from 'vitest';
import { clearedSessionCookie, sessionCookie, sessionTokenFrom } from '../../../src/api/session-cookie.ts';

const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd';

describe('session cookie', () => {
  it('is HttpOnly and SameSite=Strict, Secure only when asked', () => {
    const c = sessionCookie(token, { maxAgeS: 3600, secure: false });
    expect(c).toBe(`alpr_session=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600`);
    expect(sessionCookie(token, { maxAgeS: 60, secure: true })).toMatch(/; Secure$/);
    expect(clearedSessionCookie(false)).toMatch(/^alpr_session=; .*Max-Age=0/);
  });

  it('reads the token among other cookies and ignores malformed values', () => {
    expect(sessionTokenFrom(`a=1; alpr_session=${token}; b=2`)).toBe(token);
    expect(sessionTokenFrom('a=1')).toBeNull();
    expect(sessionTokenFrom(undefined)).toBeNull();
    expect(sessionTokenFrom("alpr_session=x' OR 1=1 --")).toBeNull();
    expect(sessionTokenFrom('alpr_session=short')).toBeNull();
  });
});
