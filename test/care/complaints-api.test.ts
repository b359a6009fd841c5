/**
 * Complaints to closure over real HTTP on a real branch database (the bank's rule 一(五)): the
 * lobby manager records one about a served ticket, which names its teller and is due after its
 * category's deadline; the teller named can neither own, see nor close it; a colleague cannot
 * close another's complaint; the owner resolves it, says whether the customer was told, and
 * closes it; every change is an event with who and when and none carries the customer's words
 * or contact. An overdue complaint raises a dashboard alert, driven by the injected clock, that
 * clears once it is resolved. A customer leaves an opinion on the phone, with a contact only
 * with consent; bad input is a clear 4xx and records nothing.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestBranch, type TestBranch } from '../support/branch.js';

const START = Date.UTC(2026, 4, 12, 2, 0);
const HOUR = 3_600_000;

describe('complaints over the LAN API', () => {
  let b: TestBranch;
  let teller3: string;
  let teller5: string;
  let lobby: string;
  let sup: string;

  const serve = async (counter: string, token: string, service: string) => {
    const t = (await b.api('POST', '/api/tickets', { body: { serviceCode: service } })).body;
    assert.equal((await b.api('POST', `/api/counters/${counter}/next`, { token })).status, 200);
    b.advance(120_000);
    assert.equal((await b.api('POST', `/api/counters/${counter}/complete`, { token })).status, 200);
    return t as { id: string; number: string };
  };
  const events = async (prefix: string) =>
    ((await b.api('GET', '/api/events?after=0&limit=1000', { token: sup })).body as { type: string; at: string; data: any }[]).filter((e) => e.type.startsWith(prefix));
  const count = async () => (await b.api('GET', '/api/complaints', { token: sup })).body.length as number;

  /** Signs everyone in again (sessions end after hours; the clock jumps days). */
  const signIn = async () => {
    teller3 = await b.login('T03', '3');
    teller5 = await b.login('T05', '5');
    lobby = await b.login('L01');
    sup = await b.login('S01');
  };

  beforeAll(async () => {
    b = await startTestBranch({ manualClock: START });
    await signIn();
  });
  afterAll(async () => b?.close());

  it('recorded by the lobby manager: names the serving teller, owned by the recorder, due after the category’s deadline', async () => {
    const t = await serve('3', teller3, 'B');
    const r = await b.api('POST', '/api/complaints', {
      token: lobby,
      body: { category: 'attitude', channel: 'lobby', description: '柜员态度冷淡，没有解释手续费', ticketId: t.id, contact: { value: '139 0000 1111', consent: { how: 'verbal' } } },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const c = r.body;
    assert.match(c.ref, /^TS-20260512-001$/);
    assert.deepEqual([c.status, c.kind, c.staffId, c.counterId, c.ticketNumber, c.ownerId, c.recordedBy], ['open', 'complaint', 'T03', '3', t.number, 'L01', 'L01']);
    assert.equal(Date.parse(c.dueAt) - Date.parse(c.recordedAt), 3 * 24 * HOUR, 'attitude: 3 days');
    assert.deepEqual(c.contact.consent.how, 'verbal');
    assert.equal(c.contact.consent.by, 'L01');

    const [e] = await events('complaint.recorded');
    assert.equal(e!.data.by, 'L01');
    assert.equal(e!.data.complaint.staffId, 'T03');
    assert.equal(e!.data.complaint.hasContact, true);
    const text = JSON.stringify(e);
    assert.ok(!text.includes('139') && !text.includes('态度冷淡'), 'the event carries neither the contact nor the words');

    // The teller it names cannot own it, see it or move it.
    const own = await b.api('POST', `/api/complaints/${c.id}/assign`, { token: lobby, body: { ownerId: 'T03' } });
    assert.deepEqual([own.status, own.body.error.code], [400, 'OWNER_CONFLICT']);
    assert.equal((await b.api('GET', `/api/complaints/${c.id}`, { token: teller3 })).status, 403);
    assert.deepEqual((await b.api('GET', '/api/complaints', { token: teller3 })).body, []);
    const close = await b.api('POST', `/api/complaints/${c.id}/resolve`, { token: teller3, body: { resolution: 'ok', customerInformed: true } });
    assert.deepEqual([close.status, close.body.error.code], [403, 'FORBIDDEN']);
  });

  it('lifecycle: assigned, started, noted, resolved with the customer told, closed; another teller cannot close it', async () => {
    const [c] = (await b.api('GET', '/api/complaints', { token: sup })).body;
    assert.equal((await b.api('POST', `/api/complaints/${c.id}/assign`, { token: teller5, body: { ownerId: 'T05' } })).status, 403, 'tellers do not assign');
    assert.equal((await b.api('POST', `/api/complaints/${c.id}/assign`, { token: lobby, body: { ownerId: 'T05' } })).body.ownerId, 'T05');
    b.advance(HOUR);
    assert.equal((await b.api('POST', `/api/complaints/${c.id}/start`, { token: teller5 })).body.status, 'in_progress');
    assert.equal((await b.api('POST', `/api/complaints/${c.id}/note`, { token: teller5, body: { text: '已致电客户致歉' } })).status, 200);
    const early = await b.api('POST', `/api/complaints/${c.id}/close`, { token: teller5 });
    assert.deepEqual([early.status, early.body.error.code], [409, 'COMPLAINT_STATE']);
    b.advance(HOUR);
    const resolvedAt = new Date(b.now()).toISOString();
    const resolved = await b.api('POST', `/api/complaints/${c.id}/resolve`, { token: teller5, body: { resolution: '退还手续费并致歉', customerInformed: true, informedHow: 'phone' } });
    assert.equal(resolved.status, 200);
    assert.deepEqual([resolved.body.status, resolved.body.resolution.customerInformed, resolved.body.resolution.informedHow, resolved.body.resolution.by], ['resolved', true, 'phone', 'T05']);

    // A teller who neither owns it nor supervises cannot close it.
    const t7 = await b.login('T07', '7');
    assert.equal((await b.api('POST', `/api/complaints/${c.id}/close`, { token: t7 })).status, 403);
    const closed = await b.api('POST', `/api/complaints/${c.id}/close`, { token: teller5 });
    assert.deepEqual([closed.body.status, closed.body.closedBy], ['closed', 'T05']);
    const again = await b.api('POST', `/api/complaints/${c.id}/resolve`, { token: sup, body: { resolution: 'x', customerInformed: false } });
    assert.equal(again.status, 409);

    const trail = (await events('complaint.')).map((e) => [e.type, e.data.by, e.at]);
    assert.deepEqual(
      trail.map(([t, by]) => [t, by]),
      [
        ['complaint.recorded', 'L01'],
        ['complaint.assigned', 'L01'],
        ['complaint.started', 'T05'],
        ['complaint.noted', 'T05'],
        ['complaint.resolved', 'T05'],
        ['complaint.closed', 'T05'],
      ],
    );
    assert.equal(trail[4]![2], resolvedAt, 'each event has its time');
    const full = (await b.api('GET', `/api/complaints/${c.id}`, { token: sup })).body;
    assert.deepEqual(
      full.history.map((h: { action: string; by?: string }) => `${h.action}:${h.by}`),
      ['recorded:L01', 'assigned:L01', 'started:T05', 'noted:T05', 'resolved:T05', 'closed:T05'],
    );
  });

  it('a teller records a complaint about their own service: nobody owns it until the lobby manager takes it', async () => {
    const t = await serve('3', teller3, 'B');
    const r = await b.api('POST', '/api/complaints', { token: teller3, body: { category: 'error', channel: 'counter', description: '金额录错，已当场更正', ticketId: t.id } });
    assert.equal(r.status, 201);
    assert.deepEqual([r.body.staffId, r.body.ownerId, r.body.recordedBy], ['T03', undefined, 'T03']);
    assert.equal((await b.api('GET', '/api/complaints', { token: teller3 })).body.length, 1, 'the recorder sees what they recorded');
    assert.equal((await b.api('POST', `/api/complaints/${r.body.id}/start`, { token: teller3 })).status, 403);
    const taken = await b.api('POST', `/api/complaints/${r.body.id}/start`, { token: lobby });
    assert.deepEqual([taken.body.status, taken.body.ownerId], ['in_progress', 'L01']);
  });

  it('an overdue complaint raises a dashboard alert (injected clock) that clears once it is resolved', async () => {
    const r = await b.api('POST', '/api/complaints', { token: lobby, body: { category: 'wait', channel: 'lobby', description: '等了一个小时' } });
    const c = r.body;
    b.app.insights.alerts.evaluate();
    const overdueAlerts = async () => ((await b.api('GET', '/api/alerts', { token: sup })).body as { key: string; kind: string; active: boolean; severity: string; message: { zh: string } }[]).filter((a) => a.kind === 'complaint_overdue');
    assert.equal((await overdueAlerts()).filter((a) => a.key === `complaint:${c.id}`).length, 0, 'not yet due');

    b.setTime(Date.parse(c.dueAt) + HOUR);
    await signIn();
    b.app.insights.alerts.evaluate();
    // The other open complaint (the teller's own, due in 2 days) is overdue too by now.
    const raised = (await overdueAlerts()).find((a) => a.key === `complaint:${c.id}`);
    assert.ok(raised, 'raised');
    assert.equal(raised.active, true);
    assert.equal(raised.severity, 'warning');
    assert.match(raised.message.zh, new RegExp(`${c.ref}.*超过处理期限 1 小时`));
    assert.equal((await b.api('GET', '/api/complaints?overdue=true', { token: sup })).body.some((x: { id: string }) => x.id === c.id), true);

    b.advance(24 * HOUR);
    await signIn();
    assert.equal((await b.api('POST', `/api/complaints/${c.id}/resolve`, { token: lobby, body: { resolution: '增开窗口', customerInformed: false } })).status, 200);
    b.app.insights.alerts.evaluate();
    const after = (await b.api('GET', '/api/alerts', { token: sup })).body.find((a: { key: string }) => a.key === `complaint:${c.id}`);
    assert.equal(after.active, false, 'cleared once resolved');
  });

  it('a customer leaves an opinion on the phone: a contact only with consent; the answer names no staff', async () => {
    const t = await serve('3', teller3, 'B');
    const before = await count();
    const noConsent = await b.api('POST', `/api/tickets/${t.id}/complaint`, { body: { category: 'suggestion', description: '希望周末延长营业', contact: '13800001234' } });
    assert.deepEqual([noConsent.status, noConsent.body.error.code], [400, 'CONTACT_REQUIRED']);
    const ok = await b.api('POST', `/api/tickets/${t.id}/complaint`, { body: { kind: 'opinion', category: 'suggestion', description: '希望周末延长营业', contact: '13800001234', contactConsent: true } });
    assert.equal(ok.status, 201);
    assert.deepEqual(Object.keys(ok.body).sort(), ['dueAt', 'kind', 'ref']);
    const saved = (await b.api('GET', '/api/complaints', { token: sup })).body.find((x: { ref: string }) => x.ref === ok.body.ref);
    assert.deepEqual([saved.channel, saved.kind, saved.recordedBy, saved.contact.value, saved.contact.consent.how, saved.staffId], ['mobile', 'opinion', undefined, '13800001234', 'mobile', undefined]);
    assert.equal(await count(), before + 1);
  });

  it('bad input is a clear 4xx and records nothing', async () => {
    const before = await count();
    const cases: [string, string, unknown, string | undefined, number, string][] = [
      ['POST', '/api/complaints', { category: 'nope', channel: 'lobby', description: 'x' }, lobby, 400, 'UNKNOWN_CATEGORY'],
      ['POST', '/api/complaints', { category: 'wait', channel: 'fax', description: 'x' }, lobby, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/complaints', { category: 'wait', channel: 'lobby', description: '   ' }, lobby, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/complaints', { category: 'wait', channel: 'lobby', description: 'x', ownerId: 'ZZ9' }, lobby, 400, 'UNKNOWN_OWNER'],
      ['POST', '/api/complaints', { category: 'wait', channel: 'lobby', description: 'x', ticketId: 'no-such' }, lobby, 404, 'UNKNOWN_TICKET'],
      ['POST', '/api/complaints', { category: 'wait', channel: 'lobby', description: 'x' }, undefined, 401, 'UNAUTHENTICATED'],
      ['POST', '/api/complaints/no-such/close', {}, sup, 404, 'UNKNOWN_COMPLAINT'],
      ['POST', '/api/tickets/no-such/complaint', { category: 'wait', description: 'x' }, undefined, 404, 'UNKNOWN_TICKET'],
    ];
    for (const [method, path, body, token, status, code] of cases) {
      const r = await b.api(method, path, { body, ...(token ? { token } : {}) });
      assert.deepEqual([r.status, r.body?.error?.code], [status, code], `${path} ${JSON.stringify(body)}`);
    }
    assert.equal(await count(), before);
  });

  it('staff performance counts the complaints that name a teller', async () => {
    const rows = (await b.api('GET', `/api/performance?period=month&date=2026-05-12`, { token: sup })).body as { staffId: string; complaints: number }[];
    assert.equal(rows.find((r) => r.staffId === 'T03')!.complaints, 2);
    assert.equal(rows.find((r) => r.staffId === 'T05')!.complaints, 0);
  });
});
