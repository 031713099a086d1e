import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialPath, readLogin, redact, secretFromText } from '../../../src/capture/credentials.ts';
import {
  basicAuthorization,
  chooseChallenge,
  digestAuthorization,
  HttpAuthenticator,
  parseChallenge,
} from '../../../src/capture/http-auth.ts';
import { isAlprError } from '../../../src/errors.ts';

describe('camera passwords', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-login-'));

  it('take the first line of the secret file', () => {
    expect(secretFromText('s3cret\n')).toBe('s3cret');
    expect(secretFromText('s3cret\r\nignored\n')).toBe('s3cret');
    expect(secretFromText(' spaced pw ')).toBe(' spaced pw ');
  });

  it('read a systemd credential from $CREDENTIALS_DIRECTORY, or a file', async () => {
    writeFileSync(join(dir, 'cam-1'), 'from-systemd\n');
    writeFileSync(join(dir, 'cam.pw'), 'from-file\n');
    const env = { CREDENTIALS_DIRECTORY: dir };
    expect(credentialPath('cam-1', env)).toBe(join(dir, 'cam-1'));
    expect(await readLogin('c', { username: 'u', passwordCredential: 'cam-1' }, env)).toEqual({ username: 'u', password: 'from-systemd' });
    expect(await readLogin('c', { username: 'u', passwordFile: join(dir, 'cam.pw') }, {})).toEqual({ username: 'u', password: 'from-file' });
  });

  it('fail permanently (SOURCE_FAILED) when missing, empty or outside systemd', async () => {
    writeFileSync(join(dir, 'empty.pw'), '\n');
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => readLogin('c', { username: 'u', passwordFile: join(dir, 'nope.pw') }), 'ENOENT'],
      [() => readLogin('c', { username: 'u', passwordFile: join(dir, 'empty.pw') }), 'is empty'],
      [() => readLogin('c', { username: 'u', passwordCredential: 'cam-1' }, {}), 'CREDENTIALS_DIRECTORY is not set'],
      [() => readLogin('c', { username: 'u', passwordCredential: '../etc' }, { CREDENTIALS_DIRECTORY: dir }), 'bad credential name'],
    ];
    for (const [attempt, text] of cases) {
      const err = await attempt().catch((e: unknown) => e);
      expect(isAlprError(err, 'SOURCE_FAILED'), String(err)).toBe(true);
      expect((err as Error).message).toContain(text);
    }
  });

  it('are scrubbed from messages, as typed and percent-encoded, with any URL login', () => {
    const pw = 'p@ss:w/rd';
    const line = `rtsp://admin:${encodeURIComponent(pw)}@10.0.0.5/x: 401 Unauthorized; tried ${pw}; http://u:other@h/`;
    const clean = redact(line, [pw]);
    expect(clean).not.toContain(pw);
    expect(clean).not.toContain(encodeURIComponent(pw));
    expect(clean).not.toContain('other');
    expect(clean).toContain('rtsp://***@10.0.0.5/x: 401 Unauthorized');
  });
});

describe('HTTP camera logins', () => {
  const mufasa = { username: 'Mufasa', password: 'Circle Of Life' };

  it('answers the RFC 2617 Digest example exactly', () => {
    const challenge = parseChallenge(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    )!;
    expect(challenge.scheme).toBe('digest');
    expect(challenge.params.realm).toBe('testrealm@host.com');
    const header = digestAuthorization(mufasa, challenge.params, 'GET', '/dir/index.html', 1, '0a4f113b');
    expect(header).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(header).toContain('nc=00000001');
    expect(header).toContain('opaque="5ccc069c403ebaf9f0171e9517f40e41"');
  });

  it('answers a Digest challenge without qop (RFC 2069 cameras)', () => {
    const header = digestAuthorization({ username: 'Mufasa', password: 'CircleOfLife' }, { realm: 'testrealm@host.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093' }, 'GET', '/dir/index.html', 1, 'x');
    expect(header).toContain('response="1949323746fe6a43ef61f9606e7febea"');
    expect(header).not.toContain('qop=');
  });

  it('prefers Digest SHA-256, then Digest MD5, then Basic, and ignores what it cannot answer', () => {
    expect(chooseChallenge(['Basic realm="a"', 'Digest realm="a", nonce="n", algorithm=MD5'])?.scheme).toBe('digest');
    expect(chooseChallenge(['Digest realm="a", nonce="n", algorithm=MD5', 'Digest realm="a", nonce="n", algorithm=SHA-256'])?.params.algorithm).toBe('SHA-256');
    expect(chooseChallenge(['Digest realm="a", nonce="n", algorithm=SHA-512-256', 'Basic realm="a"'])?.scheme).toBe('basic');
    expect(chooseChallenge(['Negotiate'])).toBeUndefined();
    expect(chooseChallenge([])).toBeUndefined();
  });

  it('answers later requests up front, counting nonces, and never without a login', () => {
    const auth = new HttpAuthenticator(mufasa, () => 'c0ffee');
    expect(auth.header('GET', '/snap')).toBeUndefined();
    expect(auth.unauthorized(['Digest realm="r", nonce="n1", qop="auth"'])).toBe(true);
    expect(auth.header('GET', '/snap')).toContain('nc=00000001');
    expect(auth.header('GET', '/snap')).toContain('nc=00000002');
    const basic = new HttpAuthenticator(mufasa);
    basic.unauthorized(['Basic realm="cam"']);
    expect(basic.header('GET', '/')).toBe(basicAuthorization(mufasa));
    expect(basicAuthorization(mufasa)).toBe(`Basic ${Buffer.from('Mufasa:Circle Of Life').toString('base64')}`);
    expect(new HttpAuthenticator(null).unauthorized(['Basic realm="cam"'])).toBe(false);
  });
});
