/**
 * The back office's API over real HTTP on a real branch service: the ticket lookup of DESIGN §5,
 * moving a waiting ticket, staff accounts by role (create, change, PIN reset, unlock, deactivate,
 * who changed what), and the configuration edited with the file's own checks, applied without a
 * restart, recorded as config.applied, kept across a restart and replaced by a changed file.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { parseConfigText } from '../../config/load-config.js';
import type { ConfigFile } from '../../config/schema.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { assertError, eventsAfter, issue, MONDAY_10AM, pinOf, startBranch, variantConfig, WRONG_PIN } from '../api/support.js';

const lastEventId = async (b: TestBranch) => (await b.api('GET', '/api/health')).body.lastEventId as number;

describe('GET /api/tickets?number=…&date=… (staff)', () => {
  let b: TestBranch;
  beforeAll(async () => {
    b = await startBranch();
  });
  afterAll(() => b.close());

  test('finds a ticket by number and day with its status, counter, teller, times and call reason', async () => {
    const t01 = await b.login('T01', '1');
    const a = await issue(b, 'A');
    b.advance(90_000);
    assert.equal((await b.api('POST', '/api/counters/1/next', { token: t01 })).status, 200);
    const lobby = await b.login('L01');
    const r = await b.api('GET', `/api/tickets?number=${a.number}&date=2025-03-03`, { token: lobby });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 1);
    const t = r.body[0];
    for (const k of ['id', 'number', 'serviceCode', 'status', 'counterId', 'staffId', 'issuedAt', 'calledAt']) assert.ok(k in t, `has ${k}`);
    assert.equal(t.id, a.id);
    assert.equal(t.number, 'A001');
    assert.equal(t.serviceCode, 'A');
    assert.equal(t.status, 'called');
    assert.equal(t.counterId, '1');
    assert.equal(t.staffId, 'T01');
    assert.equal(t.staffName, 'Demo teller 1');
    assert.equal(t.issuedAt, new Date(MONDAY_10AM).toISOString());
    assert.equal(t.calledAt, new Date(MONDAY_10AM + 90_000).toISOString());
    assert.equal(t.callReason.rule, 'fifo');
    assert.deepEqual(t.serviceName, { zh: '现金业务', en: 'Cash' });
    // Any staff role may look up; lower case is the same number; the day defaults to today.
    assert.equal((await b.api('GET', '/api/tickets?number=a001', { token: t01 })).body[0].id, a.id);
  });

  test('another day, unknown numbers, bad input and no sign-in', async () => {
    const s01 = await b.login('S01');
    assert.deepEqual((await b.api('GET', '/api/tickets?number=A999&date=2025-03-03', { token: s01 })).body, []);
    assert.deepEqual((await b.api('GET', '/api/tickets?number=A001&date=2025-03-02', { token: s01 })).body, []);
    assertError(await b.api('GET', '/api/tickets?number=A001&date=2025-03-03'), 401, 'UNAUTHENTICATED');
    for (const q of ['number=', 'number=A-1', 'number=A001&date=2025-02-30', 'number=A001&date=today', 'number=A001&extra=1', '']) {
      assertError(await b.api('GET', `/api/tickets?${q}`, { token: s01 }), 400, 'VALIDATION_FAILED');
    }
    // The next day: yesterday's ticket is found by its date (from the database, not memory).
    b.advance(24 * 3_600_000);
    await issue(b, 'A'); // rolls the day over
    const s01Today = await b.login('S01'); // yesterday's session has expired
    const old = (await b.api('GET', '/api/tickets?number=A001&date=2025-03-03', { token: s01Today })).body;
    assert.equal(old.length, 1);
    assert.equal(old[0].status, 'cancelled');
    assert.equal(old[0].endReason, 'end_of_day');
    const today = (await b.api('GET', '/api/tickets?number=A001', { token: s01Today })).body;
    assert.equal(today[0].businessDay, '2025-03-04');
  });

  test('move: a waiting ticket becomes a new number of another service that keeps its place in time', async () => {
    const lobby = await b.login('L01');
    const t01 = await b.login('T01');
    const x = await issue(b, 'F');
    b.advance(60_000);
    const later = await issue(b, 'E');
    assertError(await b.api('POST', `/api/tickets/${x.id}/move`, { token: t01, body: { serviceCode: 'E' } }), 403, 'FORBIDDEN');
    assertError(await b.api('POST', `/api/tickets/${x.id}/move`, { token: lobby, body: { serviceCode: 'F' } }), 400, 'SAME_SERVICE');
    assertError(await b.api('POST', `/api/tickets/${x.id}/move`, { token: lobby, body: { serviceCode: 'ZZ' } }), 404, 'UNKNOWN_SERVICE');
    assertError(await b.api('POST', `/api/tickets/${x.id}/move`, { token: lobby, body: {} }), 400, 'VALIDATION_FAILED');
    const after = await lastEventId(b);
    const r = await b.api('POST', `/api/tickets/${x.id}/move`, { token: lobby, body: { serviceCode: 'E' } });
    assert.equal(r.status, 200);
    const moved = r.body.ticket;
    assert.equal(moved.serviceCode, 'E');
    assert.equal(moved.status, 'waiting');
    assert.equal(moved.queuedAt, new Date(b.now() - 60_000).toISOString());
    assert.equal(moved.ahead, 0, `ahead of ${later.number}, who came later`);
    assert.deepEqual(moved.transferredFrom, { id: x.id, number: x.number, serviceCode: 'F', status: 'transferred' });
    const ev = (await eventsAfter(b, after, lobby)).find((e) => e.type === 'ticket.transferred');
    assert.ok(ev && ev.type === 'ticket.transferred');
    assert.equal(ev.data.staffId, 'L01');
    assert.equal(ev.data.counterId, undefined);
    assertError(await b.api('POST', `/api/tickets/${x.id}/move`, { token: lobby, body: { serviceCode: 'B' } }), 409, 'INVALID_STATE');
  });
});

describe('staff accounts in the back office', () => {
  let b: TestBranch;
  let s01: string;
  let a01: string;
  beforeAll(async () => {
    b = await startBranch();
    s01 = await b.login('S01');
    a01 = await b.login('A01');
  });
  afterAll(() => b.close());

  const login = (staffId: string, pin: string) => b.api('POST', '/api/auth/login', { body: { staffId, pin } });

  test('a supervisor creates a teller who can then sign in; the change is an event without the PIN', async () => {
    const after = await lastEventId(b);
    const body = { id: 'T20', name: '王芳', roles: ['teller'], counters: ['3', '4'], pin: '48151623' };
    const r = await b.api('POST', '/api/staff', { token: s01, body, headers: { 'if-none-match': '*' } });
    assert.equal(r.status, 201);
    assert.deepEqual(r.body, { id: 'T20', name: '王芳', roles: ['teller'], counters: ['3', '4'], active: true });
    const signed = await b.api('POST', '/api/auth/login', { body: { staffId: 'T20', pin: '48151623', counter: '4' } });
    assert.equal(signed.status, 200);
    assert.equal(signed.body.counter, '4');
    assertError(await b.api('POST', '/api/staff', { token: s01, body, headers: { 'if-none-match': '*' } }), 409, 'STAFF_EXISTS');
    const ev = (await eventsAfter(b, after, s01)).filter((e) => e.type === 'staff.changed');
    assert.equal(ev.length, 1);
    assert.ok(ev[0]!.type === 'staff.changed');
    assert.deepEqual(ev[0]!.data, { staffId: 'T20', action: 'created', by: 'S01', changes: ['name: 王芳', 'roles: teller', 'counters: 3, 4'] });
    assert.ok(!JSON.stringify(ev).includes('48151623'), 'the PIN is never in an event');
  });

  test('change roles and counters, reset a PIN: by the rules of who may change whom', async () => {
    const patch = await b.api('PATCH', '/api/staff/T20', { token: s01, body: { counters: ['5'], roles: ['teller', 'lobby'] } });
    assert.equal(patch.status, 200);
    assert.deepEqual([patch.body.counters, patch.body.roles], [['5'], ['teller', 'lobby']]);
    assertError(await b.api('PATCH', '/api/staff/T20', { token: s01, body: { counters: ['99'] } }), 404, 'UNKNOWN_COUNTER');
    assertError(await b.api('PATCH', '/api/staff/T20', { token: s01, body: { roles: ['supervisor'] } }), 403, 'FORBIDDEN');
    assertError(await b.api('PATCH', '/api/staff/A01', { token: s01, body: { name: 'x' } }), 403, 'FORBIDDEN');
    assertError(await b.api('PATCH', '/api/staff/NOPE', { token: s01, body: { name: 'x' } }), 404, 'UNKNOWN_STAFF');
    assertError(await b.api('PATCH', '/api/staff/T20', { token: s01, body: { pin: '123456' } }), 400, 'VALIDATION_FAILED');
    assertError(await b.api('PATCH', '/api/staff/T20', { token: await b.login('L01'), body: { name: 'x' } }), 403, 'FORBIDDEN');

    assert.equal((await b.api('POST', '/api/staff/T20/pin', { token: s01, body: { pin: '27182818' } })).status, 200);
    assertError(await login('T20', '48151623'), 401, 'INVALID_CREDENTIALS');
    assert.equal((await login('T20', '27182818')).status, 200);
    assertError(await b.api('POST', '/api/staff/T20/pin', { token: s01, body: { pin: '12' } }), 400, 'VALIDATION_FAILED');
    // An admin may make a supervisor.
    assert.equal((await b.api('PATCH', '/api/staff/T20', { token: a01, body: { roles: ['supervisor'] } })).status, 200);
  });

  test('unlock: a locked account signs in again once a supervisor unlocks it', async () => {
    for (let i = 0; i < 5; i++) await login('T07', WRONG_PIN);
    assertError(await login('T07', pinOf(b, 'T07')), 423, 'ACCOUNT_LOCKED');
    assert.equal((await b.api('GET', '/api/staff', { token: s01 })).body.find((s: any) => s.id === 'T07').locked, true);
    assertError(await b.api('POST', '/api/staff/T07/unlock', { token: await b.login('T01') }), 403, 'FORBIDDEN');
    const after = await lastEventId(b);
    const r = await b.api('POST', '/api/staff/T07/unlock', { token: s01 });
    assert.equal(r.status, 200);
    assert.equal(r.body.locked, false);
    assert.equal((await login('T07', pinOf(b, 'T07'))).status, 200);
    const ev = (await eventsAfter(b, after, s01)).find((e) => e.type === 'staff.changed');
    assert.ok(ev && ev.type === 'staff.changed');
    assert.deepEqual([ev.data.staffId, ev.data.action, ev.data.by], ['T07', 'unlocked', 'S01']);
  });

  test('deactivate: no more sign-in, sessions end; nobody deactivates themselves or the last admin', async () => {
    const t08 = await b.login('T08');
    const r = await b.api('PATCH', '/api/staff/T08', { token: s01, body: { active: false } });
    assert.equal(r.status, 200);
    assert.equal(r.body.active, false);
    assertError(await b.api('GET', '/api/auth/me', { token: t08 }), 401, 'UNAUTHENTICATED');
    assertError(await login('T08', pinOf(b, 'T08')), 401, 'INVALID_CREDENTIALS');
    assert.equal((await b.api('PATCH', '/api/staff/T08', { token: s01, body: { active: true } })).status, 200);
    assert.equal((await login('T08', pinOf(b, 'T08'))).status, 200);

    assertError(await b.api('PATCH', '/api/staff/S01', { token: s01, body: { active: false } }), 403, 'FORBIDDEN');
    assertError(await b.api('PATCH', '/api/staff/A01', { token: a01, body: { roles: ['supervisor'] } }), 403, 'FORBIDDEN');
    const other = await b.api('POST', '/api/staff', { token: a01, body: { id: 'A02', name: 'Second admin', roles: ['admin'], pin: '31415926' } });
    assert.equal(other.status, 201);
    const a02 = (await login('A02', '31415926')).body.token as string;
    // With a second admin, the first may go; the one left cannot remove itself.
    assert.equal((await b.api('PATCH', '/api/staff/A01', { token: a02, body: { active: false } })).status, 200);
    assertError(await b.api('PATCH', '/api/staff/A02', { token: a02, body: { active: false } }), 403, 'FORBIDDEN');
    assertError(await b.api('PATCH', '/api/staff/A02', { token: a02, body: { roles: ['teller'] } }), 403, 'FORBIDDEN');
  });
});

describe('the branch configuration edited in the back office', () => {
  let b: TestBranch;
  let s01: string;
  beforeAll(async () => {
    b = await startBranch();
    s01 = await b.login('S01');
  });
  afterAll(() => b.close());

  const current = async () => (await b.api('GET', '/api/office/config', { token: s01 })).body as { config: ConfigFile; hash: string; history: any[] };
  const put = (config: unknown, baseHash: string, token = s01) => b.api('PUT', '/api/office/config', { token, body: { config, baseHash } });

  test('supervisors and admins only; the configuration in force and its history', async () => {
    assertError(await b.api('GET', '/api/office/config', { token: await b.login('L01') }), 403, 'FORBIDDEN');
    assertError(await b.api('GET', '/api/office/config', { token: await b.login('T01') }), 403, 'FORBIDDEN');
    const c = await current();
    assert.equal(c.config.branch.id, 'demo-001');
    assert.equal(c.config.services.length, 8);
    assert.equal(c.history.length, 1);
    assert.match(c.history[0].source, /^file:/);
    assertError(await put(c.config, c.hash, await b.login('L01')), 403, 'FORBIDDEN');
  });

  test('a wrong configuration is refused with the same problems the file loader names; nothing changes', async () => {
    const c = await current();
    const bad = structuredClone(c.config);
    bad.services[1]!.prefix = 'b1';
    bad.services[0]!.targetWaitMinutes = 0;
    bad.counters[0]!.secondary.push('ZZ');
    const r = await put(bad, c.hash);
    assertError(r, 400, 'CONFIG_INVALID');
    let fileProblems: unknown;
    try {
      parseConfigText(stringify(bad), 'branch.yaml');
    } catch (e) {
      fileProblems = (e as { details?: unknown }).details;
    }
    assert.deepEqual(r.body.error.details, fileProblems, 'the same checks as the configuration file');
    assert.equal((r.body.error.details as string[]).length, 3);
    assert.equal((await current()).hash, c.hash);
  });

  test('a change applies at once without a restart and is recorded as config.applied with who changed what', async () => {
    const c = await current();
    const next = structuredClone(c.config);
    next.services[1]!.name = { zh: '转账与汇款', en: 'Transfers & remittances' };
    next.services[1]!.targetWaitMinutes = 20;
    next.branch.hours.closedDates = ['2025-10-01'];
    next.rules.maxRecalls = 1;
    next.lobby = { voiceLanguages: ['zh', 'en'], recentCalls: 8, notice: '今天下午三点后暂停外汇业务 · No foreign exchange after 3 pm today' };
    const after = await lastEventId(b);
    const r = await put(next, c.hash);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.restartNeeded, []);
    for (const line of ['services[B].name.zh: 转账汇款 → 转账与汇款', 'services[B].targetWaitMinutes: 15 → 20', 'branch.hours.closedDates: – → 2025-10-01', 'rules.maxRecalls: 2 → 1']) {
      assert.ok(r.body.changes.includes(line), `${line} in ${JSON.stringify(r.body.changes)}`);
    }
    // In force at once: services, display notice, the kiosk's status and the calling rules.
    const svc = (await b.api('GET', '/api/services')).body.find((s: any) => s.code === 'B');
    assert.deepEqual(svc.name, { zh: '转账与汇款', en: 'Transfers & remittances' });
    assert.equal(svc.targetWaitMinutes, 20);
    assert.match((await b.api('GET', '/api/display/settings')).body.notice, /暂停外汇/);
    assert.match((await b.api('GET', '/api/kiosk/status')).body.notice, /暂停外汇/);
    const t01 = await b.login('T01', '1');
    await issue(b, 'A');
    assert.equal((await b.api('POST', '/api/counters/1/next', { token: t01 })).status, 200);
    assert.equal((await b.api('POST', '/api/counters/1/recall', { token: t01 })).status, 200);
    assertError(await b.api('POST', '/api/counters/1/recall', { token: t01 }), 409, 'RECALL_LIMIT');
    assert.equal((await b.api('POST', '/api/counters/1/no-show', { token: t01 })).status, 200);

    const applied = (await eventsAfter(b, after, s01)).filter((e) => e.type === 'config.applied');
    assert.equal(applied.length, 1);
    const ev = applied[0]!;
    assert.ok(ev.type === 'config.applied');
    assert.equal(ev.data.staffId, 'S01');
    assert.equal(ev.data.source, 'office');
    assert.deepEqual(ev.data.changes, r.body.changes);
    const h = (await current()).history;
    assert.equal(h[0].source, 'office');
    assert.equal(h[0].staffId, 'S01');
    assert.equal(h[0].staffName, 'Demo supervisor');
  });

  test('edits on a stale copy, an unknown branch id, and services or counters still in use are refused', async () => {
    const c = await current();
    assertError(await put(c.config, 'not-the-hash'), 409, 'CONFIG_CHANGED');
    const renamed = structuredClone(c.config);
    renamed.branch.id = 'another-branch';
    assertError(await put(renamed, c.hash), 400, 'CONFIG_INVALID');
    await issue(b, 'G');
    const gone = structuredClone(c.config);
    gone.services = gone.services.filter((s) => s.code !== 'G');
    gone.counters = gone.counters.map((k) => ({ ...k, primary: k.primary.filter((x) => x !== 'G'), secondary: k.secondary.filter((x) => x !== 'G') }));
    // Counter 7 served only G and is closed: it may go. Counter 1 is open (T01 signed in there).
    gone.counters = gone.counters.filter((k) => k.primary.length > 0 && k.id !== '1');
    const r = await put(gone, c.hash);
    assertError(r, 400, 'CONFIG_INVALID');
    assert.ok((r.body.error.details as string[]).some((l) => l.startsWith('services[G]')), JSON.stringify(r.body.error.details));
    assert.ok((r.body.error.details as string[]).some((l) => l.startsWith('counters[1]')), `counter 1 is open: ${JSON.stringify(r.body.error.details)}`);
    // Switching it off instead is fine, and the kiosk shows it off at once.
    const off = structuredClone(c.config);
    off.services.find((s) => s.code === 'G')!.enabled = false;
    off.devices.printer = 'tcp://192.0.2.10:9100';
    const ok = await put(off, c.hash);
    assert.equal(ok.status, 200);
    assert.ok(ok.body.restartNeeded.some((l: string) => l.startsWith('devices.printer')), JSON.stringify(ok.body));
    const g = (await b.api('GET', '/api/kiosk/status')).body.services.find((s: any) => s.code === 'G');
    assert.deepEqual([g.available, g.unavailableReason], [false, 'closed']);
  });
});

describe('the edited configuration across restarts', () => {
  test('kept while the file is the same; a changed file is in force again and the history says so', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'branch-office-'));
    const file = variantConfig(() => undefined);
    try {
      let b = await startTestBranch({ dataDir, configPath: file.path, manualClock: MONDAY_10AM });
      const s01 = await b.login('S01');
      const c = (await b.api('GET', '/api/office/config', { token: s01 })).body;
      const next = structuredClone(c.config) as ConfigFile;
      next.services[0]!.name.en = 'Cash and coins';
      assert.equal((await b.api('PUT', '/api/office/config', { token: s01, body: { config: next, baseHash: c.hash } })).status, 200);
      await b.close();

      b = await startTestBranch({ dataDir, configPath: file.path, manualClock: MONDAY_10AM + 60_000 });
      assert.equal((await b.api('GET', '/api/services')).body[0].name.en, 'Cash and coins');
      await b.close();

      // IT edits the file: the file is in force again, recorded with what changed.
      const onDisk = parse(readFileSync(file.path, 'utf8')) as ConfigFile;
      onDisk.services[0]!.targetWaitMinutes = 12;
      writeFileSync(file.path, stringify(onDisk));
      b = await startTestBranch({ dataDir, configPath: file.path, manualClock: MONDAY_10AM + 120_000 });
      const services = (await b.api('GET', '/api/services')).body;
      assert.equal(services[0].name.en, 'Cash');
      assert.equal(services[0].targetWaitMinutes, 12);
      const history = (await b.api('GET', '/api/office/config', { token: await b.login('S01') })).body.history;
      assert.deepEqual(
        history.map((h: any) => h.source.replace(/^file:.*/, 'file')),
        ['file', 'office', 'file'],
      );
      assert.ok(history[0].changes.includes('services[A].name.en: Cash and coins → Cash'), JSON.stringify(history[0].changes));
      assert.ok(history[0].changes.includes('services[A].targetWaitMinutes: 15 → 12'));
      await b.close();
    } finally {
      file.remove();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
