/**
 * Customer files, consent and follow-ups over real HTTP on a real branch database (the bank's
 * rule 一(六)), with cards swiped at the kiosk: no file, no follow-up and no note without
 * consent; a follow-up for a consenting loan customer, owned by the teller who served, due after
 * the rule's days; do-not-contact cancels it and stops new ones; the teller sees the notes of
 * the customer at their counter; unanswered calls end as unreachable; erasure removes the
 * customer's data and the words of their complaint while the reports and performance stay equal;
 * the retention job purges exactly what has passed its period. No event carries a card's hash.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestBranch, type TestBranch } from '../support/branch.js';

const START = Date.UTC(2026, 4, 12, 2, 0);
const DAY = 86_400_000;
const CARD_A = '4111111111111111';
const CARD_B = '5555555555554444';

describe('customer files and follow-ups over the LAN API', () => {
  let b: TestBranch;
  let t6: string;
  let sup: string;
  let admin: string;
  let fileB: string;

  const signIn = async () => {
    t6 = await b.login('T06', '6');
    sup = await b.login('S01');
    admin = await b.login('A01');
  };
  /** A ticket taken at the kiosk with a card swiped. */
  const take = async (pan: string, serviceCode: string) => {
    const g = await b.api('POST', '/api/kiosk/identity', { body: { pan } });
    assert.equal(g.status, 200, JSON.stringify(g.body));
    const t = await b.api('POST', '/api/tickets', { body: { serviceCode, identityToken: g.body.identityToken } });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    return t.body as { id: string; number: string };
  };
  const call = async (t: { id: string }) => {
    const r = await b.api('POST', '/api/counters/6/next', { token: t6 });
    assert.equal(r.body.ticket.id, t.id);
  };
  const complete = async () => {
    b.advance(300_000);
    assert.equal((await b.api('POST', '/api/counters/6/complete', { token: t6 })).status, 200);
  };
  const consent = (ticketId: string, body: unknown) => b.api('POST', `/api/tickets/${ticketId}/customer/consent`, { token: t6, body });
  const followUps = async (token = sup) => (await b.api('GET', '/api/followups', { token })).body as { id: string; ticketId: string; ownerId: string; dueAt: string; phone?: string; status: string }[];
  const allEvents = async () => (await b.api('GET', '/api/events?after=0&limit=1000', { token: sup })).body as { type: string; data: any }[];

  beforeAll(async () => {
    b = await startTestBranch({ manualClock: START });
    await signIn();
  });
  afterAll(async () => b?.close());

  it('no consent: no file, no follow-up after a loan, nothing for the teller to see', async () => {
    const t = await take(CARD_A, 'D');
    await call(t);
    assert.deepEqual((await b.api('GET', '/api/counters/6/customer', { token: t6 })).body, { ticket: { id: t.id, number: t.number }, identified: true, consents: null, doNotContact: false, customer: null });
    await complete();
    assert.deepEqual(await followUps(), []);
    const noTicket = await b.api('POST', '/api/tickets/no-such/customer/consent', { token: t6, body: { followUp: true, how: 'verbal', phone: '13800000001' } });
    assert.equal(noTicket.status, 404);
    const plain = (await b.api('POST', '/api/tickets', { body: { serviceCode: 'D' } })).body;
    const noCard = await consent(plain.id, { followUp: true, how: 'verbal', phone: '13800000001' });
    assert.deepEqual((await b.api('GET', '/api/counters/6/customer', { token: t6 })).body, { ticket: null, identified: false, consents: null, doNotContact: false, customer: null }, 'nobody at the counter');
    assert.deepEqual([noCard.status, noCard.body.error.code], [409, 'NO_CARD_READ']);
    await b.api('POST', `/api/tickets/${plain.id}/cancel`, { token: sup, body: {} });
  });

  it('follow-up consent without history: a follow-up after the loan, but no visit kept and no note allowed', async () => {
    const t = await take(CARD_A, 'D');
    await call(t);
    const noPhone = await consent(t.id, { followUp: true, how: 'verbal' });
    assert.deepEqual([noPhone.status, noPhone.body.error.code], [400, 'CONTACT_REQUIRED']);
    const r = await consent(t.id, { followUp: true, how: 'paper_form', phone: '138 0000 0001' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.file.maskedTail, '•••• 1111');
    assert.equal(r.body.file.consents.followUp.by, 'T06');
    assert.equal(r.body.file.consents.history, null);
    const panel = (await b.api('GET', '/api/counters/6/customer', { token: t6 })).body;
    assert.deepEqual([panel.identified, panel.consents.followUp.granted, panel.consents.history, panel.customer], [true, true, null, null], 'consents shown, nothing personal without the history consent');
    assert.equal(JSON.stringify(panel).includes('138 0000'), false, 'no phone on the panel');
    const note = await b.api('POST', `/api/customers/${r.body.file.id}/notes`, { token: t6, body: { text: '偏好上午联系' } });
    assert.deepEqual([note.status, note.body.error.code], [409, 'CONSENT_REQUIRED']);
    await complete();
    const [f] = await followUps();
    assert.ok(f, 'a follow-up for the consenting loan customer');
    assert.deepEqual([f.ticketId, f.ownerId, f.phone, f.status], [t.id, 'T06', '138 0000 0001', 'open']);
    assert.equal(Date.parse(f.dueAt), b.now() + 7 * DAY);
    assert.equal((await followUps(t6)).length, 1, 'on the serving teller’s list');
    const export1 = (await b.api('GET', `/api/customers/${r.body.file.id}/export`, { token: sup })).body;
    assert.deepEqual(export1.visits, [], 'no visit kept without the history consent');
  });

  it('do-not-contact cancels the open follow-up and stops new ones', async () => {
    const t = await take(CARD_A, 'D');
    await call(t);
    const r = await b.api('POST', `/api/tickets/${t.id}/customer/do-not-contact`, { token: t6, body: { set: true, how: 'verbal' } });
    assert.equal(r.body.file.doNotContact, true);
    await complete();
    assert.deepEqual(await followUps(), []);
    const cancelled = (await allEvents()).filter((e) => e.type === 'followup.cancelled');
    assert.deepEqual(cancelled.map((e) => e.data.reason), ['do_not_contact']);
    assert.equal((await allEvents()).filter((e) => e.type === 'followup.created').length, 1, 'no new follow-up');
  });

  it('history consent: the visit is kept, notes are allowed and the teller sees them when the customer is called', async () => {
    const t = await take(CARD_B, 'C');
    await call(t);
    const r = await consent(t.id, { history: true, followUp: true, how: 'verbal', phone: '13900000002' });
    fileB = r.body.file.id;
    assert.equal((await b.api('PUT', `/api/customers/${fileB}/preferences`, { token: t6, body: { addressAs: '王女士', language: 'zh', needs: ['large_print'] } })).status, 200);
    const n = await b.api('POST', `/api/customers/${fileB}/notes`, { token: t6, body: { text: '关注稳健型理财' } });
    assert.equal(n.status, 201);
    await complete();
    const t2 = await take(CARD_B, 'B');
    await call(t2);
    const seen = (await b.api('GET', '/api/counters/6/customer', { token: t6 })).body.customer;
    assert.deepEqual([seen.maskedTail, seen.preferences.addressAs, seen.notes.map((x: { text: string }) => x.text), seen.visits], ['•••• 4444', '王女士', ['关注稳健型理财'], 1]);
    assert.deepEqual(seen.recentVisits.map((v: { number: string; serviceCode: string }) => [v.number, v.serviceCode]), [[t.number, 'C']]);
    assert.equal(JSON.stringify(seen).includes('hash'), false);
    await complete();
    const ex = (await b.api('GET', `/api/customers/${fileB}/export`, { token: sup })).body;
    assert.equal(ex.visits.length, 2);
    assert.equal((await b.api('GET', `/api/customers/${fileB}/export`, { token: t6 })).status, 403, 'tellers do not export');
  });

  it('follow-up calls: only the owner or a supervisor records them; three unanswered end as unreachable', async () => {
    const t = await take(CARD_B, 'D');
    await call(t);
    await complete();
    const f = (await followUps()).find((x) => x.ticketId === t.id)!;
    const t5 = await b.login('T05', '5');
    assert.equal((await b.api('POST', `/api/followups/${f.id}/attempt`, { token: t5, body: { outcome: 'reached' } })).status, 403);
    for (let i = 0; i < 2; i++) assert.equal((await b.api('POST', `/api/followups/${f.id}/attempt`, { token: t6, body: { outcome: 'no_answer' } })).body.status, 'open');
    const last = (await b.api('POST', `/api/followups/${f.id}/attempt`, { token: t6, body: { outcome: 'no_answer' } })).body;
    assert.deepEqual([last.status, last.result, last.attempts.length], ['done', 'unreachable', 3]);
    assert.equal((await b.api('POST', `/api/followups/${f.id}/attempt`, { token: t6, body: { outcome: 'reached' } })).status, 409);
  });

  it('erasure removes the customer’s data and their complaint’s words; reports and performance stay equal', async () => {
    const ex = (await b.api('GET', `/api/customers/${fileB}/export`, { token: sup })).body;
    const lastTicket = ex.visits[0].ticketId;
    const c = await b.api('POST', '/api/complaints', { token: sup, body: { category: 'fees', channel: 'counter', description: '理财手续费说明不清', ticketId: lastTicket, contact: { value: '13900000002', consent: { how: 'verbal' } } } });
    assert.equal(c.status, 201);
    const day = '2026-05-12';
    const report = async () => (await b.api('GET', `/api/reports?period=day&date=${day}`, { token: sup })).body;
    const perf = async () => (await b.api('GET', `/api/performance?period=day&date=${day}`, { token: sup })).body;
    const [reportBefore, perfBefore] = [await report(), await perf()];

    assert.equal((await b.api('POST', `/api/customers/${fileB}/erase`, { token: t6, body: { confirm: true } })).status, 403);
    assert.equal((await b.api('POST', `/api/customers/${fileB}/erase`, { token: sup, body: {} })).status, 400);
    assert.equal((await b.api('POST', `/api/customers/${fileB}/erase`, { token: sup, body: { confirm: true } })).status, 200);
    assert.equal((await b.api('GET', `/api/customers/${fileB}/export`, { token: sup })).status, 404);
    const after = (await b.api('GET', `/api/complaints/${c.body.id}`, { token: sup })).body;
    assert.deepEqual([after.description, after.contact, after.redacted, after.category, after.ticketId], ['', undefined, true, 'fees', lastTicket]);
    assert.ok((await followUps()).every((f) => f.phone !== '13900000002'));
    assert.deepEqual(await report(), reportBefore);
    assert.deepEqual(await perf(), perfBefore);
    const erased = (await allEvents()).find((e) => e.type === 'customer.erased')!;
    // Visits: the wealth visit, the transfer and the loan; follow-ups: after the wealth visit and the loan.
    assert.deepEqual(erased.data.removed, { visits: 3, notes: 1, followUps: 2, complaints: 1 });
  });

  it('the retention job purges exactly what has passed its period', async () => {
    // A is last seen now; C is seen now and again a year later; retention is 730 days.
    const c1 = await take('4012888888881881', 'C');
    await call(c1);
    const cf = (await consent(c1.id, { history: true, how: 'verbal' })).body.file.id;
    assert.equal((await b.api('POST', `/api/customers/${cf}/notes`, { token: t6, body: { text: '旧备注' } })).status, 201);
    await complete();
    const fileA = (await allEvents()).find((e) => e.type === 'customer.file_created')!.data.customerId;
    const oldComplaint = (await b.api('POST', '/api/complaints', { token: sup, body: { category: 'wait', channel: 'phone', description: '电话投诉', contact: { value: '13700000003', consent: { how: 'verbal' } } } })).body;

    b.setTime(START + 400 * DAY);
    await signIn();
    const c2 = await take('4012888888881881', 'C');
    await call(c2);
    await complete();

    b.setTime(START + 731 * DAY);
    await signIn();
    const r = await b.api('POST', '/api/care/retention/run', { token: admin });
    assert.equal(r.status, 200);
    // A's file (seen 731 days ago) with its follow-up; C's first visit and old note; the old complaint's contact.
    assert.deepEqual(r.body, { files: 1, visits: 1, notes: 1, followUps: 1, complaintContacts: 1 });
    assert.equal((await b.api('GET', `/api/customers/${fileA}/export`, { token: sup })).status, 404);
    const kept = (await b.api('GET', `/api/customers/${cf}/export`, { token: sup })).body;
    assert.deepEqual([kept.visits.map((v: { ticketId: string }) => v.ticketId), kept.notes], [[c2.id], []]);
    const oc = (await b.api('GET', `/api/complaints/${oldComplaint.id}`, { token: sup })).body;
    assert.deepEqual([oc.contact, oc.description], [undefined, '电话投诉'], 'the contact goes, the complaint stays');
    assert.deepEqual((await b.api('POST', '/api/care/retention/run', { token: admin })).body, { files: 0, visits: 0, notes: 0, followUps: 0, complaintContacts: 0 }, 'nothing twice');
    assert.equal((await b.api('POST', '/api/care/retention/run', { token: sup })).status, 403);
  });

  it('no event carries a card number, a hash or a phone number', async () => {
    const text = JSON.stringify(await allEvents());
    for (const secret of [CARD_A, CARD_B, '13800000001', '138 0000 0001', '13900000002', '13700000003']) assert.equal(text.includes(secret), false, secret);
    assert.equal(/[0-9a-f]{64}/.test(text), false, 'no 64-hex hash');
  });
});
