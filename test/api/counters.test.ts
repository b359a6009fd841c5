/** Counter actions over real HTTP: the call cycle, permissions, transfer, no-show and rejoin, idempotent and concurrent calls. */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import type { TestBranch } from '../support/branch.js';
import { assertError, eventsAfter, issue, MONDAY_10AM, serviceView, startBranch } from './support.js';

const post = (b: TestBranch, path: string, token?: string, body?: unknown, headers?: Record<string, string>) => b.api('POST', path, { token, body, headers });

describe('a teller works a counter', () => {
  let b: TestBranch;
  let t01: string;
  beforeAll(async () => {
    b = await startBranch();
    t01 = await b.login('T01');
  });
  afterAll(() => b.close());

  test('open: 200 with the counter state; the session is signed into it', async () => {
    const r = await post(b, '/api/counters/1/open', t01);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { counter: { id: '1', status: 'open', staffId: 'T01', since: new Date(MONDAY_10AM).toISOString() } });
    assert.equal((await b.api('GET', '/api/auth/me', { token: t01 })).body.counter, '1');
    // Opening again is harmless.
    assert.equal((await post(b, '/api/counters/1/open', t01)).status, 200);
  });

  test('next with nobody waiting: 204 and an empty body', async () => {
    const r = await post(b, '/api/counters/1/next', t01);
    assert.equal(r.status, 204);
    assert.equal(r.body, null);
    assert.equal(r.headers.get('content-length') ?? '0', '0');
  });

  test('next: 200 with the called ticket and why it was chosen', async () => {
    const a = await issue(b, 'A');
    b.advance(90_000);
    const r = await post(b, '/api/counters/1/next', t01);
    assert.equal(r.status, 200);
    const t = r.body.ticket;
    assert.equal(t.id, a.id);
    assert.equal(t.number, 'A001');
    assert.equal(t.status, 'called');
    assert.equal(t.counterId, '1');
    assert.equal(t.recalls, 0);
    assert.equal(t.waitedSeconds, 90);
    assert.equal(t.calledAt, new Date(b.now()).toISOString());
    assert.deepEqual(t.callReason, { tier: 'primary', rule: 'fifo', passedOver: 0, text: 'primary service; first come, first served' });
  });

  test('recall twice, then 409 RECALL_LIMIT', async () => {
    assert.equal((await post(b, '/api/counters/1/recall', t01)).body.ticket.recalls, 1);
    assert.equal((await post(b, '/api/counters/1/recall', t01)).body.ticket.recalls, 2);
    assertError(await post(b, '/api/counters/1/recall', t01), 409, 'RECALL_LIMIT');
  });

  test('start, complete; then the counter has no ticket', async () => {
    const s = await post(b, '/api/counters/1/start', t01);
    assert.equal(s.status, 200);
    assert.equal(s.body.ticket.status, 'serving');
    assert.equal(s.body.ticket.startedAt, new Date(b.now()).toISOString());
    assertError(await post(b, '/api/counters/1/start', t01), 409, 'INVALID_STATE');
    assertError(await post(b, '/api/counters/1/recall', t01), 409, 'INVALID_STATE');
    assertError(await post(b, '/api/counters/1/no-show', t01), 409, 'INVALID_STATE');
    b.advance(4 * 60_000);
    const c = await post(b, '/api/counters/1/complete', t01);
    assert.equal(c.status, 200);
    assert.equal(c.body.ticket.status, 'done');
    for (const action of ['recall', 'start', 'complete', 'no-show']) {
      assertError(await post(b, `/api/counters/1/${action}`, t01), 409, 'NO_CURRENT_TICKET');
    }
    assertError(await post(b, '/api/counters/1/transfer', t01, { serviceCode: 'B' }), 409, 'NO_CURRENT_TICKET');
  });

  test('next completes the ticket being served at the counter and calls the following one', async () => {
    await issue(b, 'A');
    await issue(b, 'A');
    const first = await post(b, '/api/counters/1/next', t01);
    assert.equal(first.body.ticket.number, 'A002');
    assert.equal((await post(b, '/api/counters/1/start', t01)).status, 200);
    const second = await post(b, '/api/counters/1/next', t01);
    assert.equal(second.body.ticket.number, 'A003');
    const old = await b.api('GET', `/api/tickets/${first.body.ticket.id}`);
    assert.equal(old.body.status, 'done');
  });

  test('next never completes a ticket that was called but not started: 409 TICKET_NOT_STARTED, nothing changes', async () => {
    await issue(b, 'A');
    const called = (await b.api('GET', '/api/queue')).body.counters.find((c: { id: string }) => c.id === '1').currentTicket;
    assert.equal(called.status, 'called');
    const lastId = (await b.api('GET', '/api/health')).body.lastEventId as number;
    const r = await post(b, '/api/counters/1/next', t01);
    assertError(r, 409, 'TICKET_NOT_STARTED');
    assert.deepEqual(r.body.error.details, { ticketId: called.id, number: called.number });
    assert.equal((await b.api('GET', `/api/tickets/${called.id}`)).body.status, 'called');
    assert.equal((await b.api('GET', '/api/health')).body.lastEventId, lastId, 'nothing was written');
    // The teller's explicit choice: put back in line (keeps its place), then call the next.
    const back = await post(b, '/api/counters/1/put-back', t01);
    assert.equal(back.status, 200);
    assert.equal(back.body.ticket.status, 'waiting');
    assert.equal((await b.api('GET', `/api/tickets/${called.id}`)).body.ahead, 0, 'back at the front: its place in time is kept');
    const again = await post(b, '/api/counters/1/next', t01);
    assert.equal(again.body.ticket.id, called.id);
    assert.equal((await post(b, '/api/counters/1/start', t01)).status, 200);
  });

  test('pause: 400 without a reason or with an unknown one; 409 with a ticket at the counter', async () => {
    assertError(await post(b, '/api/counters/1/pause', t01), 400, 'VALIDATION_FAILED');
    assertError(await post(b, '/api/counters/1/pause', t01, {}), 400, 'VALIDATION_FAILED');
    assertError(await post(b, '/api/counters/1/pause', t01, { reason: '' }), 400, 'VALIDATION_FAILED');
    assertError(await post(b, '/api/counters/1/pause', t01, { reason: 'break', extra: 1 }), 400, 'VALIDATION_FAILED');
    assertError(await post(b, '/api/counters/1/pause', t01, { reason: 'nap' }), 400, 'UNKNOWN_PAUSE_REASON');
    assertError(await post(b, '/api/counters/1/pause', t01, { reason: 'break' }), 409, 'TICKET_AT_COUNTER');
    assertError(await post(b, '/api/counters/1/close', t01), 409, 'TICKET_AT_COUNTER');
    assert.equal((await post(b, '/api/counters/1/complete', t01)).status, 200);
    // What was left waiting from the tests above is served, so the counter starts the next test free.
    while ((await post(b, '/api/counters/1/next', t01)).status === 200) assert.equal((await post(b, '/api/counters/1/complete', t01)).status, 200);
  });

  test('pause and resume; a paused counter calls nobody', async () => {
    const waiting = await issue(b, 'A');
    const p = await post(b, '/api/counters/1/pause', t01, { reason: 'cash_handover' });
    assert.equal(p.status, 200);
    assert.equal(p.body.counter.status, 'paused');
    assert.equal(p.body.counter.pauseReason, 'cash_handover');
    assertError(await post(b, '/api/counters/1/next', t01), 409, 'COUNTER_PAUSED');
    const q = await b.api('GET', '/api/queue');
    const c1 = q.body.counters.find((c: { id: string }) => c.id === '1');
    assert.equal(c1.state, 'paused');
    assert.equal(c1.pauseReason, 'cash_handover');
    const r = await post(b, '/api/counters/1/resume', t01);
    assert.equal(r.status, 200);
    assert.equal(r.body.counter.status, 'open');
    assert.equal(r.body.counter.pauseReason, undefined);
    assertError(await post(b, '/api/counters/1/resume', t01), 409, 'COUNTER_NOT_PAUSED');
    assert.equal((await post(b, '/api/counters/1/next', t01)).body.ticket.number, waiting.number);
    assert.equal((await post(b, '/api/counters/1/complete', t01)).status, 200);
  });

  test('close: 200; the session leaves the counter and can no longer act there', async () => {
    const r = await post(b, '/api/counters/1/close', t01);
    assert.equal(r.status, 200);
    assert.equal(r.body.counter.status, 'closed');
    assert.equal(r.body.counter.staffId, undefined);
    assert.equal((await b.api('GET', '/api/auth/me', { token: t01 })).body.counter, null);
    assertError(await post(b, '/api/counters/1/next', t01), 403, 'FORBIDDEN');
    // A supervisor may try, but the counter is closed.
    const s01 = await b.login('S01');
    assertError(await post(b, '/api/counters/1/next', s01), 409, 'COUNTER_CLOSED');
    assertError(await post(b, '/api/counters/1/pause', s01, { reason: 'break' }), 409, 'COUNTER_CLOSED');
  });
});

describe('who may act at a counter', () => {
  let b: TestBranch;
  let t01: string;
  let t02: string;
  beforeAll(async () => {
    b = await startBranch();
    t01 = await b.login('T01', '1');
    t02 = await b.login('T02', '2');
    for (let i = 0; i < 4; i++) await issue(b, 'A');
  });
  afterAll(() => b.close());

  test('every counter action without a token: 401 UNAUTHENTICATED', async () => {
    for (const action of ['open', 'close', 'next', 'recall', 'start', 'complete', 'no-show', 'transfer', 'pause', 'resume']) {
      assertError(await post(b, `/api/counters/1/${action}`), 401, 'UNAUTHENTICATED');
    }
    assertError(await post(b, '/api/counters/1/next', undefined, undefined, { authorization: 'Bearer not-a-real-token-at-all-0123456789' }), 401, 'UNAUTHENTICATED');
    assertError(await b.api('POST', '/api/tickets/00000000-0000-0000-0000-000000000000/rejoin'), 401, 'UNAUTHENTICATED');
    assertError(await b.api('POST', '/api/tickets/00000000-0000-0000-0000-000000000000/cancel'), 401, 'UNAUTHENTICATED');
  });

  test('a teller signed in at another counter: 403 for every action there', async () => {
    for (const action of ['close', 'next', 'recall', 'start', 'complete', 'no-show', 'pause', 'resume']) {
      const r = await post(b, `/api/counters/1/${action}`, t02, action === 'pause' ? { reason: 'break' } : undefined);
      assertError(r, 403, 'FORBIDDEN');
    }
    assertError(await post(b, '/api/counters/1/transfer', t02, { serviceCode: 'B' }), 403, 'FORBIDDEN');
    // Nothing happened at counter 1.
    const q = await b.api('GET', '/api/queue');
    assert.equal(q.body.counters.find((c: { id: string }) => c.id === '1').currentTicket, null);
  });

  test('a teller cannot open a counter they are not assigned to, nor act at one they have not opened', async () => {
    const r = await post(b, '/api/counters/1/open', t02);
    assertError(r, 403, 'FORBIDDEN');
    assert.match(r.body.error.message, /not assigned to counter 1/);
    const t03 = await b.login('T03');
    assertError(await post(b, '/api/counters/2/open', t03), 403, 'FORBIDDEN');
    assertError(await post(b, '/api/counters/3/next', t03), 403, 'FORBIDDEN');
  });

  test('a counter open for one teller is taken for others: 409 COUNTER_TAKEN', async () => {
    const s01 = await b.login('S01');
    assertError(await post(b, '/api/counters/1/open', s01), 409, 'COUNTER_TAKEN');
  });

  test('lobby staff cannot open, call or act at counters: 403', async () => {
    const l01 = await b.login('L01');
    assertError(await post(b, '/api/counters/1/open', l01), 403, 'FORBIDDEN');
    for (const action of ['next', 'recall', 'complete', 'pause', 'resume', 'close']) {
      assertError(await post(b, `/api/counters/1/${action}`, l01, action === 'pause' ? { reason: 'break' } : undefined), 403, 'FORBIDDEN');
    }
  });

  test('a supervisor acts at any counter, including one a teller has open', async () => {
    const s01 = await b.login('S01');
    const r = await post(b, '/api/counters/1/next', s01);
    assert.equal(r.status, 200);
    assert.equal(r.body.ticket.number, 'A001');
    assert.equal((await post(b, '/api/counters/1/complete', s01)).status, 200);
    assert.equal((await post(b, '/api/counters/5/open', s01)).status, 200);
    const at5 = await post(b, '/api/counters/5/next', s01);
    assert.equal(at5.status, 204, 'counter 5 does not serve cash');
    assert.equal((await post(b, '/api/counters/5/close', s01)).status, 200);
    const a01 = await b.login('A01');
    assert.equal((await post(b, '/api/counters/2/next', a01)).body.ticket.number, 'A002');
    assert.equal((await post(b, '/api/counters/2/complete', t02)).status, 200);
  });

  test('an unknown counter: 404 UNKNOWN_COUNTER for a supervisor, 403 for a teller; a malformed id: 400', async () => {
    const s01 = await b.login('S01');
    for (const action of ['open', 'close', 'next', 'recall', 'start', 'complete', 'no-show', 'resume']) {
      assertError(await post(b, `/api/counters/99/${action}`, s01), 404, 'UNKNOWN_COUNTER');
    }
    assertError(await post(b, '/api/counters/99/pause', s01, { reason: 'break' }), 404, 'UNKNOWN_COUNTER');
    assertError(await post(b, '/api/counters/99/transfer', s01, { serviceCode: 'B' }), 404, 'UNKNOWN_COUNTER');
    assertError(await post(b, '/api/counters/99/next', t01), 403, 'FORBIDDEN');
    assertError(await post(b, `/api/counters/${encodeURIComponent('1;2')}/next`, s01), 400, 'VALIDATION_FAILED');
    assertError(await post(b, `/api/counters/${'9'.repeat(17)}/next`, s01), 400, 'VALIDATION_FAILED');
  });

  test('GET /api/counters lists every counter with its state; staff ids only for staff', async () => {
    const anonymous = await b.api('GET', '/api/counters');
    assert.equal(anonymous.body[0].status, 'open');
    assert.equal(anonymous.body[0].staffId, undefined);
    const r = await b.api('GET', '/api/counters', { token: await b.login('S01') });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.map((c: { id: string }) => c.id), ['1', '2', '3', '4', '5', '6', '7', '8']);
    const c1 = r.body[0];
    assert.equal(c1.status, 'open');
    assert.equal(c1.staffId, 'T01');
    assert.equal(c1.servedToday, 1);
    assert.deepEqual(c1.services, [{ code: 'A', level: 'primary' }, { code: 'B', level: 'secondary' }, { code: 'F', level: 'secondary' }]);
  });
});

describe('transfer, no-show and rejoin, cancel', () => {
  let b: TestBranch;
  let t01: string;
  let l01: string;
  beforeAll(async () => {
    b = await startBranch();
    t01 = await b.login('T01', '1');
    l01 = await b.login('L01');
  });
  afterAll(() => b.close());

  test('transfer: 404 to an unknown service, 400 to the same one or without a body; 200 moves the customer', async () => {
    const a = await issue(b, 'A');
    b.advance(60_000);
    await post(b, '/api/counters/1/next', t01);
    assertError(await post(b, '/api/counters/1/transfer', t01, { serviceCode: 'ZZ' }), 404, 'UNKNOWN_SERVICE');
    assertError(await post(b, '/api/counters/1/transfer', t01, { serviceCode: 'A' }), 400, 'SAME_SERVICE');
    assertError(await post(b, '/api/counters/1/transfer', t01), 400, 'VALIDATION_FAILED');
    assertError(await post(b, '/api/counters/1/transfer', t01, { service: 'B' }), 400, 'VALIDATION_FAILED');
    assertError(await post(b, '/api/counters/1/transfer', t01, { serviceCode: 5 }), 400, 'VALIDATION_FAILED');
    const r = await post(b, '/api/counters/1/transfer', t01, { serviceCode: 'E' });
    assert.equal(r.status, 200);
    const moved = r.body.ticket;
    assert.equal(moved.number, 'E001');
    assert.equal(moved.serviceCode, 'E');
    assert.equal(moved.status, 'waiting');
    assert.equal(moved.transferredFrom, a.id);
    assert.equal(moved.waitedSeconds, 60, 'the transfer keeps the original arrival time');
    const old = await b.api('GET', `/api/tickets/${a.id}`);
    assert.equal(old.body.status, 'transferred');
    assert.deepEqual(old.body.transferredTo, { id: moved.id, number: 'E001', serviceCode: 'E' });
    const q = await b.api('GET', '/api/queue');
    assert.equal(q.body.counters.find((c: { id: string }) => c.id === '1').currentTicket, null);
    assert.equal((await serviceView(b, 'E')).waiting, 1);
    assert.equal((await serviceView(b, 'E')).issuedToday, 0, 'a transfer is not a new arrival for the daily cap');
  });

  test('a transferred customer goes before later arrivals of the new service', async () => {
    const later = await issue(b, 'E');
    assert.equal(later.number, 'E002');
    assert.equal(later.ahead, 1);
    const t03 = await b.login('T03', '3');
    assert.equal((await post(b, '/api/counters/3/next', t03)).body.ticket.number, 'E001');
    assert.equal((await post(b, '/api/counters/3/start', t03)).status, 200);
    assert.equal((await post(b, '/api/counters/3/next', t03)).body.ticket.number, 'E002');
    assert.equal((await post(b, '/api/counters/3/complete', t03)).status, 200);
  });

  test('no-show, then rejoin puts the ticket at the back of the line', async () => {
    const x = await issue(b, 'A');
    const y = await issue(b, 'A');
    const z = await issue(b, 'A');
    assert.equal((await post(b, '/api/counters/1/next', t01)).body.ticket.id, x.id);
    const ns = await post(b, '/api/counters/1/no-show', t01);
    assert.equal(ns.status, 200);
    assert.equal(ns.body.ticket.status, 'no_show');
    assert.equal((await b.api('GET', `/api/tickets/${x.id}`)).body.status, 'no_show');

    b.advance(5 * 60_000);
    const r = await b.api('POST', `/api/tickets/${x.id}/rejoin`, { token: l01 });
    assert.equal(r.status, 200);
    assert.equal(r.body.ticket.id, x.id);
    assert.equal(r.body.ticket.number, x.number, 'the customer keeps their number');
    assert.equal(r.body.ticket.status, 'waiting');
    assert.equal(r.body.ahead, 2);
    assert.ok(r.body.estimate.minMinutes <= r.body.estimate.maxMinutes);
    assert.equal((await b.api('GET', `/api/tickets/${x.id}`)).body.ahead, 2);

    assert.equal((await post(b, '/api/counters/1/next', t01)).body.ticket.id, y.id);
    assert.equal((await post(b, '/api/counters/1/start', t01)).status, 200);
    assert.equal((await post(b, '/api/counters/1/next', t01)).body.ticket.id, z.id);
    assert.equal((await post(b, '/api/counters/1/start', t01)).status, 200);
    const again = await post(b, '/api/counters/1/next', t01);
    assert.equal(again.body.ticket.id, x.id);
    assert.equal(again.body.ticket.recalls, 0);
  });

  test('rejoin: 409 unless a no-show, 409 REJOIN_LIMIT past maxRejoins, 404 unknown, 400 malformed', async () => {
    const called = (await b.api('GET', '/api/queue')).body.counters.find((c: { id: string }) => c.id === '1').currentTicket;
    assertError(await b.api('POST', `/api/tickets/${called.id}/rejoin`, { token: l01 }), 409, 'INVALID_STATE');
    assert.equal((await post(b, '/api/counters/1/no-show', t01)).status, 200);
    assertError(await b.api('POST', `/api/tickets/${called.id}/rejoin`, { token: l01 }), 409, 'REJOIN_LIMIT');
    assertError(await b.api('POST', '/api/tickets/00000000-0000-0000-0000-000000000000/rejoin', { token: l01 }), 404, 'UNKNOWN_TICKET');
    assertError(await b.api('POST', '/api/tickets/not%20an%20id/rejoin', { token: l01 }), 400, 'VALIDATION_FAILED');
  });

  test('a teller may also rejoin a no-show at their counter', async () => {
    const t = await issue(b, 'A');
    assert.equal((await post(b, '/api/counters/1/next', t01)).body.ticket.id, t.id);
    await post(b, '/api/counters/1/no-show', t01);
    assert.equal((await b.api('POST', `/api/tickets/${t.id}/rejoin`, { token: t01 })).status, 200);
    assert.equal((await post(b, '/api/counters/1/next', t01)).body.ticket.id, t.id);
    assert.equal((await post(b, '/api/counters/1/complete', t01)).status, 200);
  });

  test('cancel: lobby cancels a waiting ticket; 409 once it is not waiting; tellers 403', async () => {
    const t = await issue(b, 'B');
    assertError(await b.api('POST', `/api/tickets/${t.id}/cancel`, { token: t01 }), 403, 'FORBIDDEN');
    assertError(await b.api('POST', `/api/tickets/${t.id}/cancel`, { token: l01, body: { reason: 7 } }), 400, 'VALIDATION_FAILED');
    const r = await b.api('POST', `/api/tickets/${t.id}/cancel`, { token: l01, body: { reason: 'left the branch' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.ticket.status, 'cancelled');
    assert.equal((await serviceView(b, 'B')).waiting, 0);
    assertError(await b.api('POST', `/api/tickets/${t.id}/cancel`, { token: l01 }), 409, 'INVALID_STATE');
    assertError(await b.api('POST', '/api/tickets/00000000-0000-0000-0000-000000000000/cancel', { token: l01 }), 404, 'UNKNOWN_TICKET');
  });
});

describe('calls are never doubled', () => {
  let b: TestBranch;
  beforeAll(async () => {
    b = await startBranch();
  });
  afterAll(() => b.close());

  test('tickets issued in the same millisecond are called in number order', async () => {
    const t01 = await b.login('T01', '1');
    const issued = [];
    for (let i = 0; i < 12; i++) issued.push(await issue(b, 'A'));
    assert.deepEqual(issued.map((t) => t.ahead), [...issued.keys()]);
    for (const t of issued) {
      assert.equal((await post(b, '/api/counters/1/next', t01)).body.ticket.number, t.number);
      assert.equal((await post(b, '/api/counters/1/start', t01)).status, 200);
    }
    assert.equal((await post(b, '/api/counters/1/complete', t01)).status, 200);
    assert.equal((await post(b, '/api/counters/1/close', t01)).status, 200);
  });

  test('Idempotency-Key on next: the same key twice calls one ticket', async () => {
    const t02 = await b.login('T02', '2');
    const [x, y] = [await issue(b, 'A'), await issue(b, 'A')];
    const headers = { 'idempotency-key': 'pad-2:press-000001' };
    const first = await post(b, '/api/counters/2/next', t02, undefined, headers);
    const retry = await post(b, '/api/counters/2/next', t02, undefined, headers);
    assert.equal(first.status, 200);
    assert.deepEqual(retry.body, first.body);
    assert.equal(first.body.ticket.id, x.id);
    assert.equal((await serviceView(b, 'A')).waiting, 1, 'only one ticket left the line');
    assert.equal((await b.api('GET', `/api/tickets/${y.id}`)).body.status, 'waiting');
    assert.equal((await post(b, '/api/counters/2/start', t02)).status, 200);
    const next = await post(b, '/api/counters/2/next', t02, undefined, { 'idempotency-key': 'pad-2:press-000002' });
    assert.equal(next.body.ticket.id, y.id);
    // With nobody left, a keyed 204 is replayed as a 204.
    assert.equal((await post(b, '/api/counters/2/start', t02)).status, 200);
    const none = { 'idempotency-key': 'pad-2:press-000003' };
    assert.equal((await post(b, '/api/counters/2/next', t02, undefined, none)).status, 204);
    const z = await issue(b, 'A');
    assert.equal((await post(b, '/api/counters/2/next', t02, undefined, none)).status, 204);
    assert.equal((await b.api('GET', `/api/tickets/${z.id}`)).body.status, 'waiting');
    assert.equal((await post(b, '/api/counters/2/next', t02)).body.ticket.id, z.id);
    assert.equal((await post(b, '/api/counters/2/complete', t02)).status, 200);
  });

  test('the same key from another staff member is another request', async () => {
    const s01 = await b.login('S01');
    const t03 = await b.login('T03', '3');
    const [x, y] = [await issue(b, 'B'), await issue(b, 'B')];
    const headers = { 'idempotency-key': 'shared-key-0001' };
    assert.equal((await post(b, '/api/counters/3/next', t03, undefined, headers)).body.ticket.id, x.id);
    assert.equal((await post(b, '/api/counters/3/start', t03)).status, 200);
    assert.equal((await post(b, '/api/counters/3/next', s01, undefined, headers)).body.ticket.id, y.id);
    assert.equal((await post(b, '/api/counters/3/complete', t03)).status, 200);
  });

  test('many parallel next requests from several counters never get the same ticket', async () => {
    const services = ['A', 'B', 'E', 'F'];
    const ids = new Set<string>();
    for (let i = 0; i < 80; i++) ids.add((await issue(b, services[i % 4]!)).id);
    const tellers = await Promise.all(['1', '2', '3', '4'].map((c, i) => b.login(`T0${i + 1}`, c)));
    const lastId = (await b.api('GET', '/api/health')).body.lastEventId as number;
    // Rounds of presses at all four counters at once, two racing presses per counter: one of
    // the two calls, the other finds a customer not started yet and calls nobody.
    const called: string[] = [];
    for (let round = 0; round < 20; round++) {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => post(b, `/api/counters/${(i % 4) + 1}/next`, tellers[i % 4])));
      const ok = answers.filter((r) => r.status === 200);
      assert.equal(ok.length, 4, JSON.stringify(answers.map((r) => r.status)));
      for (const r of answers.filter((x) => x.status !== 200)) assertError(r, 409, 'TICKET_NOT_STARTED');
      called.push(...ok.map((r) => r.body.ticket.id as string));
      await Promise.all(tellers.map((t, c) => post(b, `/api/counters/${c + 1}/start`, t)));
    }
    assert.equal(new Set(called).size, 80, 'no ticket called twice');
    for (const id of called) assert.ok(ids.has(id));
    for (const s of services) assert.equal((await serviceView(b, s)).waiting, 0);
    const events = await eventsAfter(b, lastId, await b.login('S01'));
    const calls = events.filter((e) => e.type === 'ticket.called');
    assert.equal(calls.length, 80);
    assert.equal(new Set(calls.map((e) => (e.type === 'ticket.called' ? e.data.ticket.id : ''))).size, 80);
    assert.equal((await post(b, '/api/counters/1/next', tellers[0])).status, 204);
  });
});
