/**
 * A fake IP camera speaking real RTSP, run as its own process so a test can SIGKILL it:
 *   node --import tsx fake-rtsp-camera.ts PORT FPS [USER PASS]
 * ffmpeg cannot serve RTSP to a playing client (its `-rtsp_flags listen` only receives a
 * pushed stream), so this process is a tiny RTSP relay: a child ffmpeg encodes a 160x120 test
 * pattern to H.264 and publishes it here (ANNOUNCE/RECORD, RTP interleaved over TCP); players
 * (DESCRIBE/SETUP/PLAY, RTP over TCP or UDP, optional Basic login) get the packets relayed.
 * When the publisher goes, the process exits: the whole camera is gone. Prints "ready" once
 * the stream is publishing.
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';

const [portArg = '8554', fpsArg = '5', user, pass] = process.argv.slice(2);
const port = Number(portArg);

interface UdpTrack {
  kind: 'udp';
  rtp: dgram.Socket;
  rtcp: dgram.Socket;
  clientRtp: number;
  clientRtcp: number;
}
interface TcpTrack {
  kind: 'tcp';
  rtp: number;
  rtcp: number;
}
interface Player {
  socket: net.Socket;
  tracks: Map<number, UdpTrack | TcpTrack>;
  playing: boolean;
}

let sdp: string | null = null;
let announced = false;
const players = new Set<Player>();
let sessions = 0;

function forward(channel: number, packet: Buffer): void {
  const track = channel >> 1;
  const rtcp = (channel & 1) === 1;
  for (const p of players) {
    const t = p.tracks.get(track);
    if (!p.playing || !t) continue;
    if (t.kind === 'tcp') {
      const head = Buffer.alloc(4);
      head[0] = 0x24;
      head[1] = rtcp ? t.rtcp : t.rtp;
      head.writeUInt16BE(packet.length, 2);
      p.socket.write(Buffer.concat([head, packet]));
    } else {
      (rtcp ? t.rtcp : t.rtp).send(packet, rtcp ? t.clientRtcp : t.clientRtp, '127.0.0.1');
    }
  }
}

function bindUdp(): Promise<dgram.Socket> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.on('error', () => undefined);
    s.on('message', () => undefined); // NAT punches and receiver reports
    s.bind(0, '127.0.0.1', () => resolve(s));
  });
}

const server = net.createServer((socket) => {
  let buf = Buffer.alloc(0);
  let publisher = false;
  const player: Player = { socket, tracks: new Map(), playing: false };
  const session = String(++sessions);
  socket.on('error', () => undefined);
  socket.on('close', () => {
    if (publisher) process.exit(0); // the camera's encoder is gone: so is the camera
    players.delete(player);
    for (const t of player.tracks.values()) {
      if (t.kind === 'udp') {
        t.rtp.close();
        t.rtcp.close();
      }
    }
  });

  const reply = (cseq: string, status: string, headers: string[] = [], body = ''): void => {
    const lines = [`RTSP/1.0 ${status}`, `CSeq: ${cseq}`, ...headers];
    if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  };
  const authorised = (h: Map<string, string>): boolean =>
    user === undefined || h.get('authorization') === `Basic ${Buffer.from(`${user}:${pass ?? ''}`).toString('base64')}`;

  const handle = async (method: string, url: string, h: Map<string, string>, body: string): Promise<void> => {
    const cseq = h.get('cseq') ?? '0';
    if (method === 'OPTIONS') return reply(cseq, '200 OK', ['Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, ANNOUNCE, RECORD, GET_PARAMETER']);
    if (method === 'ANNOUNCE') {
      publisher = true;
      sdp = body;
      return reply(cseq, '200 OK');
    }
    if (publisher) {
      if (method === 'SETUP') return reply(cseq, '200 OK', [`Transport: ${h.get('transport') ?? ''}`, 'Session: publisher']);
      if (method === 'RECORD') {
        reply(cseq, '200 OK', ['Session: publisher']);
        if (!announced) process.stdout.write('ready\n');
        announced = true;
        return;
      }
      return reply(cseq, '200 OK', ['Session: publisher']);
    }
    if (['DESCRIBE', 'SETUP', 'PLAY'].includes(method) && !authorised(h)) {
      return reply(cseq, '401 Unauthorized', ['WWW-Authenticate: Basic realm="fake-camera"']);
    }
    switch (method) {
      case 'DESCRIBE':
        if (sdp === null) return reply(cseq, '404 Not Found');
        return reply(cseq, '200 OK', [`Content-Base: ${url.replace(/\/?$/, '/')}`, 'Content-Type: application/sdp'], sdp);
      case 'SETUP': {
        const track = Number(/streamid=(\d+)/.exec(url)?.[1] ?? 0);
        const transport = h.get('transport') ?? '';
        const inter = /interleaved=(\d+)-(\d+)/.exec(transport);
        if (/RTP\/AVP\/TCP/i.test(transport) && inter) {
          player.tracks.set(track, { kind: 'tcp', rtp: Number(inter[1]), rtcp: Number(inter[2]) });
          return reply(cseq, '200 OK', [`Transport: RTP/AVP/TCP;unicast;interleaved=${inter[1]}-${inter[2]}`, `Session: ${session};timeout=60`]);
        }
        const ports = /client_port=(\d+)-(\d+)/.exec(transport);
        if (!ports) return reply(cseq, '461 Unsupported Transport');
        const [rtp, rtcp] = await Promise.all([bindUdp(), bindUdp()]);
        player.tracks.set(track, { kind: 'udp', rtp, rtcp, clientRtp: Number(ports[1]), clientRtcp: Number(ports[2]) });
        return reply(cseq, '200 OK', [
          `Transport: RTP/AVP/UDP;unicast;client_port=${ports[1]}-${ports[2]};server_port=${rtp.address().port}-${rtcp.address().port}`,
          `Session: ${session};timeout=60`,
        ]);
      }
      case 'PLAY':
        player.playing = true;
        players.add(player);
        return reply(cseq, '200 OK', [`Session: ${session}`, 'Range: npt=0.000-']);
      case 'TEARDOWN':
        reply(cseq, '200 OK', [`Session: ${session}`]);
        socket.end();
        return;
      case 'GET_PARAMETER':
      case 'SET_PARAMETER':
        return reply(cseq, '200 OK', [`Session: ${session}`]);
      default:
        return reply(cseq, '501 Not Implemented');
    }
  };

  let busy = Promise.resolve();
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length === 0) break;
      if (buf[0] === 0x24) {
        if (buf.length < 4) break;
        const len = buf.readUInt16BE(2);
        if (buf.length < 4 + len) break;
        const channel = buf[1]!;
        const packet = buf.subarray(4, 4 + len);
        buf = buf.subarray(4 + len);
        if (publisher) forward(channel, packet);
        continue;
      }
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) break;
      const lines = buf.toString('utf8', 0, end).split('\r\n');
      const h = new Map<string, string>();
      for (const line of lines.slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) h.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
      }
      const length = Number(h.get('content-length') ?? 0);
      if (buf.length < end + 4 + length) break;
      const body = buf.toString('utf8', end + 4, end + 4 + length);
      buf = buf.subarray(end + 4 + length);
      const [method = '', url = ''] = (lines[0] ?? '').split(' ');
      busy = busy
        .then(() => handle(method, url, h, body))
        .catch(() => {
          socket.destroy();
        });
    }
  });
});

server.listen(port, '127.0.0.1', () => {
  const encoder = spawn(
    'ffmpeg',
    [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-re',
      '-f', 'lavfi', '-i', `testsrc=size=160x120:rate=${fpsArg}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', fpsArg, '-bf', '0',
      '-pix_fmt', 'yuv420p', '-threads', '1',
      '-f', 'rtsp', '-rtsp_transport', 'tcp', `rtsp://127.0.0.1:${port}/cam`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  process.stdout.write(`encoder ${encoder.pid}\n`);
  encoder.on('exit', () => process.exit(0));
  const stop = (): void => {
    encoder.kill('SIGKILL');
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
});
