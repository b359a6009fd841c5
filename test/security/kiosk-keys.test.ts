/**
 * Fault 6 of the hardening review: ticket draining. The kiosk limit was per source address, so
 * extra addresses multiplied it. Over real sockets from many loopback addresses (each one a
 * machine on the LAN): the branch-wide limit holds however many addresses ask; an enrolled
 * kiosk's key is limited per kiosk whatever address it comes from; wrong and revoked keys are
 * refused; with requireKioskKey only enrolled kiosks, the kiosk's own address and staff take
 * tickets.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import type { TestBranch } from '../support/branch.js';
import { assertError, startBranch, variantConfig } from '../api/support.js';
import { lanAddress, requestFrom } from './support.js';

const PER_SOURCE = 4;
const PER_BRANCH = 10;

function takeTicket(b: TestBranch, address: string, key?: string) {
  return requestFrom(b, address, 'POST', '/api/tickets', { body: { serviceCode: 'A' }, headers: key ? { 'x-kiosk-key': key } : {} });
}

async function issuedToday(b: TestBranch): Promise<number> {
  const services = (await b.api('GET', '/api/services')).body as { issuedToday: number }[];
  return services.reduce((n, s) => n + s.issuedToday, 0);
}

describe('ticket draining from many addresses', () => {
  let b: TestBranch;
  let config: ReturnType<typeof variantConfig>;
  beforeAll(async () => {
    config = variantConfig((c) => {
      c.security = { ...c.security, limits: { ...c.security?.limits, ticketsPerMinutePerBranch: PER_BRANCH } };
    });
    b = await startBranch({ configPath: config.path, ticketRateLimitPerMinute: PER_SOURCE });
  });
  afterAll(async () => {
    await b.close();
    config.remove();
  });

  test('20 addresses asking 4 times each get the branch limit in all, not 80; staff are not held up', async () => {
    const before = await issuedToday(b);
    const answers = await Promise.all(Array.from({ length: 20 * PER_SOURCE }, (_, i) => takeTicket(b, lanAddress(i % 20))));
    const issued = answers.filter((r) => r.status === 201).length;
    assert.equal(issued, PER_BRANCH);
    const refused = answers.filter((r) => r.status === 429);
    assert.equal(refused.length, answers.length - PER_BRANCH);
    assert.equal(refused[0]!.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(refused[0]!.headers['retry-after']) > 0);
    assert.equal((await issuedToday(b)) - before, PER_BRANCH);
    // Lobby staff still issue while the kiosks wait.
    const lobby = await b.login('L01');
    assert.equal((await b.api('POST', '/api/tickets', { token: lobby, body: { serviceCode: 'A' } })).status, 201);
    // A minute later the branch's allowance is back.
    b.advance(60_000);
    assert.equal((await takeTicket(b, lanAddress(99))).status, 201);
  });

  test("an enrolled kiosk's key is limited per kiosk from any address; wrong and revoked keys are refused", async () => {
    b.advance(60_000);
    const teller = await b.login('T01');
    assertError(await b.api('POST', '/api/kiosk-devices', { token: teller, body: { id: 'K2', name: 'Lobby kiosk 2' } }), 403, 'FORBIDDEN');
    const supervisor = await b.login('S01');
    const enrolled = await b.api('POST', '/api/kiosk-devices', { token: supervisor, body: { id: 'K2', name: 'Lobby kiosk 2' } });
    assert.equal(enrolled.status, 201);
    const key = enrolled.body.key as string;
    assert.match(key, /^kk_[A-Za-z0-9_-]{43}$/);
    const list = await b.api('GET', '/api/kiosk-devices', { token: supervisor });
    assert.deepEqual(
      list.body.map((k: { id: string }) => k.id),
      ['K2'],
    );
    assert.ok(!JSON.stringify(list.body).includes(key.slice(3)), 'the key is shown once, at enrolment');
    assert.equal(list.body[0].keyHash, undefined);

    // The same key from a new address each time: the kiosk's limit, not the address's.
    const codes = [];
    for (let i = 0; i < PER_SOURCE + 2; i++) codes.push((await takeTicket(b, lanAddress(200 + i), key)).status);
    assert.deepEqual(codes, [...Array<number>(PER_SOURCE).fill(201), 429, 429]);

    assertError(await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' }, headers: { 'x-kiosk-key': `kk_${'A'.repeat(43)}` } }), 401, 'KIOSK_KEY_INVALID');
    assertError(await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' }, headers: { 'x-kiosk-key': 'guess' } }), 401, 'KIOSK_KEY_INVALID');
    assert.equal((await b.api('POST', '/api/kiosk-devices/K2/revoke', { token: supervisor })).status, 200);
    b.advance(60_000);
    assertError(await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' }, headers: { 'x-kiosk-key': key } }), 401, 'KIOSK_KEY_INVALID');
    assertError(await b.api('POST', '/api/kiosk-devices/K9/revoke', { token: supervisor }), 404, 'UNKNOWN_KIOSK');
  });
});

describe('requireKioskKey', () => {
  let b: TestBranch;
  let config: ReturnType<typeof variantConfig>;
  beforeAll(async () => {
    config = variantConfig((c) => {
      c.security = { ...c.security, requireKioskKey: true };
    });
    b = await startBranch({ configPath: config.path, ticketRateLimitPerMinute: PER_SOURCE });
  });
  afterAll(async () => {
    await b.close();
    config.remove();
  });

  test('only an enrolled kiosk, the kiosk’s own address and signed-in staff take tickets', async () => {
    const keyless = await takeTicket(b, lanAddress(1));
    assert.equal(keyless.status, 401);
    assert.equal(keyless.body.error.code, 'KIOSK_KEY_REQUIRED');
    assert.equal((await takeTicket(b, '127.0.0.1')).status, 201, 'the kiosk on the service machine');
    const supervisor = await b.login('S01');
    const key = (await b.api('POST', '/api/kiosk-devices', { token: supervisor, body: { id: 'K3', name: 'Kiosk 3' } })).body.key as string;
    assert.equal((await takeTicket(b, lanAddress(1), key)).status, 201);
    assert.equal((await b.api('POST', '/api/tickets', { token: supervisor, body: { serviceCode: 'A' } })).status, 201);
  });
});
