/** Staff sign-in over real HTTP: login, wrong PINs, lockout and its expiry on the manual clock, logout, /me, staff admin. */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import type { TestBranch } from '../support/branch.js';
import { assertError, MONDAY_10AM, pinOf, startBranch, WRONG_PIN } from './support.js';

describe('staff sign-in', () => {
  let b: TestBranch;
  beforeAll(async () => {
    b = await startBranch();
  });
  afterAll(() => b.close());

  const login = (staffId: string, pin: string, counter?: string) =>
    b.api('POST', '/api/auth/login', { body: { staffId, pin, ...(counter ? { counter } : {}) } });

  test('login: 200 with a token, the staff record and the session expiry', async () => {
    const r = await login('T01', pinOf(b, 'T01'));
    assert.equal(r.status, 200);
    assert.match(r.body.token, /^[A-Za-z0-9_-]{20,200}$/);
    assert.equal(r.body.staffId, 'T01');
    assert.equal(r.body.name, 'Demo teller 1');
    assert.deepEqual(r.body.roles, ['teller']);
    assert.deepEqual(r.body.counters, ['1']);
    assert.equal(r.body.counter, null);
    assert.equal(r.body.expiresAt, new Date(MONDAY_10AM + 12 * 3_600_000).toISOString());
    const me = await b.api('GET', '/api/auth/me', { token: r.body.token });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, { staffId: 'T01', name: 'Demo teller 1', roles: ['teller'], counters: ['1'], counter: null });
  });

  test('login with a counter opens it for the session', async () => {
    const r = await login('T02', pinOf(b, 'T02'), '2');
    assert.equal(r.status, 200);
    assert.equal(r.body.counter, '2');
    const me = await b.api('GET', '/api/auth/me', { token: r.body.token });
    assert.equal(me.body.counter, '2');
    const q = await b.api('GET', '/api/queue', { token: r.body.token });
    const c2 = q.body.counters.find((c: { id: string }) => c.id === '2');
    assert.equal(c2.status, 'open');
    assert.equal(c2.staffId, 'T02');
  });

  test('login with a counter the teller is not assigned to: 403, and no session is left behind', async () => {
    const r = await login('T03', pinOf(b, 'T03'), '4');
    assertError(r, 403, 'FORBIDDEN');
    const q = await b.api('GET', '/api/queue');
    assert.equal(q.body.counters.find((c: { id: string }) => c.id === '4').status, 'closed');
  });

  test('login with an unknown counter (supervisor): 404 UNKNOWN_COUNTER', async () => {
    assertError(await login('S01', pinOf(b, 'S01'), '99'), 404, 'UNKNOWN_COUNTER');
  });

  test('wrong PIN: 401 INVALID_CREDENTIALS telling how many tries are left', async () => {
    const r = await login('T04', WRONG_PIN);
    assertError(r, 401, 'INVALID_CREDENTIALS');
    assert.match(r.body.error.message, /4 tries left/);
    // A right PIN clears the count.
    assert.equal((await login('T04', pinOf(b, 'T04'))).status, 200);
    assert.match((await login('T04', WRONG_PIN)).body.error.message, /4 tries left/);
    assert.equal((await login('T04', pinOf(b, 'T04'))).status, 200);
  });

  test('unknown staff: 401 INVALID_CREDENTIALS, same answer as a wrong PIN', async () => {
    const r = await login('NOBODY', '123456');
    assertError(r, 401, 'INVALID_CREDENTIALS');
    assert.doesNotMatch(r.body.error.message, /NOBODY/);
  });

  test('invalid login bodies: 400 VALIDATION_FAILED', async () => {
    for (const body of [{}, { staffId: 'T01' }, { pin: '123456' }, { staffId: 1, pin: 2 }, { staffId: 'T01', pin: '123456', role: 'admin' }, { staffId: '', pin: '' }, '[]', 'null']) {
      assertError(await b.api('POST', '/api/auth/login', { body }), 400, 'VALIDATION_FAILED');
    }
    assertError(await b.api('POST', '/api/auth/login', { body: '{"staffId":' }), 400, 'BAD_JSON');
  });

  test('five wrong PINs lock the account: 423 even with the right PIN, until the lock time has passed', async () => {
    const supervisor = await b.login('S01');
    const lastId = (await b.api('GET', '/api/health')).body.lastEventId as number;
    for (let i = 1; i <= 4; i++) {
      const r = await login('T05', WRONG_PIN);
      assertError(r, 401, 'INVALID_CREDENTIALS');
      assert.match(r.body.error.message, new RegExp(`${5 - i} tries left`));
    }
    assertError(await login('T05', WRONG_PIN), 423, 'ACCOUNT_LOCKED');
    const locked = await login('T05', pinOf(b, 'T05'));
    assertError(locked, 423, 'ACCOUNT_LOCKED');
    assert.match(locked.body.error.message, /15 more minute/);

    const events = await b.api('GET', `/api/events?after=${lastId}`, { token: supervisor });
    const lockEvent = events.body.find((e: { type: string }) => e.type === 'staff.login_locked');
    assert.ok(lockEvent, 'the lock is an event the supervisor sees');
    assert.equal(lockEvent.data.staffId, 'T05');
    assert.equal(lockEvent.data.until, b.now() + 15 * 60_000);
    const staff = await b.api('GET', '/api/staff', { token: supervisor });
    assert.equal(staff.body.find((s: { id: string }) => s.id === 'T05').locked, true);

    b.advance(15 * 60_000 - 1);
    assertError(await login('T05', pinOf(b, 'T05')), 423, 'ACCOUNT_LOCKED');
    b.advance(1);
    const ok = await login('T05', pinOf(b, 'T05'));
    assert.equal(ok.status, 200);
    // A fresh count after the lock: one wrong PIN is not a new lock.
    assert.match((await login('T05', WRONG_PIN)).body.error.message, /4 tries left/);
  });

  test('wrong PINs sent in parallel cannot undo the lock', async () => {
    // Some of a parallel burst may be told to come back (LOGIN_BUSY); the rest count.
    const answers = await Promise.all(Array.from({ length: 9 }, () => login('T06', WRONG_PIN)));
    for (const r of answers) assert.ok([401, 423, 503].includes(r.status), `status ${r.status}`);
    let wrong = answers.filter((r) => r.status === 401).length;
    while (!answers.some((r) => r.status === 423)) {
      const r = await login('T06', WRONG_PIN);
      answers.push(r);
      if (r.status === 401) wrong++;
    }
    assert.equal(wrong, 4, 'four tries, then locked');
    assertError(await login('T06', pinOf(b, 'T06')), 423, 'ACCOUNT_LOCKED');
    b.advance(15 * 60_000);
    assert.equal((await login('T06', pinOf(b, 'T06'))).status, 200);
  });

  test('logout: 204, then the token is refused with 401', async () => {
    const token = await b.login('T07');
    assert.equal((await b.api('GET', '/api/auth/me', { token })).status, 200);
    const out = await b.api('POST', '/api/auth/logout', { token });
    assert.equal(out.status, 204);
    assert.equal(out.body, null);
    assertError(await b.api('GET', '/api/auth/me', { token }), 401, 'UNAUTHENTICATED');
    assertError(await b.api('POST', '/api/auth/logout', { token }), 401, 'UNAUTHENTICATED');
    // Another session of the same person is untouched.
    const other = await b.login('T07');
    assert.equal((await b.api('GET', '/api/auth/me', { token: other })).status, 200);
  });

  test('a session expires after sessionHours', async () => {
    const token = await b.login('T08');
    b.advance(12 * 3_600_000 - 1);
    assert.equal((await b.api('GET', '/api/auth/me', { token })).status, 200);
    b.advance(1);
    assertError(await b.api('GET', '/api/auth/me', { token }), 401, 'UNAUTHENTICATED');
  });

  test('/api/auth/me without or with a malformed token: 401 UNAUTHENTICATED', async () => {
    assertError(await b.api('GET', '/api/auth/me'), 401, 'UNAUTHENTICATED');
    for (const authorization of ['Bearer', 'Bearer short', 'Basic dXNlcjpwYXNz', 'bearer' + ' x'.repeat(30), `Bearer ${'a'.repeat(43)}`, 'Bearer ' + 'a'.repeat(201)]) {
      assertError(await b.api('GET', '/api/auth/me', { headers: { authorization } }), 401, 'UNAUTHENTICATED');
    }
  });
});

describe('staff accounts', () => {
  let b: TestBranch;
  beforeAll(async () => {
    b = await startBranch();
  });
  afterAll(() => b.close());

  test('GET /api/staff: supervisors and admins see the list without PIN hashes; others 403; no token 401', async () => {
    const r = await b.api('GET', '/api/staff', { token: await b.login('S01') });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 11);
    const t01 = r.body.find((s: { id: string }) => s.id === 'T01');
    assert.deepEqual(t01, { id: 'T01', name: 'Demo teller 1', roles: ['teller'], counters: ['1'], active: true, locked: false });
    assert.doesNotMatch(JSON.stringify(r.body), /scrypt|pin/i);
    assert.equal((await b.api('GET', '/api/staff', { token: await b.login('A01') })).status, 200);
    assertError(await b.api('GET', '/api/staff', { token: await b.login('T01') }), 403, 'FORBIDDEN');
    assertError(await b.api('GET', '/api/staff', { token: await b.login('L01') }), 403, 'FORBIDDEN');
    assertError(await b.api('GET', '/api/staff'), 401, 'UNAUTHENTICATED');
  });

  test('POST /api/staff: an admin adds a teller who can then sign in', async () => {
    const admin = await b.login('A01');
    const body = { id: 'T09', name: 'New teller', roles: ['teller'], counters: ['3'], pin: '24681357' };
    const r = await b.api('POST', '/api/staff', { token: admin, body });
    assert.equal(r.status, 201);
    assert.deepEqual(r.body, { id: 'T09', name: 'New teller', roles: ['teller'], counters: ['3'], active: true });
    const login = await b.api('POST', '/api/auth/login', { body: { staffId: 'T09', pin: '24681357', counter: '3' } });
    assert.equal(login.status, 200);
    assert.equal(login.body.counter, '3');
  });

  test('POST /api/staff: supervisors only for tellers and lobby staff (403), signed in (401), valid bodies (400)', async () => {
    const body = { id: 'T10', name: 'X', roles: ['teller'], pin: '123456' };
    assertError(await b.api('POST', '/api/staff', { token: await b.login('S01'), body: { ...body, roles: ['supervisor'] } }), 403, 'FORBIDDEN');
    assertError(await b.api('POST', '/api/staff', { token: await b.login('L01'), body }), 403, 'FORBIDDEN');
    assertError(await b.api('POST', '/api/staff', { token: await b.login('T01'), body }), 403, 'FORBIDDEN');
    assertError(await b.api('POST', '/api/staff', { body }), 401, 'UNAUTHENTICATED');
    const admin = await b.login('A01');
    for (const bad of [
      { ...body, pin: '12' },
      { ...body, pin: 'abcdef' },
      { ...body, roles: [] },
      { ...body, roles: ['root'] },
      { ...body, id: 'has space' },
      { ...body, extra: 1 },
      { id: 'T10' },
    ]) {
      assertError(await b.api('POST', '/api/staff', { token: admin, body: bad }), 400, 'VALIDATION_FAILED');
    }
    assertError(await b.api('POST', '/api/auth/login', { body: { staffId: 'T10', pin: '123456' } }), 401, 'INVALID_CREDENTIALS');
  });

  test('a deactivated account cannot sign in and its sessions stop working', async () => {
    const admin = await b.login('A01');
    const token = await b.login('T08');
    const r = await b.api('POST', '/api/staff', { token: admin, body: { id: 'T08', name: 'Demo teller 8', roles: ['teller'], counters: ['8'], pin: '11223344', active: false } });
    assert.equal(r.status, 201);
    assertError(await b.api('GET', '/api/auth/me', { token }), 401, 'UNAUTHENTICATED');
    assertError(await b.api('POST', '/api/auth/login', { body: { staffId: 'T08', pin: '11223344' } }), 401, 'INVALID_CREDENTIALS');
  });
});
