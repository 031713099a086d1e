/**
 * A throwaway PKI for TLS tests, made with the openssl CLI in a folder the caller removes: a CA,
 * a broker certificate for 127.0.0.1/localhost, a client certificate signed by the CA, and a
 * second CA that signed nothing (to show a broker is refused when it does not verify).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestPki {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA unrelated to the broker's certificate. */
  otherCaCert: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeTestPki(dir: string): TestPki {
  const f = (name: string): string => join(dir, name);
  const ca = (name: string): void =>
    openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', f(`${name}.key`), '-out', f(`${name}.pem`)]);
  ca('test-ca');
  ca('other-ca');
  const leaf = (name: string, ext: string): void => {
    openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`)]);
    writeFileSync(f(`${name}.ext`), ext);
    openssl(dir, [
      'x509', '-req', '-in', f(`${name}.csr`), '-CA', f('test-ca.pem'), '-CAkey', f('test-ca.key'), '-CAcreateserial',
      '-days', '2', '-extfile', f(`${name}.ext`), '-out', f(`${name}.pem`),
    ]);
  };
  leaf('broker', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('device', 'extendedKeyUsage=clientAuth\n');
  return {
    caCert: f('test-ca.pem'),
    serverCert: f('broker.pem'),
    serverKey: f('broker.key'),
    clientCert: f('device.pem'),
    clientKey: f('device.key'),
    otherCaCert: f('other-ca.pem'),
  };
}
