/**
 * Input hardening over real HTTP (DESIGN §7): every kind of bad input gets a clear 4xx in the
 * product's error shape, never a 500, a crash or a partial write.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { TestBranch } from '../support/branch.js';
import { assertError, issue, startBranch } from './support.js';

/** Sends raw bytes with node:http, for what fetch will not send (bad encodings, lying lengths). */
function raw(b: TestBranch, method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(b.url + path, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          /* keep the text */
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('bad input never crashes the service or writes anything', () => {
  let b: TestBranch;
  let tokens: Record<string, string>;
  let lastEventBefore: number;
  beforeAll(async () => {
    b = await startBranch();
    tokens = { teller: await b.login('T01', '1'), lobby: await b.login('L01'), supervisor: await b.login('S01'), admin: await b.login('A01') };
    await issue(b, 'A');
    lastEventBefore = (await b.api('GET', '/api/health')).body.lastEventId;
  });
  afterAll(() => b.close());

  const bodies: { name: string; body: string; type?: string; expect: [number, string] }[] = [
    { name: 'array', body: '[]', expect: [400, 'VALIDATION_FAILED'] },
    { name: 'string', body: '"x"', expect: [400, 'VALIDATION_FAILED'] },
    { name: 'number', body: '12', expect: [400, 'VALIDATION_FAILED'] },
    { name: 'boolean', body: 'false', expect: [400, 'VALIDATION_FAILED'] },
    { name: 'broken JSON', body: '{"a":', expect: [400, 'BAD_JSON'] },
    { name: 'trailing garbage', body: '{} x', expect: [400, 'BAD_JSON'] },
    { name: '__proto__ key', body: '{"__proto__":{"polluted":1},"serviceCode":"A","reason":"break"}', expect: [400, 'BAD_JSON'] },
    { name: 'constructor.prototype key', body: '{"constructor":{"prototype":{"polluted":1}},"serviceCode":"A"}', expect: [400, 'BAD_JSON'] },
    { name: 'deeply nested', body: '['.repeat(4000) + ']'.repeat(4000), expect: [400, 'VALIDATION_FAILED'] },
    { name: 'unknown fields', body: '{"zzz":1,"serviceCode":"A","reason":"break","staffId":"x","pin":"1","id":"x","name":"x","roles":["teller"]}', expect: [400, 'VALIDATION_FAILED'] },
    { name: 'text/plain', body: '{}', type: 'text/plain', expect: [415, 'UNSUPPORTED_MEDIA_TYPE'] },
    { name: 'form', body: 'a=1', type: 'application/x-www-form-urlencoded', expect: [415, 'UNSUPPORTED_MEDIA_TYPE'] },
    { name: 'octet-stream', body: '\u0000\u0001', type: 'application/octet-stream', expect: [415, 'UNSUPPORTED_MEDIA_TYPE'] },
    { name: '20 kB', body: JSON.stringify({ pad: 'x'.repeat(20_000) }), expect: [413, 'BODY_TOO_LARGE'] },
  ];
  const endpoints: { path: string; token?: keyof typeof tokens }[] = [
    { path: '/api/tickets' },
    { path: '/api/auth/login' },
    { path: '/api/staff', token: 'admin' },
    { path: '/api/counters/1/pause', token: 'teller' },
    { path: '/api/counters/1/transfer', token: 'teller' },
  ];

  for (const { path, token } of endpoints) {
    test(`POST ${path}: every malformed body gets its 4xx`, async () => {
      for (const { name, body, type, expect } of bodies) {
        const r = await b.api('POST', path, { token: token ? tokens[token] : undefined, body, headers: { 'content-type': type ?? 'application/json' } });
        assert.ok(r.status === expect[0], `${name}: ${r.status} ${JSON.stringify(r.body)}`);
        assertError(r, expect[0], expect[1]);
      }
    });
  }

  test('cancel with a non-object body: 400', async () => {
    const [t] = [await issue(b, 'B')];
    for (const body of ['[]', '"x"', '12', '{"reason":1}', '{"why":"x"}']) {
      assertError(await b.api('POST', `/api/tickets/${t.id}/cancel`, { token: tokens.lobby, body }), 400, 'VALIDATION_FAILED');
    }
    assert.equal((await b.api('GET', `/api/tickets/${t.id}`)).body.status, 'waiting');
    assert.equal((await b.api('POST', `/api/tickets/${t.id}/cancel`, { token: tokens.lobby })).status, 200);
  });

  test('a broken %-escape in the path: 400 BAD_URL; an over-long path parameter: 414 URI_TOO_LONG', async () => {
    assertError(await b.api('GET', '/api/tickets/%E0%A4%A'), 400, 'BAD_URL');
    assertError(await b.api('POST', '/api/counters/%ZZ/next', { token: tokens.supervisor }), 400, 'BAD_URL');
    assertError(await b.api('GET', `/api/tickets/${'a'.repeat(150)}`), 414, 'URI_TOO_LONG');
    assertError(await b.api('POST', `/api/counters/${'1'.repeat(150)}/next`, { token: tokens.supervisor }), 414, 'URI_TOO_LONG');
  });

  test('a body that is not UTF-8, and a Content-Length that lies', async () => {
    const latin1 = Buffer.from([0x7b, 0x22, 0x73, 0xe9, 0x22, 0x3a, 0x31, 0x7d]); // {"s\xe9":1}
    const r1 = await raw(b, 'POST', '/api/tickets', { 'content-type': 'application/json' }, latin1);
    assert.ok(r1.status === 400, `status ${r1.status}`);
    const r2 = await raw(b, 'POST', '/api/tickets', { 'content-type': 'application/json', 'content-length': '5' }, '{"serviceCode":"A"}');
    assert.ok(r2.status >= 400 && r2.status < 500, `status ${r2.status}`);
  });

  test('header abuse: garbage Authorization, bad Idempotency-Key, many Authorization forms', async () => {
    for (const authorization of ['Bearer ' + '\u00e9'.repeat(30), 'Bearer ../../etc/passwd', 'Bearer ' + 'A'.repeat(10_000), 'Token abc']) {
      const r = await raw(b, 'POST', '/api/counters/1/next', { authorization: Buffer.from(authorization, 'utf8').toString('latin1') });
      assert.equal(r.status, 401, authorization.slice(0, 20));
    }
    for (const key of ['', 'a', 'x'.repeat(101), 'semi;colon-key', '../../../etc']) {
      const r = await b.api('POST', '/api/counters/1/next', { token: tokens.teller, headers: { 'idempotency-key': key } });
      assertError(r, 400, 'VALIDATION_FAILED');
    }
  });

  test('query abuse on /api/events', async () => {
    for (const q of ['after=1&after=2', 'limit=1e9', 'after=%00', 'limit=-5', 'after=' + '9'.repeat(400)]) {
      const r = await b.api('GET', `/api/events?${q}`, { token: tokens.supervisor });
      assert.ok(r.status === 200 || r.status === 400, `${q}: ${r.status}`);
      if (r.status === 400) assertError(r, 400, 'VALIDATION_FAILED');
      else assert.ok(Array.isArray(r.body));
    }
  });

  test('after all of it: no prototype pollution, nothing written, the service healthy', async () => {
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const h = await b.api('GET', '/api/health');
    assert.equal(h.status, 200);
    assert.equal(h.body.status, 'ok');
    const events = await b.api('GET', `/api/events?after=${lastEventBefore}`, { token: tokens.supervisor });
    const types = events.body.map((e: { type: string }) => e.type).filter((t: string) => !t.startsWith('device.'));
    assert.deepEqual(types, ['ticket.issued', 'ticket.cancelled'], 'only the cancel test wrote');
    const staff = await b.api('GET', '/api/staff', { token: tokens.supervisor });
    assert.equal(staff.body.length, 11, 'no staff account was created by a bad body');
    const q = await b.api('GET', '/api/queue');
    assert.equal(q.body.counters.find((c: { id: string }) => c.id === '1').status, 'open');
    assert.equal(q.body.services.find((s: { code: string }) => s.code === 'A').waiting, 1);
  });
});
