/**
 * Fault 5 of the hardening review: a deleted or replaced WAL went unnoticed, answered tickets
 * were lost in a crash and a number was issued twice. Performed on the real service and its real
 * files: the WAL deleted under a running service process, then `kill -9` and a restart; the WAL
 * replaced while nothing is written; the database file swapped for an older copy. Also: a lock
 * held by another program answers STORAGE_BUSY at once without stalling the service.
 */
import { afterAll, afterEach, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { isDomainError } from '../../common/errors.js';
import { startServiceProcess, type ServiceProcess } from '../crash/service-process.js';
import type { TestBranch } from '../support/branch.js';
import { MONDAY_10AM, startBranch } from '../api/support.js';
import { startTestBranch } from '../support/branch.js';
import { until } from './support.js';

interface Reply {
  status: number;
  body: any;
}

async function call(base: string, method: string, path: string, body?: unknown, token?: string): Promise<Reply> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function kill9(svc: ServiceProcess): Promise<void> {
  svc.child.kill('SIGKILL');
  await svc.exited;
}

describe('the WAL deleted under a running service, then a crash', () => {
  let dataDir: string;
  let svc: ServiceProcess | undefined;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'branch-wal-'));
  });
  afterAll(async () => {
    if (svc && svc.child.exitCode === null) await kill9(svc);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('no ticket answered 201 is lost, nothing more is answered 201, and no number is issued twice', async () => {
    svc = await startServiceProcess(dataDir, ['--ticket-rate-limit', '100000']);
    const creds = JSON.parse((await import('node:fs')).readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as { staffId: string; pin: string }[];
    const pin = creds.find((c) => c.staffId === 'L01')!.pin;
    const lobby = (await call(svc.url, 'POST', '/api/auth/login', { staffId: 'L01', pin })).body.token as string;

    const answered: { id: string; number: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await call(svc.url, 'POST', '/api/tickets', { serviceCode: 'A' });
      assert.equal(r.status, 201);
      answered.push(r.body);
    }
    rmSync(join(dataDir, 'branch.db-wal'));

    // Every write from now on is refused, with a clear code: none is answered 201.
    for (let i = 0; i < 10; i++) {
      const r = await call(svc.url, 'POST', '/api/tickets', { serviceCode: 'A' });
      assert.equal(r.status, 503, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'STORAGE_REPLACED');
      assert.match(r.body.error.message, /restart/);
    }
    const health = await call(svc.url, 'GET', '/api/health');
    assert.equal(health.status, 503);
    assert.equal(health.body.status, 'degraded');
    assert.equal(health.body.storage.writable, false);
    assert.match(health.body.storage.problem, /branch\.db-wal was deleted/);
    // The lobby manager's dashboard shows why.
    const alerts = await call(svc.url, 'GET', '/api/alerts', undefined, lobby);
    assert.equal(alerts.status, 200);
    const storage = alerts.body.find((a: { kind: string }) => a.kind === 'storage_fault');
    assert.ok(storage, JSON.stringify(alerts.body));
    assert.equal(storage.severity, 'critical');
    assert.ok(existsSync(join(dataDir, 'branch.db.numbering.json')), 'the numbers issued so far are on disk');

    await kill9(svc);
    svc = await startServiceProcess(dataDir, ['--ticket-rate-limit', '100000']);
    for (const t of answered) {
      const r = await call(svc.url, 'GET', `/api/tickets/${t.id}`);
      assert.equal(r.status, 200, `ticket ${t.number} answered 201 before the crash is still there`);
      assert.equal(r.body.number, t.number);
    }
    const next = await call(svc.url, 'POST', '/api/tickets', { serviceCode: 'A' });
    assert.equal(next.status, 201);
    const issued = new Set(answered.map((t) => t.number));
    assert.ok(!issued.has(next.body.number), `${next.body.number} was issued before`);
    assert.equal(next.body.number, 'A021');
    assert.ok(readdirSync(dataDir).some((f) => /^branch\.db\.numbering\.applied-.*\.json$/.test(f)), 'the numbering file was applied and kept');
    assert.equal((await call(svc.url, 'GET', '/api/health')).body.status, 'ok');
  });
});

describe('database files changed under an in-process service', () => {
  let b: TestBranch | undefined;
  afterEach(async () => {
    await b?.close();
    b = undefined;
  });

  test('a WAL replaced while nothing is written is noticed by the timer; the foreign file is moved aside', async () => {
    b = await startBranch();
    const first = await b.api('POST', '/api/tickets', { body: { serviceCode: 'B' } });
    assert.equal(first.status, 201);
    const wal = join(b.dataDir, 'branch.db-wal');
    copyFileSync(wal, `${wal}.copy`);
    renameSync(`${wal}.copy`, wal);
    await until(async () => (await b!.api('GET', '/api/health')).status === 503, 'the service to notice');
    const h = await b.api('GET', '/api/health');
    assert.match(h.body.storage.problem, /branch\.db-wal was replaced/);
    assert.equal(h.body.storage.saved, true, 'everything committed was saved into the database file');
    assert.ok(readdirSync(b.dataDir).some((f) => f.startsWith('branch.db-wal.foreign-')));
    assert.equal((await b.api('POST', '/api/tickets', { body: { serviceCode: 'B' } })).body.error.code, 'STORAGE_REPLACED');
    // A restart continues after the last number.
    const dir = b.dataDir;
    await b.app.close();
    const again = await startTestBranch({ dataDir: dir, manualClock: MONDAY_10AM });
    try {
      const r = await again.api('POST', '/api/tickets', { body: { serviceCode: 'B' } });
      assert.equal(r.status, 201);
      assert.equal(r.body.number, 'B002');
    } finally {
      await again.app.close();
    }
    b = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  test('the WAL deleted while a batch waits for its COMMIT: the check runs first, every waiting command gets STORAGE_REPLACED, nothing answered is lost', async () => {
    b = await startBranch();
    const first = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
    assert.equal(first.status, 201);
    assert.equal(first.body.number, 'A001');
    // Three commands in one turn share one batch; nobody has been answered for them yet.
    const decided = [1, 2, 3].map(() => (b!.app.service.issue({ serviceCode: 'A' }).body as { number: string }).number);
    assert.deepEqual(decided, ['A002', 'A003', 'A004']);
    const batch = b.app.service.durable();
    rmSync(join(b.dataDir, 'branch.db-wal'));
    await assert.rejects(batch, (e: unknown) => isDomainError(e) && e.code === 'STORAGE_REPLACED', 'the batch is refused before its COMMIT');

    // What was answered before is in the database file itself (the checkpoint saved it); the
    // refused batch is not, and memory was rebuilt without it.
    const reader = new Database(join(b.dataDir, 'branch.db'), { readonly: true });
    try {
      assert.deepEqual(reader.prepare('SELECT number FROM tickets ORDER BY number').pluck().all(), ['A001']);
    } finally {
      reader.close();
    }
    const queue = await b.api('GET', '/api/queue');
    assert.equal(queue.body.services.find((s: { code: string }) => s.code === 'A').waiting, 1);
    const refused = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error.code, 'STORAGE_REPLACED');

    // After a restart the numbers the refused batch had decided are skipped, never issued.
    const dir = b.dataDir;
    await b.app.close();
    b = undefined;
    const again = await startTestBranch({ dataDir: dir, manualClock: MONDAY_10AM });
    try {
      const r = await again.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
      assert.equal(r.status, 201);
      assert.equal(r.body.number, 'A005');
    } finally {
      await again.app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the database swapped for an older copy: after a restart, numbering continues after the highest number ever issued', async () => {
    b = await startBranch();
    for (let i = 0; i < 5; i++) assert.equal((await b.api('POST', '/api/tickets', { body: { serviceCode: 'C' } })).status, 201);
    const backup = join(b.dataDir, 'old-copy.db');
    const reader = new Database(join(b.dataDir, 'branch.db'), { readonly: true });
    reader.exec(`VACUUM INTO '${backup}'`);
    reader.close();
    for (let i = 0; i < 5; i++) assert.equal((await b.api('POST', '/api/tickets', { body: { serviceCode: 'C' } })).status, 201);
    renameSync(backup, join(b.dataDir, 'branch.db'));
    const refused = await b.api('POST', '/api/tickets', { body: { serviceCode: 'C' } });
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error.code, 'STORAGE_REPLACED');
    const files = readdirSync(b.dataDir);
    assert.ok(files.some((f) => f.startsWith('branch.db.rescued-')), 'a full copy of the database the service had is kept for IT');
    assert.ok(files.some((f) => f.startsWith('branch.db-wal.orphaned-')), "the old database's WAL is not left to be applied to the copy");

    const dir = b.dataDir;
    await b.app.close();
    b = undefined;
    const again = await startTestBranch({ dataDir: dir, manualClock: MONDAY_10AM });
    try {
      const r = await again.api('POST', '/api/tickets', { body: { serviceCode: 'C' } });
      assert.equal(r.status, 201);
      assert.equal(r.body.number, 'C011', 'C006–C010 were issued before the swap: they are not issued again');
    } finally {
      await again.app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("another program's write lock: STORAGE_BUSY at once, the event loop never stalls, and writes resume when it lets go", async () => {
    b = await startBranch();
    const other = new Database(join(b.dataDir, 'branch.db'));
    // The service runs in this process: its start-up batch must be committed before this
    // thread blocks on the lock, or the batch could not commit until the lock timed out.
    await b.app.service.durable();
    const delay = monitorEventLoopDelay({ resolution: 5 });
    try {
      other.exec('BEGIN IMMEDIATE');
      delay.enable();
      const answers = await Promise.all(Array.from({ length: 20 }, () => b!.api('POST', '/api/tickets', { body: { serviceCode: 'D' } })));
      delay.disable();
      for (const r of answers) {
        assert.equal(r.status, 503);
        assert.equal(r.body.error.code, 'STORAGE_BUSY');
        assert.ok(Number(r.headers.get('retry-after')) >= 1);
      }
      // Before: each write waited five seconds for the lock on the event loop.
      assert.ok(delay.max / 1e6 < 1_500, `the event loop stalled for ${(delay.max / 1e6).toFixed(0)} ms`);
      assert.equal((await b.api('GET', '/api/health')).status, 200);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await until(async () => (await b!.api('POST', '/api/tickets', { body: { serviceCode: 'D' } })).status === 201, 'writes to resume');
  });
});
