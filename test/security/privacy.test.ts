/**
 * Fault 7 of the hardening review: privacy on the LAN. Any machine on the branch LAN may open
 * the stream, the lobby screen's queue and a ticket's page without signing in. Over real
 * sockets: a VIP ticket is issued and called and a sign-in lock happens; the anonymous stream
 * client sees no segment, no staff id, no file path and no staff or alert events, while a staff
 * connection sees them all; a ticket's page shows no segment and stops answering after its day.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import type { TestBranch } from '../support/branch.js';
import { assertError, startBranch } from '../api/support.js';

/** A stream client that keeps every message as text; waits for a condition, never a duration. */
async function streamClient(b: TestBranch, token?: string): Promise<{ texts: string[]; until(id: number): Promise<void>; close(): void }> {
  const protocols = token ? ['branch-queue', `bearer.${token}`] : ['branch-queue'];
  const ws = new WebSocket(`${b.url.replace('http', 'ws')}/api/stream?after=0`, protocols);
  const texts: string[] = [];
  let lastId = 0;
  ws.on('message', (data) => {
    const text = String(data);
    texts.push(text);
    lastId = Math.max(lastId, Number(JSON.parse(text).id));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    texts,
    async until(id) {
      const limit = Date.now() + 15_000;
      while (lastId < id) {
        if (Date.now() > limit) throw new Error(`stream stopped at event ${lastId}, waiting for ${id}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => ws.close(),
  };
}

describe('what the LAN sees without signing in', () => {
  let b: TestBranch;
  beforeAll(async () => {
    b = await startBranch();
  });
  afterAll(() => b.close());

  test('the anonymous stream carries no segment, staff id, file path, sign-in lock or alert; staff see them', async () => {
    const lobby = await b.login('L01');
    const teller = await b.login('T01', '1');
    const vip = await b.api('POST', '/api/tickets', { token: lobby, body: { serviceCode: 'A', segment: 'vip1' } });
    assert.equal(vip.status, 201);
    assert.equal(vip.body.segment, 'vip1', 'whoever issued the ticket sees its segment');
    assert.equal((await b.api('POST', '/api/counters/1/next', { token: teller })).status, 200);
    // Wrong PINs from this address lock sign-in for T02 here: a staff.login_locked event.
    let locked = 0;
    for (let i = 0; i < 10 && locked === 0; i++) {
      const r = await b.api('POST', '/api/auth/login', { body: { staffId: 'T02', pin: '000000' } });
      if (r.status === 423) locked++;
    }
    assert.equal(locked, 1, 'the wrong PINs locked sign-in');
    const last = (await b.api('GET', '/api/health')).body.lastEventId as number;
    const supervisor = await b.login('S01');
    const log = (await b.api('GET', `/api/events?after=0&limit=1000`, { token: supervisor })).body as { id: number; type: string }[];
    const staffOnly = log.filter((e) => e.type.startsWith('staff.') || e.type.startsWith('alert.')).map((e) => e.id);
    assert.ok(staffOnly.length > 0);

    const anonymous = await streamClient(b);
    const staff = await streamClient(b, supervisor);
    try {
      // The anonymous client's last event may be before `last` when the newest ones are staff-only.
      const lastPublic = Math.max(...log.filter((e) => !staffOnly.includes(e.id)).map((e) => e.id));
      await anonymous.until(lastPublic);
      await staff.until(last);
      const anon = anonymous.texts.join('\n');
      assert.ok(anonymous.texts.some((t) => t.includes(vip.body.id)), 'the VIP ticket is on the anonymous stream');
      for (const secret of ['"segment"', 'vip1', '"staffId"', '"visitId"', '"source"', 'staff.login_locked', '"address"']) {
        assert.ok(!anon.includes(secret), `the anonymous stream shows ${secret}`);
      }
      assert.ok(anonymous.texts.every((t) => !staffOnly.includes(Number(JSON.parse(t).id))));
      const all = staff.texts.join('\n');
      for (const shown of ['"segment":"vip1"', '"staffId":"T01"', 'staff.login_locked', '"source"']) assert.ok(all.includes(shown), `staff see ${shown}`);
      assert.equal(staff.texts.length, log.length);
    } finally {
      anonymous.close();
      staff.close();
    }

    // The lobby screen's queue and the ticket's page: numbers and counters, no segment, no staff.
    const queue = (await b.api('GET', '/api/queue')).body;
    const c1 = queue.counters.find((c: { id: string }) => c.id === '1');
    assert.equal(c1.currentTicket.id, vip.body.id);
    assert.equal(c1.staffId, undefined);
    assert.equal(c1.currentTicket.segment, undefined);
    const page = await b.api('GET', `/api/tickets/${vip.body.id}`);
    assert.equal(page.status, 200);
    assert.equal(page.body.segment, undefined);
    assert.equal(page.body.staffId, undefined);
  });

  test("a ticket's page answers on its business day and 410 TICKET_EXPIRED after it", async () => {
    const t = await b.api('POST', '/api/tickets', { body: { serviceCode: 'B' } });
    assert.equal(t.status, 201);
    assert.equal((await b.api('GET', `/api/tickets/${t.body.id}`)).status, 200);
    // The next business day starts with the first ticket of that day.
    b.advance(24 * 3_600_000);
    assert.equal((await b.api('POST', '/api/tickets', { body: { serviceCode: 'B' } })).status, 201);
    assertError(await b.api('GET', `/api/tickets/${t.body.id}`), 410, 'TICKET_EXPIRED');
  });
});
