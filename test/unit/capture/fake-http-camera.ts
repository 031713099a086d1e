/**
 * A fake HTTP IP camera, run as its own process so a test can SIGKILL it:
 *   node --import tsx fake-http-camera.ts PORT JPEG_DIR FPS [basic|digest USER PASS]
 * GET /video: an MJPEG stream (multipart/x-mixed-replace) cycling through the JPEGs of
 * JPEG_DIR at FPS, each part with its headers as Axis and Hikvision cameras send them.
 * GET /snapshot: the next JPEG. With a login, both answer 401 with a Basic or Digest
 * (MD5, qop=auth) challenge until the request carries the right answer.
 * Prints "ready" once listening.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';

const [portArg = '8080', dir = '.', fpsArg = '5', scheme, user, pass] = process.argv.slice(2);
const frames = readdirSync(dir)
  .filter((n) => n.endsWith('.jpg'))
  .sort()
  .map((n) => readFileSync(join(dir, n)));
let next = 0;
const nextFrame = (): Buffer => frames[next++ % frames.length]!;
const nonce = randomBytes(8).toString('hex');
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

function params(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g)) out[m[1]!] = m[2] ?? m[3] ?? '';
  return out;
}

function authorised(req: http.IncomingMessage): boolean {
  if (scheme === undefined) return true;
  const header = req.headers.authorization ?? '';
  if (scheme === 'basic') return header === `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  if (!header.startsWith('Digest ')) return false;
  const p = params(header.slice(7));
  const ha1 = md5(`${user}:${p.realm}:${pass}`);
  const ha2 = md5(`${req.method}:${p.uri}`);
  const expected = md5(`${ha1}:${nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
  return p.username === user && p.nonce === nonce && p.uri === req.url && p.response === expected;
}

const server = http.createServer((req, res) => {
  if (!authorised(req)) {
    res.writeHead(401, {
      'WWW-Authenticate': scheme === 'basic' ? 'Basic realm="fake"' : `Digest realm="fake", qop="auth", nonce="${nonce}", opaque="x1", algorithm=MD5`,
    });
    res.end();
    return;
  }
  if (req.url === '/snapshot') {
    const jpeg = nextFrame();
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpeg.length });
    res.end(jpeg);
    return;
  }
  if (req.url !== '/video') {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace; boundary=myboundary', 'Cache-Control': 'no-cache' });
  const send = (): void => {
    const jpeg = nextFrame();
    res.write(`--myboundary\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
    res.write(jpeg);
    res.write('\r\n');
  };
  send();
  const timer = setInterval(send, 1000 / Number(fpsArg));
  res.on('close', () => clearInterval(timer));
});

server.listen(Number(portArg), '127.0.0.1', () => process.stdout.write('ready\n'));
