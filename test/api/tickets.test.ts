/** POST /api/tickets over real HTTP: shape, numbering, validation, closed and capped services, segments, rate limit, idempotency. */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import type { TestBranch } from '../support/branch.js';
import { assertError, eventsAfter, issue, MONDAY_10AM, serviceView, startBranch, variantConfig } from './support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('POST /api/tickets on the demo branch', () => {
  let b: TestBranch;
  let supervisor: string;
  beforeAll(async () => {
    b = await startBranch();
    supervisor = await b.login('S01');
  });
  afterAll(() => b.close());

  const issuedCount = async (code: string) => (await serviceView(b, code)).issuedToday;

  test('201 with the contract shape; numbers A001, A002 and people ahead', async () => {
    const r1 = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
    assert.equal(r1.status, 201);
    const t = r1.body;
    for (const k of ['id', 'number', 'serviceCode', 'ahead', 'estimate', 'issuedAt']) assert.ok(k in t, `has ${k}`);
    assert.match(t.id, UUID);
    assert.equal(t.number, 'A001');
    assert.equal(t.serviceCode, 'A');
    assert.equal(t.segment, 'regular');
    assert.equal(t.status, 'waiting');
    assert.equal(t.ahead, 0);
    assert.equal(t.issuedAt, new Date(MONDAY_10AM).toISOString());
    assert.ok(Number.isInteger(t.estimate.minMinutes) && Number.isInteger(t.estimate.maxMinutes));
    assert.ok(t.estimate.minMinutes >= 0 && t.estimate.minMinutes <= t.estimate.maxMinutes);

    const t2 = await issue(b, 'A');
    assert.equal(t2.number, 'A002');
    assert.equal(t2.ahead, 1);
    assert.notEqual(t2.id, t.id);
    const t3 = await issue(b, 'A');
    assert.equal(t3.number, 'A003');
    assert.equal(t3.ahead, 2);
    assert.ok(t3.estimate.maxMinutes >= t.estimate.maxMinutes, 'more people ahead, no shorter wait');
  });

  test('each service numbers its own tickets from its prefix', async () => {
    assert.equal((await issue(b, 'B')).number, 'B001');
    assert.equal((await issue(b, 'H')).number, 'H001');
    assert.equal((await issue(b, 'B')).number, 'B002');
    assert.equal((await issue(b, 'A')).number, 'A004');
  });

  test('unknown service: 404 UNKNOWN_SERVICE', async () => {
    assertError(await b.api('POST', '/api/tickets', { body: { serviceCode: 'Z' } }), 404, 'UNKNOWN_SERVICE');
    assertError(await b.api('POST', '/api/tickets', { body: { serviceCode: 'a' } }), 404, 'UNKNOWN_SERVICE');
  });

  test('invalid bodies: 400 VALIDATION_FAILED and no number used', async () => {
    const before = await issuedCount('A');
    const bodies: unknown[] = [
      {},
      { segment: 'regular' },
      { serviceCode: 1 },
      { serviceCode: null },
      { serviceCode: ['A'] },
      { serviceCode: '' },
      { serviceCode: 'A'.repeat(33) },
      { serviceCode: 'A', extra: true },
      { serviceCode: 'A', segment: 7 },
      { serviceCode: 'A', channel: 'tv' },
      { serviceCode: 'A', channel: 1 },
      '[]',
      '[{"serviceCode":"A"}]',
      '"x"',
      '"A"',
      'null',
      '42',
      'true',
    ];
    for (const body of bodies) {
      const r = await b.api('POST', '/api/tickets', { body });
      assertError(r, 400, 'VALIDATION_FAILED');
    }
    const r = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A', extra: 1 } });
    assert.match(r.body.error.message, /extra/, 'the message names the field');
    assert.equal(await issuedCount('A'), before);
  });

  test('no body at all: 400 VALIDATION_FAILED', async () => {
    assertError(await b.api('POST', '/api/tickets'), 400, 'VALIDATION_FAILED');
  });

  test('bad JSON and an empty JSON body: 400 BAD_JSON', async () => {
    for (const body of ['{', '{"serviceCode":"A"', "{'serviceCode':'A'}", '{"serviceCode":"A",}', 'serviceCode=A']) {
      assertError(await b.api('POST', '/api/tickets', { body }), 400, 'BAD_JSON');
    }
    assertError(await b.api('POST', '/api/tickets', { body: '', headers: { 'content-type': 'application/json' } }), 400, 'BAD_JSON');
  });

  test('a 1 MB body: 413 BODY_TOO_LARGE', async () => {
    const before = await issuedCount('A');
    const r = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A', pad: 'x'.repeat(1 << 20) } });
    assertError(r, 413, 'BODY_TOO_LARGE');
    assert.equal(await issuedCount('A'), before);
  });

  test('wrong content type: 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const json = JSON.stringify({ serviceCode: 'A' });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '']) {
      const r = await b.api('POST', '/api/tickets', { body: json, headers: { 'content-type': type } });
      assertError(r, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    // JSON with a charset is JSON.
    const ok = await b.api('POST', '/api/tickets', { body: json, headers: { 'content-type': 'application/json; charset=utf-8' } });
    assert.equal(ok.status, 201);
  });

  test('segments: the kiosk may choose regular or priority help, not a VIP level', async () => {
    assert.equal((await issue(b, 'C', { segment: 'priority' })).segment, 'priority');
    assert.equal((await issue(b, 'C', { segment: 'regular' })).segment, 'regular');
    for (const segment of ['vip1', 'vip2', 'appointment']) {
      assertError(await b.api('POST', '/api/tickets', { body: { serviceCode: 'C', segment } }), 403, 'FORBIDDEN');
    }
  });

  test('lobby staff may issue a VIP ticket; the channel defaults to lobby', async () => {
    const lobby = await b.login('L01');
    const last = (await b.api('GET', '/api/health')).body.lastEventId as number;
    const t = await issue(b, 'C', { segment: 'vip1' }, lobby);
    assert.equal(t.segment, 'vip1');
    assert.equal(t.ahead, 1, 'a VIP goes after the one priority ticket already waiting');
    const issued = (await eventsAfter(b, last, supervisor)).find((e) => e.type === 'ticket.issued');
    assert.ok(issued?.type === 'ticket.issued');
    assert.equal(issued.data.ticket.id, t.id);
    assert.equal(issued.data.ticket.channel, 'lobby');
    const appt = await issue(b, 'D', { segment: 'appointment', channel: 'appointment' }, lobby);
    assert.equal(appt.segment, 'appointment');
  });

  test('staff choosing an unknown segment: 400 UNKNOWN_SEGMENT', async () => {
    const lobby = await b.login('L01');
    assertError(await b.api('POST', '/api/tickets', { token: lobby, body: { serviceCode: 'A', segment: 'gold' } }), 400, 'UNKNOWN_SEGMENT');
  });

  test('a bad or signed-out token is refused, not treated as the kiosk', async () => {
    assertError(await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' }, headers: { authorization: 'Bearer nope' } }), 401, 'UNAUTHENTICATED');
    const lobby = await b.login('L01');
    assert.equal((await b.api('POST', '/api/auth/logout', { token: lobby })).status, 204);
    assertError(await b.api('POST', '/api/tickets', { token: lobby, body: { serviceCode: 'A', segment: 'vip1' } }), 401, 'UNAUTHENTICATED');
  });

  test('Idempotency-Key: a retry gets the same ticket and uses no second number', async () => {
    const before = await issuedCount('E');
    const headers = { 'idempotency-key': 'kiosk-1:tap-0001' };
    const first = await b.api('POST', '/api/tickets', { body: { serviceCode: 'E' }, headers });
    assert.equal(first.status, 201);
    const retry = await b.api('POST', '/api/tickets', { body: { serviceCode: 'E' }, headers });
    assert.equal(retry.status, 201);
    assert.deepEqual(retry.body, first.body);
    assert.equal(await issuedCount('E'), before + 1);
    assert.equal((await serviceView(b, 'E')).waiting, 1);
    // Another key is another ticket.
    const other = await b.api('POST', '/api/tickets', { body: { serviceCode: 'E' }, headers: { 'idempotency-key': 'kiosk-1:tap-0002' } });
    assert.equal(other.status, 201);
    assert.notEqual(other.body.id, first.body.id);
    assert.equal(other.body.number, `E${String(before + 2).padStart(3, '0')}`);
  });

  test('a malformed Idempotency-Key: 400 VALIDATION_FAILED, nothing issued', async () => {
    const before = await issuedCount('E');
    for (const key of ['short', 'has space in it', 'x'.repeat(101), 'ünïcödé-key']) {
      const r = await b.api('POST', '/api/tickets', { body: { serviceCode: 'E' }, headers: { 'idempotency-key': key } });
      assertError(r, 400, 'VALIDATION_FAILED');
    }
    assert.equal(await issuedCount('E'), before);
  });
});

describe('POST /api/tickets: closed and capped services, closed branch', () => {
  let b: TestBranch;
  let cfg: { path: string; remove: () => void };
  beforeAll(async () => {
    cfg = variantConfig((c) => {
      c.services.find((s) => s.code === 'G')!.enabled = false;
      c.services.find((s) => s.code === 'H')!.dailyCap = 2;
      c.branch.hours = { mon: '09:00-12:00, 13:00-17:00', tue: '09:00-17:00', wed: '09:00-17:00', thu: '09:00-17:00', fri: '09:00-17:00', sat: 'closed', sun: 'closed', closedDates: ['2025-03-04'] };
    });
    b = await startBranch({ configPath: cfg.path });
  });
  afterAll(async () => {
    await b.close();
    cfg.remove();
  });

  test('a disabled service: 409 SERVICE_CLOSED', async () => {
    assertError(await b.api('POST', '/api/tickets', { body: { serviceCode: 'G' } }), 409, 'SERVICE_CLOSED');
    const g = await serviceView(b, 'G');
    assert.equal(g.available, false);
    assert.equal(g.unavailableReason, 'closed');
  });

  test('the daily cap: 409 SERVICE_CAPPED once reached, other services unaffected', async () => {
    assert.equal((await issue(b, 'H')).number, 'H001');
    assert.equal((await issue(b, 'H')).number, 'H002');
    assertError(await b.api('POST', '/api/tickets', { body: { serviceCode: 'H' } }), 409, 'SERVICE_CAPPED');
    const h = await serviceView(b, 'H');
    assert.equal(h.available, false);
    assert.equal(h.unavailableReason, 'capped');
    assert.equal(h.issuedToday, 2);
    assert.equal(h.dailyCap, 2);
    assert.equal((await issue(b, 'A')).number, 'A001');
  });

  test('outside opening hours: 409 BRANCH_CLOSED; open again inside them', async () => {
    b.setTime(Date.parse('2025-03-03T04:30:00Z')); // 12:30 local, lunch break
    assertError(await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } }), 409, 'BRANCH_CLOSED');
    b.setTime(Date.parse('2025-03-03T05:00:00Z')); // 13:00 local
    assert.equal((await issue(b, 'A')).number, 'A002');
    b.setTime(Date.parse('2025-03-03T09:00:00Z')); // 17:00 local, closing time
    assertError(await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } }), 409, 'BRANCH_CLOSED');
  });

  test('a listed closed date and a closed weekday: 409 BRANCH_CLOSED; the next working day numbers from 001', async () => {
    b.setTime(Date.parse('2025-03-04T02:00:00Z')); // Tuesday 10:00, a closed date
    assertError(await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } }), 409, 'BRANCH_CLOSED');
    b.setTime(Date.parse('2025-03-08T02:00:00Z')); // Saturday 10:00
    assertError(await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } }), 409, 'BRANCH_CLOSED');
    b.setTime(Date.parse('2025-03-10T02:00:00Z')); // Monday 10:00
    assert.equal((await issue(b, 'A')).number, 'A001');
    assert.equal((await issue(b, 'H')).number, 'H001', 'the cap counts per day');
  });
});

describe('POST /api/tickets: the kiosk rate limit', () => {
  let b: TestBranch;
  beforeAll(async () => {
    b = await startBranch({ ticketRateLimitPerMinute: 3 });
  });
  afterAll(() => b.close());

  test('429 RATE_LIMITED with Retry-After past the limit; allowed again after waiting', async () => {
    for (let i = 0; i < 3; i++) await issue(b, 'A');
    const r = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
    assertError(r, 429, 'RATE_LIMITED');
    const retryAfter = Number(r.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${r.headers.get('retry-after')}`);
    b.advance(retryAfter * 1000 - 1_000);
    assertError(await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } }), 429, 'RATE_LIMITED');
    b.advance(1_000);
    assert.equal((await issue(b, 'A')).number, 'A004', 'the refused requests used no numbers');
  });

  test('invalid requests do not use up the allowance', async () => {
    b.advance(60_000);
    for (let i = 0; i < 5; i++) assertError(await b.api('POST', '/api/tickets', { body: { serviceCode: 1 } }), 400, 'VALIDATION_FAILED');
    for (let i = 0; i < 3; i++) await issue(b, 'B');
  });

  test('signed-in staff are not rate limited', async () => {
    b.advance(60_000);
    const lobby = await b.login('L01');
    for (let i = 0; i < 6; i++) await issue(b, 'F', {}, lobby);
  });
});
