/**
 * Fault 4 of the hardening review: slow request bodies held sockets forever. Over raw sockets:
 * a half-sent body and trickled headers are cut off after the request timeout with a JSON 408;
 * idle connections are closed; one address cannot hold more than its share of connections, and
 * all of them together stay under the total; the HTTP parser's own refusals (431, bad framing)
 * use the product's error shape. The branch runs with a one-second request timeout so that the
 * tests do not wait; the timeouts in the tests only catch hangs.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import type { TestBranch } from '../support/branch.js';
import { startBranch, variantConfig } from '../api/support.js';
import { lanAddress, rawSocket, readAll, requestFrom, until } from './support.js';

function parseAnswer(raw: string): { status: number; body: any } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
  const text = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  return { status, body: text ? JSON.parse(text) : null };
}

describe('slow and greedy clients', () => {
  let b: TestBranch;
  let config: ReturnType<typeof variantConfig>;
  beforeAll(async () => {
    config = variantConfig((c) => {
      c.security.limits = { ...c.security.limits, requestTimeoutSeconds: 1, connectionsPerAddress: 8, connections: 24 } as typeof c.security.limits;
    });
    b = await startBranch({ configPath: config.path });
  });
  afterAll(async () => {
    await b.close();
    config.remove();
  });

  const port = () => new URL(b.url).port;

  test('a half-sent body is answered 408 REQUEST_TIMEOUT and the socket closed; nothing was issued', async () => {
    const issuedToday = async () => (await b.api('GET', '/api/services')).body.reduce((n: number, x: { issuedToday: number }) => n + x.issuedToday, 0) as number;
    const before = await issuedToday();
    const s = await rawSocket(b, lanAddress(1));
    s.write(`POST /api/tickets HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{"serviceCode":`);
    const answer = parseAnswer(await readAll(s));
    assert.equal(answer.status, 408);
    assert.deepEqual(Object.keys(answer.body), ['error']);
    assert.equal(answer.body.error.code, 'REQUEST_TIMEOUT');
    assert.ok(s.destroyed || s.readableEnded, 'the service closed the connection');
    assert.equal(await issuedToday(), before, 'no ticket was issued');
  });

  test('headers trickled byte by byte are cut off the same way', async () => {
    const s = await rawSocket(b, lanAddress(2));
    const done = readAll(s);
    s.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const drip = setInterval(() => !s.destroyed && s.write('a'), 100);
    try {
      const answer = parseAnswer(await done);
      assert.equal(answer.status, 408);
      assert.equal(answer.body.error.code, 'REQUEST_TIMEOUT');
    } finally {
      clearInterval(drip);
    }
  });

  test('a connection that sends nothing is closed by the service', async () => {
    const s = await rawSocket(b, lanAddress(3));
    const got = await readAll(s);
    assert.ok(s.destroyed || s.readableEnded, 'closed by the service');
    if (got) assert.equal(parseAnswer(got).body.error.code, 'REQUEST_TIMEOUT');
  });

  test('one address holds at most its share of connections; others and the total are capped too', async () => {
    const held: Socket[] = [];
    try {
      // Idle connections from one machine, up to its cap.
      for (let i = 0; i < 8; i++) held.push(await rawSocket(b, lanAddress(4)));
      const ninth = await rawSocket(b, lanAddress(4));
      const refused = parseAnswer(await readAll(ninth));
      assert.equal(refused.status, 503);
      assert.equal(refused.body.error.code, 'TOO_MANY_CONNECTIONS');
      // Another machine is served meanwhile.
      assert.equal((await requestFrom(b, lanAddress(5), 'GET', '/api/health')).status, 200);
      // Fill the total (24) from other addresses; then even a new machine is refused.
      for (let i = 0; i < 16; i++) held.push(await rawSocket(b, lanAddress(20 + Math.floor(i / 4))));
      const overTotal = await rawSocket(b, lanAddress(40));
      assert.equal(parseAnswer(await readAll(overTotal)).body.error.code, 'TOO_MANY_CONNECTIONS');
    } finally {
      for (const s of held) s.destroy();
    }
    await until(async () => (await requestFrom(b, lanAddress(4), 'GET', '/api/health').catch(() => ({ status: 0 }))).status === 200, 'the slots to free up');
  });

  test("the HTTP parser's refusals use the error shape: 431 for huge headers, 400 for bad framing", async () => {
    const big = await rawSocket(b, lanAddress(6));
    big.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    const a431 = parseAnswer(await readAll(big));
    assert.equal(a431.status, 431);
    assert.equal(a431.body.error.code, 'HEADERS_TOO_LARGE');

    for (const request of [
      'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n',
      'POST /api/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      'NONSENSE\r\n\r\n',
    ]) {
      const s = await rawSocket(b, lanAddress(7));
      s.write(request);
      const a = parseAnswer(await readAll(s));
      assert.equal(a.status, 400, request);
      assert.deepEqual(Object.keys(a.body), ['error']);
      assert.equal(a.body.error.code, 'BAD_REQUEST');
      assert.equal(typeof a.body.error.message, 'string');
    }
    assert.equal((await b.api('GET', '/api/health')).status, 200);
  });
});
