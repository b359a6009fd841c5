/**
 * The rating contract (DESIGN §5) and the counter tablets over real HTTP: 201 once the ticket's
 * service is done, 409 before and for a second rating, tied to the ticket's counter and teller;
 * bad bodies are 400 and change nothing; staff cannot rate; the accept window closes. Tablets are
 * bound by supervisors only, rate only their counter's open request, and stop working once
 * unbound or replaced. Performance: supervisors see every teller, a teller only their own row.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestBranch, type TestBranch } from '../support/branch.js';

const START = Date.UTC(2026, 4, 12, 2, 0);

describe('ratings over the LAN API', () => {
  let b: TestBranch;
  let teller: string;
  let sup: string;

  const serve = async (counter = '3', token = teller, service = 'B') => {
    const t = (await b.api('POST', '/api/tickets', { body: { serviceCode: service } })).body;
    assert.equal((await b.api('POST', `/api/counters/${counter}/next`, { token })).status, 200);
    b.advance(120_000);
    assert.equal((await b.api('POST', `/api/counters/${counter}/complete`, { token })).status, 200);
    return t as { id: string; number: string };
  };
  const events = async (type: string) => ((await b.api('GET', '/api/events?after=0&limit=1000', { token: sup })).body as { type: string; data: any }[]).filter((e) => e.type === type);

  beforeAll(async () => {
    b = await startTestBranch({ manualClock: START });
    teller = await b.login('T03', '3');
    sup = await b.login('S01');
  });
  afterAll(async () => b?.close());

  it('409 before the service is done, 201 once it is, 409 for a second rating; tied to counter and teller', async () => {
    const t = (await b.api('POST', '/api/tickets', { body: { serviceCode: 'B' } })).body;
    const early = await b.api('POST', `/api/tickets/${t.id}/rating`, { body: { score: 5 } });
    assert.equal(early.status, 409);
    assert.equal(early.body.error.code, 'RATING_NOT_SERVED');
    await b.api('POST', '/api/counters/3/next', { token: teller });
    assert.equal((await b.api('POST', `/api/tickets/${t.id}/rating`, { body: { score: 5 } })).status, 409, 'called, not yet served');
    b.advance(60_000);
    await b.api('POST', '/api/counters/3/complete', { token: teller });

    const r = await b.api('POST', `/api/tickets/${t.id}/rating`, { body: { score: 2, reasons: ['long_wait', 'attitude'], channel: 'mobile' } });
    assert.equal(r.status, 201);
    assert.deepEqual([r.body.ticketId, r.body.score, r.body.channel, r.body.reasons], [t.id, 2, 'mobile', ['long_wait', 'attitude']]);
    assert.equal(r.body.staffId, undefined, 'the public answer names no staff member');
    const rated = (await events('feedback.rated')).at(-1)!.data.rating;
    assert.deepEqual([rated.ticketId, rated.counterId, rated.staffId, rated.channel], [t.id, '3', 'T03', 'mobile']);

    const second = await b.api('POST', `/api/tickets/${t.id}/rating`, { body: { score: 5, channel: 'pad' } });
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, 'ALREADY_RATED');
    assert.equal((await events('feedback.rated')).filter((e) => e.data.rating.ticketId === t.id).length, 1);
    assert.deepEqual((await b.api('GET', `/api/tickets/${t.id}/rating`)).body, {
      rated: true,
      rating: { score: 2, levels: 5, reasons: ['long_wait', 'attitude'], channel: 'mobile' },
      canRate: false,
      why: 'rated',
    });
  });

  it('bad input is a 400 that records nothing; an unknown ticket is a 404; a transferred ticket is not "served"', async () => {
    const t = await serve();
    const before = (await events('feedback.rated')).length;
    for (const body of [{ score: 0 }, { score: 6 }, { score: 4.5 }, { score: '5' }, {}, { score: 5, channel: 'kiosk' }, { score: 5, extra: 1 }, { score: 1, reasons: 'slow' }]) {
      const r = await b.api('POST', `/api/tickets/${t.id}/rating`, { body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, 'VALIDATION_FAILED');
    }
    const unknownReason = await b.api('POST', `/api/tickets/${t.id}/rating`, { body: { score: 1, reasons: ['rude_plant'] } });
    assert.equal(unknownReason.status, 400);
    assert.equal(unknownReason.body.error.code, 'RATING_INVALID');
    assert.equal((await b.api('POST', '/api/tickets/no-such-ticket/rating', { body: { score: 5 } })).status, 404);
    assert.equal((await b.api('POST', `/api/tickets/${t.id}/rating`, { body: 'not json', headers: { 'content-type': 'application/json' } })).status, 400);
    assert.equal((await events('feedback.rated')).length, before);

    const moved = (await b.api('POST', '/api/tickets', { body: { serviceCode: 'B' } })).body;
    await b.api('POST', '/api/counters/3/next', { token: teller });
    await b.api('POST', '/api/counters/3/transfer', { token: teller, body: { serviceCode: 'E' } });
    const r = await b.api('POST', `/api/tickets/${moved.id}/rating`, { body: { score: 5 } });
    assert.deepEqual([r.status, r.body.error.code], [409, 'RATING_NOT_SERVED']);
    // The customer continues as the E ticket: serve it, so the next test's call is its own ticket.
    assert.equal((await b.api('POST', '/api/counters/3/next', { token: teller })).body.ticket.serviceCode, 'E');
    await b.api('POST', '/api/counters/3/complete', { token: teller });
  });

  it('staff cannot rate a service; the phone’s window closes after acceptMinutes', async () => {
    const t = await serve();
    const byTeller = await b.api('POST', `/api/tickets/${t.id}/rating`, { token: teller, body: { score: 5 } });
    assert.equal(byTeller.status, 403, 'a teller rating their own service is refused');
    b.advance(24 * 3_600_000 + 60_000);
    // A day later: the sessions have expired as well.
    teller = await b.login('T03', '3');
    sup = await b.login('S01');
    const late = await b.api('POST', `/api/tickets/${t.id}/rating`, { body: { score: 5 } });
    assert.deepEqual([late.status, late.body.error.code], [409, 'RATING_CLOSED']);
    assert.deepEqual((await b.api('GET', `/api/tickets/${t.id}/rating`)).body, { rated: false, rating: null, canRate: false, why: 'closed' });
  });

  it('tablets: only supervisors bind; a tablet rates only its counter’s open request; unbound or replaced tablets are refused', async () => {
    assert.equal((await b.api('POST', '/api/evaluator/tablets', { token: teller, body: { counterId: '3' } })).status, 403, 'a teller cannot bind a tablet');
    assert.equal((await b.api('POST', '/api/evaluator/tablets', { body: { counterId: '3' } })).status, 401);
    assert.equal((await b.api('POST', '/api/evaluator/tablets', { token: sup, body: { counterId: '99' } })).status, 404);
    const bound = await b.api('POST', '/api/evaluator/tablets', { token: sup, body: { counterId: '3', label: 'front desk 3' } });
    assert.equal(bound.status, 201);
    const tablet = { authorization: `Bearer ${bound.body.token}` };
    assert.match(bound.body.token, /^ctb_/);

    // The tablet's token is no staff token, and a staff token is no tablet token.
    assert.equal((await b.api('GET', '/api/auth/me', { headers: tablet })).status, 401);
    assert.equal((await b.api('GET', '/api/evaluator/state', { token: sup })).status, 401);

    const t = await serve();
    const state = (await b.api('GET', '/api/evaluator/state', { headers: tablet })).body;
    assert.equal(state.counter.id, '3');
    assert.equal(state.request.number, t.number);
    assert.equal(state.request.state, 'waiting');
    assert.equal(state.request.ticketId, undefined, 'the tablet never sees ticket ids');
    assert.equal((await b.api('POST', '/api/evaluator/rating', { headers: tablet, body: { request: (state.request.seq % 255) + 1, score: 4 } })).body.error.code, 'RATING_EXPIRED');
    const r = await b.api('POST', '/api/evaluator/rating', { headers: tablet, body: { request: state.request.seq, score: 4 } });
    assert.equal(r.status, 201);
    const rated = (await events('feedback.rated')).at(-1)!.data.rating;
    assert.deepEqual([rated.ticketId, rated.channel, rated.deviceId, rated.staffId], [t.id, 'tablet', bound.body.tablet.id, 'T03']);
    const again = await b.api('POST', '/api/evaluator/rating', { headers: tablet, body: { request: state.request.seq, score: 5 } });
    assert.deepEqual([again.status, again.body.error.code], [409, 'ALREADY_RATED']);

    // Binding another tablet to counter 3 replaces this one; a supervisor can unbind any.
    const replacement = await b.api('POST', '/api/evaluator/tablets', { token: sup, body: { counterId: '3' } });
    assert.deepEqual(replacement.body.replaced, [bound.body.tablet.id]);
    assert.equal((await b.api('GET', '/api/evaluator/state', { headers: tablet })).status, 401);
    const list = (await b.api('GET', '/api/evaluator/tablets', { token: sup })).body as { id: string }[];
    assert.deepEqual(list.map((x) => x.id), [replacement.body.tablet.id]);
    assert.equal((await b.api('GET', '/api/evaluator/tablets', { token: teller })).status, 403);
    assert.equal((await b.api('POST', `/api/evaluator/tablets/${replacement.body.tablet.id}/revoke`, { token: sup })).status, 200);
    assert.equal((await b.api('GET', '/api/evaluator/state', { headers: { authorization: `Bearer ${replacement.body.token}` } })).status, 401);
    const audit = [...(await events('feedback.tablet_bound')), ...(await events('feedback.tablet_revoked'))].map((e) => [e.type, e.data.staffId, e.data.reason ?? '']);
    assert.deepEqual(audit, [
      ['feedback.tablet_bound', 'S01', ''],
      ['feedback.tablet_bound', 'S01', ''],
      ['feedback.tablet_revoked', 'S01', 'replaced'],
      ['feedback.tablet_revoked', 'S01', 'unbound'],
    ]);
  });

  it('performance: a supervisor sees every teller, a teller only their own row, a lobby manager nothing', async () => {
    // The week holds both days of this test.
    const all = await b.api('GET', '/api/performance?period=week&date=2026-05-12', { token: sup });
    assert.equal(all.status, 200);
    const ids = (all.body as { staffId: string }[]).map((r) => r.staffId);
    for (const id of ['T01', 'T03', 'T08']) assert.ok(ids.includes(id), id);
    const t03 = all.body.find((r: { staffId: string }) => r.staffId === 'T03');
    for (const key of ['staffId', 'served', 'meanServiceMinutes', 'meanWaitMinutes', 'satisfaction', 'complaints', 'outOfOrderCalls']) assert.ok(key in t03, key);
    assert.equal(t03.served, 5, 'five services done: four of B, and the E ticket the transferred one continued as (the transferred one itself is not)');
    assert.equal(t03.complaints, 0, 'no complaint exists yet');
    assert.deepEqual(t03.satisfaction, { score: 3, ratings: 2 }, 'the phone’s 2 and the tablet’s 4');
    assert.deepEqual(t03.scoreCounts, [0, 1, 0, 1, 0]);

    const mine = await b.api('GET', '/api/performance?period=week&date=2026-05-12', { token: teller });
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body, [t03]);
    assert.equal((await b.api('GET', '/api/performance', { token: await b.login('L01') })).status, 403);
    assert.equal((await b.api('GET', '/api/performance')).status, 401);
    for (const q of ['period=year', 'date=2026-02-30', 'format=xml', 'x=1']) assert.equal((await b.api('GET', `/api/performance?${q}`, { token: sup })).status, 400, q);
  });
});
