/**
 * Fault 9 of the hardening review, the smaller ones, each performed on the real service: a
 * teller's token issuing VIP tickets; a static folder path; the database files' permissions; a
 * read-only data folder at start; a month report for year 1; trivial PINs. (The write lock held
 * by another program is in db-files.test.ts; the parser's 431 and bad framing in
 * slow-clients.test.ts.)
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestBranch } from '../support/branch.js';
import { startTestBranch } from '../support/branch.js';
import { REPO_ROOT } from '../crash/service-process.js';
import { assertError, MONDAY_10AM, startBranch } from '../api/support.js';

describe('smaller faults', () => {
  let b: TestBranch;
  beforeAll(async () => {
    b = await startBranch();
  });
  afterAll(() => b.close());

  test('a teller cannot make a customer a VIP; lobby staff can; a teller may still take a regular ticket', async () => {
    const teller = await b.login('T01');
    assertError(await b.api('POST', '/api/tickets', { token: teller, body: { serviceCode: 'A', segment: 'vip1' } }), 403, 'FORBIDDEN');
    assertError(await b.api('POST', '/api/tickets', { token: teller, body: { serviceCode: 'A', segment: 'appointment' } }), 403, 'FORBIDDEN');
    assert.equal((await b.api('POST', '/api/tickets', { token: teller, body: { serviceCode: 'A', segment: 'priority' } })).status, 201);
    const lobby = await b.login('L01');
    const vip = await b.api('POST', '/api/tickets', { token: lobby, body: { serviceCode: 'A', segment: 'vip1' } });
    assert.equal(vip.status, 201);
    assert.equal(vip.body.segment, 'vip1');
  });

  test('a static folder answers 404 like a missing file, not 500', async () => {
    for (const path of ['/static/icons', '/static/icons/', '/static/', '/static/voice']) {
      assertError(await b.api('GET', path), 404, 'NOT_FOUND');
    }
    assert.equal((await b.api('GET', '/static/icons/priority.svg')).status, 200);
  });

  test('the database files and the credentials are readable by the service only', async () => {
    for (const name of ['branch.db', 'branch.db-wal', 'branch.db-shm', 'demo-credentials.json']) {
      assert.equal(statSync(join(b.dataDir, name)).mode & 0o777, 0o600, name);
    }
  });

  test('a database left world-readable by an older version is tightened at start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'branch-perm-'));
    try {
      const first = await startTestBranch({ dataDir: dir, manualClock: MONDAY_10AM });
      await first.app.close();
      chmodSync(join(dir, 'branch.db'), 0o644);
      const again = await startTestBranch({ dataDir: dir, manualClock: MONDAY_10AM });
      try {
        for (const name of ['branch.db', 'branch.db-wal']) assert.equal(statSync(join(dir, name)).mode & 0o777, 0o600, name);
      } finally {
        await again.app.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a month report for year 1 is for year 1 (not 1901); other periods too', async () => {
    const sup = await b.login('S01');
    const month = await b.api('GET', '/api/reports?period=month&date=0001-02-10', { token: sup });
    assert.equal(month.status, 200);
    assert.deepEqual([month.body.from, month.body.to], ['0001-02-01', '0001-02-28']);
    const week = await b.api('GET', '/api/reports?period=week&date=0099-12-31', { token: sup });
    assert.deepEqual([week.body.from, week.body.to], ['0099-12-28', '0100-01-03']);
    const leap = await b.api('GET', '/api/reports?period=month&date=2024-02-10', { token: sup });
    assert.deepEqual([leap.body.from, leap.body.to], ['2024-02-01', '2024-02-29']);
  });

  test('PINs: at least six digits, and none of the trivial ones', async () => {
    const admin = await b.login('A01');
    const create = (pin: string, id = 'T50') => b.api('POST', '/api/staff', { token: admin, body: { id, name: 'New teller', roles: ['teller'], pin } });
    for (const pin of ['0000', '1234', '12345']) assertError(await create(pin), 400, 'VALIDATION_FAILED');
    for (const pin of ['000000', '999999', '123456', '654321', '234567', '890123', '121212', '123123', '112112112', '123321', '1234567890', '0050000']) {
      const r = await create(pin);
      assertError(r, 400, 'WEAK_PIN');
    }
    assertError(await create('905019', 'S9050'), 400, 'WEAK_PIN'); // the staff id's digits
    const ok = await create('583920');
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal((await b.api('POST', '/api/auth/login', { body: { staffId: 'T50', pin: '583920' } })).status, 200);
  });
});

test('a data folder the service cannot write stops the start with a clear message, not a stack', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'branch-readonly-'));
  chmodSync(dir, 0o555);
  // root may write anywhere: run the service as nobody then, as a branch service user would be.
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--demo', '--port', '0', '--host', '127.0.0.1', '--data', join(dir, 'data')], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'test', HOME: tmpdir() },
      ...asNobody,
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 1, out);
    assert.match(out, /The branch service did not start: \[DATA_DIR_NOT_WRITABLE\]/);
    assert.match(out, /cannot write its data folder/);
    assert.doesNotMatch(out, /^\s+at /m, 'no stack trace');
  } finally {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});
