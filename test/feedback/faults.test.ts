/**
 * A fault at the counter (the bank's rule 一(四)) over the LAN API: a teller marks a system fault
 * in the middle of a service; the customer stays at the counter; the counter calls nobody; the
 * waiting customers' phones and the lobby screen get the fault and a new, longer wait; resuming
 * ends it; the day's report lists the interruption with its minutes and the interrupted ticket.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestBranch, type TestBranch } from '../support/branch.js';

const START = Date.UTC(2026, 4, 12, 2, 0); // 10:00 in Shanghai, 2026-05-12

describe('a system fault at a counter', () => {
  let b: TestBranch;
  let t3: string;
  let t4: string;
  let sup: string;

  beforeAll(async () => {
    b = await startTestBranch({ manualClock: START });
    t3 = await b.login('T03', '3');
    t4 = await b.login('T04', '4');
    sup = await b.login('S01');
  });
  afterAll(async () => b?.close());

  it('interrupts the service, tells waiting customers the new wait, and shows in the day’s report', async () => {
    const served = (await b.api('POST', '/api/tickets', { body: { serviceCode: 'B' } })).body;
    const waiting = [];
    for (let i = 0; i < 6; i++) waiting.push((await b.api('POST', '/api/tickets', { body: { serviceCode: 'B' } })).body);
    assert.equal((await b.api('POST', '/api/counters/3/next', { token: t3 })).body.ticket.id, served.id);
    await b.api('POST', '/api/counters/3/start', { token: t3 });
    const last = waiting.at(-1)!;
    const before = (await b.api('GET', `/api/tickets/${last.id}`)).body.estimate;
    assert.deepEqual((await b.api('GET', '/api/faults')).body.faults, []);

    // A break cannot interrupt a service; a fault can.
    assert.equal((await b.api('POST', '/api/counters/3/pause', { token: t3, body: { reason: 'break' } })).body.error.code, 'TICKET_AT_COUNTER');
    assert.equal((await b.api('POST', '/api/counters/3/fault', { token: t4 })).status, 403, 'only the counter’s own teller (or a supervisor)');
    const f = await b.api('POST', '/api/counters/3/fault', { token: t3, headers: { 'idempotency-key': 'fault-key-0001' } });
    assert.equal(f.status, 200);
    assert.deepEqual([f.body.counter.status, f.body.counter.pauseReason, f.body.counter.currentTicketId], ['paused', 'system_fault', served.id]);
    const cur = (await b.api('GET', '/api/counters/3/current', { token: t3 })).body;
    assert.equal(cur.ticket.id, served.id, 'the customer stays at the counter');
    assert.equal((await b.api('POST', '/api/counters/3/next', { token: t3 })).body.error.code, 'COUNTER_PAUSED', 'the counter calls nobody');

    const faults = (await b.api('GET', '/api/faults')).body.faults;
    assert.equal(faults.length, 1);
    assert.equal(faults[0].counterId, '3');
    assert.deepEqual(faults[0].name, { zh: '3号窗口 综合', en: 'Counter 3 General' });
    assert.deepEqual(faults[0].services.map((s: { code: string }) => s.code).sort(), ['A', 'B', 'E', 'F']);
    assert.equal(JSON.stringify(faults).includes('T03'), false, 'public: no staff id');
    const during = (await b.api('GET', `/api/tickets/${last.id}`)).body.estimate;
    assert.ok(during.maxMinutes > before.maxMinutes, `the new wait is longer: ${JSON.stringify(before)} → ${JSON.stringify(during)}`);
    const bNotice = faults[0].services.find((s: { code: string }) => s.code === 'B');
    assert.equal(bNotice.waiting, 6);

    const paused = ((await b.api('GET', '/api/events?after=0&limit=1000', { token: sup })).body as { type: string; data: any }[]).filter((e) => e.type === 'counter.paused').at(-1)!;
    assert.deepEqual([paused.data.reason, paused.data.ticketId, paused.data.staffId], ['system_fault', served.id, 'T03']);

    b.advance(12 * 60_000);
    assert.equal((await b.api('POST', '/api/counters/3/resume', { token: t3 })).status, 200);
    assert.deepEqual((await b.api('GET', '/api/faults')).body.faults, []);
    assert.equal((await b.api('POST', '/api/counters/3/complete', { token: t3 })).body.ticket.status, 'done');

    const report = (await b.api('GET', '/api/reports?period=day&date=2026-05-12', { token: sup })).body;
    assert.equal(report.interruptions.length, 1);
    const i = report.interruptions[0];
    assert.deepEqual([i.counterId, i.staffId, i.ticketId, i.ticketNumber, i.minutes], ['3', 'T03', served.id, served.number, 12]);
    assert.equal(Date.parse(i.to) - Date.parse(i.from), 12 * 60_000);
  });

  it('a fault between customers works too, and an ongoing one shows as ongoing', async () => {
    assert.equal((await b.api('POST', '/api/counters/4/fault', { token: t4 })).status, 200);
    b.advance(5 * 60_000);
    const report = (await b.api('GET', '/api/reports?period=day&date=2026-05-12', { token: sup })).body;
    const ongoing = report.interruptions.find((x: { counterId: string }) => x.counterId === '4');
    assert.deepEqual([ongoing.to, ongoing.minutes, ongoing.ticketId], [null, 5, undefined]);
    assert.equal((await b.api('POST', '/api/counters/4/resume', { token: t4 })).status, 200);
  });
});
