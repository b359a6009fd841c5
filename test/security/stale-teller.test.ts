/**
 * Fault 2 of the hardening review: a teller kept a counter that was handed on. Over real HTTP:
 * a supervisor closes counter 1, another teller opens it, and the first teller's session tries
 * every counter action; a counter closed under a teller; the stale teller moving on.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import type { TestBranch } from '../support/branch.js';
import { assertError, issue, startBranch } from '../api/support.js';

describe('a counter handed on', () => {
  let b: TestBranch;
  beforeAll(async () => {
    b = await startBranch();
  });
  afterAll(() => b.close());

  const counter = async (id: string) => (await b.api('GET', '/api/queue', { token: await b.login('S01') })).body.counters.find((c: { id: string }) => c.id === id);

  test("the first teller's session can no longer call, recall, complete, pause, resume, transfer or close under the second", async () => {
    const admin = await b.login('A01');
    assert.equal((await b.api('POST', '/api/staff', { token: admin, body: { id: 'T61', name: 'Relief teller', roles: ['teller'], counters: ['1'], pin: '583920' } })).status, 201);
    const supervisor = await b.login('S01');
    const first = await b.login('T01', '1');
    await issue(b, 'A');
    assert.equal((await b.api('POST', '/api/counters/1/next', { token: first })).status, 200);
    assert.equal((await b.api('POST', '/api/counters/1/complete', { token: first })).status, 200);

    // The supervisor closes counter 1; the relief teller opens it and calls.
    assert.equal((await b.api('POST', '/api/counters/1/close', { token: supervisor })).status, 200);
    const relief = (await b.api('POST', '/api/auth/login', { body: { staffId: 'T61', pin: '583920', counter: '1' } })).body.token as string;
    await issue(b, 'A');
    await issue(b, 'A');
    const called = await b.api('POST', '/api/counters/1/next', { token: relief });
    assert.equal(called.status, 200);

    for (const [action, body] of [
      ['next', undefined],
      ['recall', undefined],
      ['start', undefined],
      ['complete', undefined],
      ['no-show', undefined],
      ['transfer', { serviceCode: 'B' }],
      ['pause', { reason: 'break' }],
      ['resume', undefined],
      ['close', undefined],
    ] as const) {
      const r = await b.api('POST', `/api/counters/1/${action}`, { token: first, body });
      assert.equal(r.status, 403, `${action}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, 'FORBIDDEN');
    }
    assertError(await b.api('GET', '/api/counters/1/current', { token: first }), 403, 'FORBIDDEN');

    // Nothing of it happened: counter 1 is still the relief teller's, with the ticket they called.
    const c1 = await counter('1');
    assert.equal(c1.status, 'open');
    assert.equal(c1.staffId, 'T61');
    assert.equal(c1.currentTicket.id, called.body.ticket.id);
    assert.equal(c1.currentTicket.status, 'called');
    // The relief teller carries on.
    assert.equal((await b.api('POST', '/api/counters/1/start', { token: relief })).status, 200);

    // The first teller's session has let go of counter 1; opening it again is refused while it is held.
    assert.equal((await b.api('GET', '/api/auth/me', { token: first })).body.counter, null);
    assertError(await b.api('POST', '/api/counters/1/open', { token: first }), 409, 'COUNTER_TAKEN');
  });

  test('a counter closed under a teller answers 409 COUNTER_CLOSED until they open it again', async () => {
    const supervisor = await b.login('S01');
    const t02 = await b.login('T02', '2');
    assert.equal((await b.api('POST', '/api/counters/2/close', { token: supervisor })).status, 200);
    assertError(await b.api('POST', '/api/counters/2/next', { token: t02 }), 409, 'COUNTER_CLOSED');
    assert.equal((await b.api('POST', '/api/counters/2/open', { token: t02 })).status, 200);
    await issue(b, 'B');
    assert.equal((await b.api('POST', '/api/counters/2/next', { token: t02 })).status, 200);
  });
});
