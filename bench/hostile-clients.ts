/**
 * The attacker of the hostile-LAN bench, in its own process: STREAMS stream clients that ask for
 * the whole history and never read a byte, and LOGINS bogus sign-ins kept in flight at all times
 * (each answered one is sent again at once), each client from its own loopback address so that
 * per-address limits do not make the attack easy. Prints "ready" once every stream client is
 * connected, and on SIGTERM the answers it got as JSON.
 *
 *   tsx bench/hostile-clients.ts URL STREAMS LOGINS
 */
import { connect, type Socket } from 'node:net';
import http from 'node:http';
import { randomBytes } from 'node:crypto';

const [url, streamsText, loginsText] = process.argv.slice(2);
const target = new URL(url!);
const STREAMS = Number(streamsText);
const LOGINS = Number(loginsText);

// 127.0.1.1 … for streams, 127.0.101.1 … for sign-ins: never the kiosk's own 127.0.0.1.
const address = (block: number, n: number) => `127.0.${block + Math.floor(n / 250)}.${1 + (n % 250)}`;

const sockets: Socket[] = [];
const answers: Record<string, number> = {};
let stopping = false;

function openStream(n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: target.hostname, port: Number(target.port), localAddress: address(1, n) }, () => {
      s.write(
        `GET /api/stream?after=0 HTTP/1.1\r\nHost: ${target.host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
      );
      // Never read: whatever the service sends stays in the socket buffers.
      s.pause();
      resolve();
    });
    s.on('error', (err) => (stopping ? undefined : reject(err)));
    sockets.push(s);
  });
}

function loginLoop(n: number): void {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: address(101, n) });
  const once = () => {
    if (stopping) return;
    const body = JSON.stringify({ staffId: `X${randomBytes(3).toString('hex')}`, pin: '000000' });
    const req = http.request(
      `${url}/api/auth/login`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(body.length) } },
      (res) => {
        res.resume();
        res.on('end', () => {
          answers[res.statusCode ?? 0] = (answers[res.statusCode ?? 0] ?? 0) + 1;
          once();
        });
      },
    );
    req.on('error', () => {
      answers.error = (answers.error ?? 0) + 1;
      setTimeout(once, 10);
    });
    req.end(body);
  };
  once();
}

// Paused sockets do not keep a process alive; the attack lasts until SIGTERM.
const keepAlive = setInterval(() => undefined, 60_000);
for (let i = 0; i < STREAMS; i++) await openStream(i);
for (let i = 0; i < LOGINS; i++) loginLoop(i);
console.log('ready');

process.on('SIGTERM', () => {
  stopping = true;
  clearInterval(keepAlive);
  for (const s of sockets) s.destroy();
  process.stdout.write(`${JSON.stringify(answers)}\n`, () => process.exit(0));
});
