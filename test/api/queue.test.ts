/** Read endpoints over real HTTP: the mobile ticket page, queue, services, health, devices, config, events, unknown paths. */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { TestBranch } from '../support/branch.js';
import { assertError, issue, MONDAY_10AM, serviceView, startBranch } from './support.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

interface CounterRow {
  id: string;
  status: string;
  state: string;
  staffId?: string;
  currentTicket: { id: string; number: string; status: string } | null;
  servedToday: number;
}
interface ServiceRow {
  code: string;
  waiting: number;
  longestWaitSeconds: number;
  overTarget: boolean;
  issuedToday: number;
  targetWaitMinutes: number;
}

describe('GET /api/tickets/:id (the mobile ticket page)', () => {
  let b: TestBranch;
  beforeAll(async () => {
    b = await startBranch();
  });
  afterAll(() => b.close());

  test('the position falls as others are called; then the ticket shows where to go', async () => {
    const t01 = await b.login('T01', '1');
    const tickets = [];
    for (let i = 0; i < 4; i++) tickets.push(await issue(b, 'A'));
    const mine = tickets[3]!;
    const view = async () => {
      const r = await b.api('GET', `/api/tickets/${mine.id}`);
      assert.equal(r.status, 200);
      return r.body;
    };
    const v0 = await view();
    assert.equal(v0.id, mine.id);
    assert.equal(v0.number, 'A004');
    assert.equal(v0.serviceCode, 'A');
    assert.deepEqual(v0.serviceName, { zh: '现金业务', en: 'Cash' });
    assert.equal(v0.status, 'waiting');
    assert.equal(v0.segment, undefined, 'the public page shows no segment');
    assert.equal(v0.staffId, undefined);
    assert.equal(v0.issuedAt, new Date(MONDAY_10AM).toISOString());
    assert.equal(v0.ahead, 3);
    assert.ok(v0.estimate.minMinutes <= v0.estimate.maxMinutes);

    const seen = [v0.ahead];
    for (let i = 0; i < 3; i++) {
      await b.api('POST', '/api/counters/1/next', { token: t01 });
      await b.api('POST', '/api/counters/1/start', { token: t01 });
      seen.push((await view()).ahead);
    }
    assert.deepEqual(seen, [3, 2, 1, 0]);

    // A priority customer arriving later goes ahead of a regular one.
    const other = await issue(b, 'A');
    assert.equal((await b.api('GET', `/api/tickets/${other.id}`)).body.ahead, 1);
    const help = await issue(b, 'A', { segment: 'priority' });
    assert.equal(help.ahead, 0);
    assert.equal((await b.api('GET', `/api/tickets/${other.id}`)).body.ahead, 2);
    assert.equal((await view()).ahead, 1);

    assert.equal((await b.api('POST', '/api/counters/1/next', { token: t01 })).body.ticket.id, help.id);
    assert.equal((await view()).ahead, 0);
    await b.api('POST', '/api/counters/1/start', { token: t01 });
    await b.api('POST', '/api/counters/1/next', { token: t01 });
    const called = await view();
    assert.equal(called.status, 'called');
    assert.equal(called.counterId, '1');
    assert.equal(called.ahead, 0);
    assert.equal(called.estimate, null);
    assert.equal(called.calledAt, new Date(MONDAY_10AM).toISOString());
    // No staff or personal fields on the public page.
    for (const k of ['staffId', 'visitId', 'channel', 'callReason']) assert.ok(!(k in called), `no ${k}`);
  });

  test('404 UNKNOWN_TICKET for an unknown id; 400 for a malformed one', async () => {
    assertError(await b.api('GET', '/api/tickets/00000000-0000-0000-0000-000000000000'), 404, 'UNKNOWN_TICKET');
    assertError(await b.api('GET', '/api/tickets/A001'), 404, 'UNKNOWN_TICKET');
    for (const id of ['a%20b', '%3Cscript%3E', 'x.y', '..%2F..%2Fetc', 'a'.repeat(65)]) {
      assertError(await b.api('GET', `/api/tickets/${id}`), 400, 'VALIDATION_FAILED');
    }
  });
});

describe('queue, services, health, devices, config, events', () => {
  let b: TestBranch;
  let t01: string;
  beforeAll(async () => {
    b = await startBranch();
    t01 = await b.login('T01', '1');
  });
  afterAll(() => b.close());

  test('GET /api/health: the contract shape', async () => {
    const r = await b.api('GET', '/api/health');
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'ok');
    assert.equal(r.body.branch, 'demo-001');
    assert.equal(r.body.version, VERSION);
    assert.equal(r.body.businessDay, '2025-03-03');
    assert.equal(r.body.waiting, 0);
    assert.ok(Number.isInteger(r.body.uptimeSeconds) && r.body.uptimeSeconds >= 0);
    assert.ok(Number.isInteger(r.body.lastEventId) && r.body.lastEventId >= 1);
  });

  test('GET /api/devices: an array of { id, kind, uri, state, detail?, since }', async () => {
    const r = await b.api('GET', '/api/devices');
    assert.equal(r.status, 200);
    assert.ok(Array.isArray(r.body));
    for (const d of r.body) {
      for (const k of ['id', 'kind', 'uri', 'state', 'since']) assert.equal(typeof d[k], 'string', `device ${JSON.stringify(d)} has ${k}`);
      assert.ok(!Number.isNaN(Date.parse(d.since)), 'since is an ISO time');
      if ('detail' in d) assert.equal(typeof d.detail, 'string');
    }
    assert.equal(new Set(r.body.map((d: { id: string }) => d.id)).size, r.body.length, 'ids are unique');
  });

  test('GET /api/services: every service with names, waiting counts and availability', async () => {
    await issue(b, 'A');
    await issue(b, 'A');
    await issue(b, 'C', { segment: 'priority' });
    const r = await b.api('GET', '/api/services');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.map((s: { code: string }) => s.code), ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']);
    const a = r.body[0];
    assert.equal(a.prefix, 'A');
    assert.deepEqual(a.name, { zh: '现金业务', en: 'Cash' });
    assert.equal(a.waiting, 2);
    assert.equal(a.issuedToday, 2);
    assert.equal(a.available, true);
    assert.equal(a.enabled, true);
    assert.ok(a.estimate.minMinutes <= a.estimate.maxMinutes);
    assert.ok(Array.isArray(a.selfService));
    assert.equal(r.body[2].waiting, 1);
    assert.equal(r.body[1].waiting, 0);
    assert.equal(r.body[7].dailyCap, 200);
    assert.equal((await b.api('GET', '/api/health')).body.waiting, 3);
  });

  test('GET /api/queue matches what was done: waiting, longest wait, counter states', async () => {
    b.advance(20 * 60_000);
    await b.api('POST', '/api/counters/1/next', { token: t01 });
    const s01 = await b.login('S01');
    await b.api('POST', '/api/counters/5/open', { token: s01 });
    await b.api('POST', '/api/counters/6/open', { token: s01 });
    await b.api('POST', '/api/counters/6/pause', { token: s01, body: { reason: 'meal' } });

    // The lobby screen's view names no staff; a signed-in caller sees who is at each counter.
    const anonymous = await b.api('GET', '/api/queue');
    assert.ok(anonymous.body.counters.every((c: { staffId?: string }) => c.staffId === undefined));
    const r = await b.api('GET', '/api/queue', { token: s01 });
    assert.equal(r.status, 200);
    assert.equal(r.body.branch, 'demo-001');
    assert.equal(r.body.businessDay, '2025-03-03');
    assert.equal(r.body.at, new Date(b.now()).toISOString());
    assert.equal(r.body.lastEventId, (await b.api('GET', '/api/health')).body.lastEventId);
    const services = r.body.services as ServiceRow[];
    const a = services.find((s) => s.code === 'A')!;
    assert.equal(a.waiting, 1);
    assert.equal(a.issuedToday, 2);
    assert.equal(a.longestWaitSeconds, 20 * 60);
    assert.equal(a.overTarget, true, 'target 15 min for cash');
    const c = services.find((s) => s.code === 'C')!;
    assert.equal(c.waiting, 1);
    assert.equal(c.overTarget, false, 'target 20 min, waited exactly 20');
    assert.equal(services.find((s) => s.code === 'B')!.longestWaitSeconds, 0);

    const counters = r.body.counters as CounterRow[];
    const byId = (id: string) => counters.find((x) => x.id === id)!;
    assert.equal(byId('1').state, 'serving');
    assert.equal(byId('1').staffId, 'T01');
    assert.equal(byId('1').currentTicket?.number, 'A001');
    assert.equal(byId('1').currentTicket?.status, 'called');
    assert.equal(byId('5').state, 'idle');
    assert.equal(byId('5').currentTicket, null);
    assert.equal(byId('6').state, 'paused');
    assert.equal(byId('2').state, 'closed');

    await b.api('POST', '/api/counters/1/complete', { token: t01 });
    const after = (await b.api('GET', '/api/queue')).body.counters as CounterRow[];
    assert.equal(after.find((x) => x.id === '1')!.state, 'idle');
    assert.equal(after.find((x) => x.id === '1')!.servedToday, 1);
    assert.equal((await serviceView(b, 'A')).waiting, 1);
  });

  test('GET /api/config: branch, services, counters, segments, pause reasons, rules', async () => {
    const r = await b.api('GET', '/api/config');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.branch, { id: 'demo-001', name: { zh: '演示支行', en: 'Demo Branch' }, timeZone: 'Asia/Shanghai' });
    assert.equal(r.body.services.length, 8);
    assert.equal(r.body.counters.length, 8);
    assert.ok(r.body.segments.some((s: { code: string; priority: boolean }) => s.code === 'vip1' && s.priority));
    assert.ok(r.body.pauseReasons.some((p: { code: string }) => p.code === 'break'));
    assert.deepEqual(r.body.rules, { maxRecalls: 2, maxRejoins: 1 });
  });

  test('GET /api/events: 401 without a token, 403 for a teller, the log for lobby and supervisors', async () => {
    assertError(await b.api('GET', '/api/events'), 401, 'UNAUTHENTICATED');
    assertError(await b.api('GET', '/api/events', { token: t01 }), 403, 'FORBIDDEN');
    const lobby = await b.login('L01');
    const all = await b.api('GET', '/api/events?after=0&limit=1000', { token: lobby });
    assert.equal(all.status, 200);
    assert.ok(all.body.length > 5);
    const first = all.body[0];
    assert.deepEqual(Object.keys(first).sort(), ['at', 'branch', 'data', 'id', 'seq', 'stream', 'type', 'v']);
    assert.equal(first.type, 'config.applied');
    assert.equal(first.branch, 'demo-001');
    const ids = all.body.map((e: { id: number }) => e.id);
    assert.deepEqual(ids, [...ids].sort((x: number, y: number) => x - y));
    const page = await b.api('GET', `/api/events?after=${ids[1]}&limit=2`, { token: lobby });
    assert.deepEqual(page.body.map((e: { id: number }) => e.id), ids.slice(2, 4));
    for (const q of ['after=-1', 'after=x', 'limit=0', 'limit=1001', 'after=1.5']) {
      assertError(await b.api('GET', `/api/events?${q}`, { token: lobby }), 400, 'VALIDATION_FAILED');
    }
  });

  test('an unknown /api path or method: 404 NOT_FOUND as JSON', async () => {
    const r = await b.api('GET', '/api/nothing-here');
    assertError(r, 404, 'NOT_FOUND');
    assert.match(r.body.error.message, /GET \/api\/nothing-here/);
    assertError(await b.api('DELETE', '/api/tickets'), 404, 'NOT_FOUND');
    assertError(await b.api('GET', '/api/counters/1/next'), 404, 'NOT_FOUND');
    assertError(await b.api('POST', '/api/health', { body: {} }), 404, 'NOT_FOUND');
    assertError(await b.api('GET', '/api/nothing?token=secret'), 404, 'NOT_FOUND');
    assert.doesNotMatch((await b.api('GET', '/api/nothing?token=secret')).body.error.message, /secret/);
  });
});
