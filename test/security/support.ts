/**
 * Tools of the LAN attacker for the hardening tests: raw sockets from chosen loopback addresses
 * (127.0.0.0/8 all reach the service, so each address stands for one machine on the LAN), a
 * stream client that never reads, half-sent requests, and a filler for a long event log.
 */
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { draft } from '../../core/events.js';
import type { TestBranch } from '../support/branch.js';

/** The n-th "machine on the LAN": 127.0.x.y, never the kiosk's own 127.0.0.1. */
export function lanAddress(n: number): string {
  return `127.0.${1 + Math.floor(n / 250)}.${1 + (n % 250)}`;
}

function portOf(b: TestBranch): number {
  return Number(new URL(b.url).port);
}

/** Opens a TCP connection from `localAddress` and resolves once connected. */
export function rawSocket(b: TestBranch, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: portOf(b), localAddress }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Everything a socket receives until it closes (or `limitMs` passes: then what came so far). */
export function readAll(s: Socket, limitMs = 30_000): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(t);
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const t = setTimeout(done, limitMs);
    s.on('data', (c: Buffer) => chunks.push(c));
    s.once('close', done);
    s.on('error', () => undefined);
  });
}

export function upgradeRequest(b: TestBranch, path: string, headers: Record<string, string> = {}): string {
  const hasHost = Object.keys(headers).some((k) => k.toLowerCase() === 'host');
  const lines = [
    `GET ${path} HTTP/1.1`,
    ...(hasHost ? [] : [`Host: 127.0.0.1:${portOf(b)}`]),
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * A hostile stream client: asks for a replay and then never reads a byte, so everything the
 * service sends piles up in its socket buffers.
 */
export async function nonReadingStream(b: TestBranch, localAddress: string, after = 0): Promise<Socket> {
  const s = await rawSocket(b, localAddress);
  s.on('error', () => undefined);
  s.write(upgradeRequest(b, `/api/stream?after=${after}`));
  s.pause();
  return s;
}

/** The status line and body of the service's answer to an upgrade it refuses (or 101). */
export async function upgradeAnswer(b: TestBranch, localAddress: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; raw: string }> {
  const s = await rawSocket(b, localAddress);
  s.write(upgradeRequest(b, path, headers));
  const raw = await new Promise<string>((resolve) => {
    let text = '';
    s.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      if (head < 0) return;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? 0);
      if (status === 101 || text.length >= head + 4 + length) resolve(text);
    });
    s.once('close', () => resolve(text));
    s.on('error', () => undefined);
  });
  s.destroy();
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
  const bodyText = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  let body: unknown = bodyText;
  try {
    body = bodyText ? JSON.parse(bodyText) : null;
  } catch {
    /* keep text */
  }
  return { status, body, raw };
}

/** An HTTP request from a chosen source address; resolves with status, headers and JSON body. */
export function requestFrom(
  b: TestBranch,
  localAddress: string,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const req = request(b.url + path, { method, headers, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          /* keep text */
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Appends `count` ticket-sized events to the log directly (a long history, fast), in
 * transactions of 1000, without publishing them.
 */
export function fillLog(b: TestBranch, count: number): void {
  const store = b.app.store;
  const at = b.app.service.clock();
  for (let done = 0; done < count; ) {
    const n = Math.min(1000, count - done);
    const drafts = Array.from({ length: n }, (_, i) =>
      draft('device.status', at, {
        device: { id: `filler-${done + i}`, kind: 'printer', uri: 'sim', state: 'online', detail: 'x'.repeat(400), since: new Date(at).toISOString() },
      }),
    );
    store.appendEvents(drafts, b.app.service.branchId);
    done += n;
  }
}

/** Resolves when `cond` holds, polling; fails after `limitMs` (only to catch a hang). */
export async function until(cond: () => boolean | Promise<boolean>, what: string, limitMs = 30_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
