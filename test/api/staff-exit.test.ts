import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CONFIG_PATH } from '../../config/load-config.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';

let b: TestBranch;
beforeAll(async () => {
  // A clock the tests move: the sign-in rate per address is per minute.
  b = await startTestBranch({ manualClock: Date.now() });
});
afterAll(async () => {
  await b.close();
});

const pinOf = (id: string) => b.credentials.find((c) => c.staffId === id)!.pin;

test('the kiosk staff exit accepts a supervisor PIN and opens no session', async () => {
  const r = await b.api('POST', '/api/kiosk/staff-exit', { body: { staffId: 'S01', pin: pinOf('S01') } });
  expect(r.status).toBe(200);
  expect(r.body).toEqual({ staffId: 'S01', name: 'Demo supervisor', roles: ['supervisor'] });
  expect(r.body).not.toHaveProperty('token');
  const admin = await b.api('POST', '/api/kiosk/staff-exit', { body: { staffId: 'A01', pin: pinOf('A01') } });
  expect(admin.status).toBe(200);
});

test('a wrong PIN, a teller and a bad body are refused with the product error shape', async () => {
  const wrong = await b.api('POST', '/api/kiosk/staff-exit', { body: { staffId: 'S01', pin: pinOf('S01') === '000000' ? '111111' : '000000' } });
  expect(wrong.status).toBe(401);
  expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
  const teller = await b.api('POST', '/api/kiosk/staff-exit', { body: { staffId: 'T01', pin: pinOf('T01') } });
  expect(teller.status).toBe(403);
  expect(teller.body.error.code).toBe('NOT_SUPERVISOR');
  const bad = await b.api('POST', '/api/kiosk/staff-exit', { body: { staffId: 'S01' } });
  expect(bad.status).toBe(400);
  // The right PIN after a wrong one clears the count.
  expect((await b.api('POST', '/api/kiosk/staff-exit', { body: { staffId: 'S01', pin: pinOf('S01') } })).status).toBe(200);
});

test('wrong PINs at the staff exit count towards the same lockout as sign-ins', async () => {
  // A minute later: the earlier tests' attempts no longer count against this address's rate.
  b.advance(61_000);
  const wrongPin = pinOf('L01') === '000000' ? '111111' : '000000';
  const codes: number[] = [];
  for (let i = 0; i < 5; i++) codes.push((await b.api('POST', '/api/kiosk/staff-exit', { body: { staffId: 'L01', pin: wrongPin } })).status);
  expect(codes).toEqual([401, 401, 401, 401, 423]);
  const login = await b.api('POST', '/api/auth/login', { body: { staffId: 'L01', pin: pinOf('L01') } });
  expect(login.status).toBe(423);
});

test('the staff exit answers only the kiosk’s own addresses', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'staff-exit-'));
  const cfg = join(dir, 'branch.yaml');
  writeFileSync(cfg, readFileSync(DEMO_CONFIG_PATH, 'utf8').replace('  ticketRateLimitPerMinute: 60', '  ticketRateLimitPerMinute: 60\n  kioskAddresses: [192.0.2.44]'));
  const other = await startTestBranch({ configPath: cfg });
  try {
    const r = await other.api('POST', '/api/kiosk/staff-exit', { body: { staffId: 'S01', pin: other.credentials.find((c) => c.staffId === 'S01')!.pin } });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('KIOSK_ONLY');
  } finally {
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
