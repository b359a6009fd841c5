/**
 * Sync under faults, on PostgreSQL 15 and PGlite: head office down for a simulated week, batches
 * replayed three times in random order, the branch killed with SIGKILL mid-upload, head office
 * killed mid-batch, and a branch database restored from an older backup. Every time head
 * office must end with every event exactly once.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startHqApp, type HqApp } from '../../hq/app.js';
import { openHqStore } from '../../hq/open-store.js';
import type { HqStore } from '../../hq/storage/hq-store.js';
import { canonical } from '../../hq/storage/hq-store.js';
import { silentLogger } from '../../server/logger.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { startServiceProcess } from '../crash/service-process.js';
import { BACKENDS, HqFixture, hqApi, type HqTarget } from '../support/hq.js';
import { queueEvents } from '../support/hq-events.js';
import { runHqCommand, startHqProcess } from '../support/hq-process.js';
import { until } from '../support/until.js';

const FAST = { heartbeatMs: 300, liveDebounceMs: 50, backoff: { baseMs: 50, capMs: 400 } };
const DAY = 86_400_000;

type Row = { stream: string; seq: number; type: string; at: number };

function localLog(dbPath: string): Row[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT stream, seq, type, at FROM events ORDER BY stream, seq').all() as { stream: string; seq: number; type: string; at: string }[]).map((r) => ({ ...r, at: Date.parse(r.at) }));
  } finally {
    db.close();
  }
}

async function hqLog(store: HqStore, branch: string): Promise<Row[]> {
  const rows = await store.db.query('SELECT stream, seq, type, at FROM events WHERE branch = $1 ORDER BY stream, seq', [branch]);
  return rows.map((r) => ({ stream: String(r.stream), seq: Number(r.seq), type: String(r.type), at: new Date(String(r.at instanceof Date ? r.at.toISOString() : r.at)).getTime() }));
}

const key = (r: Row) => `${r.stream}#${r.seq}`;

/** Head office holds exactly the branch's log: the same (stream, seq) once each, same type and time. */
function expectExactlyOnce(hq: Row[], local: Row[]): void {
  expect(new Set(hq.map(key)).size).toBe(hq.length);
  expect(hq.length).toBe(local.length);
  expect(hq).toEqual(local);
}

async function withStore<T>(target: HqTarget, fn: (s: HqStore) => Promise<T>): Promise<T> {
  const store = await openHqStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
  try {
    return await fn(store);
  } finally {
    await store.db.close();
  }
}

// Child processes, a new embedded database, Chromium: slow on a loaded 2-core machine; the timeout only catches hangs.
vi.setConfig({ testTimeout: 400_000 });

describe.each(BACKENDS)('sync faults on %s', (backend) => {
  const fx = new HqFixture(backend);
  const dirs: string[] = [];
  afterAll(async () => {
    await fx.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('head office down while the branch works a simulated week: every event arrives once when it is back', async () => {
    const target = await fx.target();
    let hq: HqApp = await fx.start(target);
    const port = hq.port;
    const { code } = await hq.store.createEnrollmentCode('demo-001', '', 1);
    const start = Date.UTC(2026, 5, 8, 2); // Monday 10:00 in Shanghai
    const branch: TestBranch = await startTestBranch({ manualClock: start, hq: { url: hq.url, enrollCode: code, ...FAST } });
    try {
      await hq.close();
      for (let d = 0; d < 7; d++) {
        branch.setTime(start + d * DAY);
        const token = await branch.login('T01', '1');
        for (let i = 0; i < 30; i++) {
          expect((await branch.api('POST', '/api/tickets', { body: { serviceCode: 'A' } })).status).toBe(201);
          branch.advance(60_000);
          await branch.api('POST', '/api/counters/1/next', { token });
          await branch.api('POST', '/api/counters/1/start', { token }); // the next call completes it
        }
      }
      const status = branch.app.sync!.uploader.status();
      expect(status.backlog).toBeGreaterThan(600);
      hq = await startHqApp({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, port, host: '127.0.0.1', log: silentLogger });
      await until(() => branch.app.sync!.uploader.status().backlog === 0, 'the backlog sent', 120_000);
      expectExactlyOnce(await hqLog(hq.store, 'demo-001'), localLog(join(branch.dataDir, 'branch.db')));
      const facts = await hq.store.ticketFacts('2026-06-08', '2026-06-14', 'demo-001');
      expect(facts).toHaveLength(210);
    } finally {
      await branch.close();
      await hq.close();
    }
  });

  it('batches replayed three times in random order change nothing', async () => {
    const hq = await fx.start();
    try {
      const { code } = await hq.store.createEnrollmentCode('r-1', '', 1);
      const cred = (await hqApi(hq.url, 'POST', '/api/enroll', { body: { code, installId: 'install-r1', branch: 'r-1' } })).body.credential;
      const events = queueEvents('r-1', 1, 600);
      const batches = Array.from({ length: 12 }, (_, i) => events.slice(i * 50, i * 50 + 50));
      // Three copies of every batch, shuffled; a gap is answered and the batch comes back later.
      let queue = [...batches, ...batches, ...batches].sort(() => Math.random() - 0.5);
      let sent = 0;
      while (queue.length > 0) {
        const later: typeof queue = [];
        for (const b of queue) {
          const r = await hqApi(hq.url, 'POST', '/api/sync/events', { token: cred, body: { stream: 'queue', events: b } });
          sent++;
          if (r.status === 409 && r.body.error.code === 'SEQ_GAP') later.push(b);
          else expect(r.status).toBe(200);
        }
        queue = later.sort(() => Math.random() - 0.5);
      }
      expect(sent).toBeGreaterThanOrEqual(36);
      const held = await hq.store.events('r-1', 'queue', 0, 10_000);
      expect(held.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
      expect(held.map((e) => canonical(e.data))).toEqual(events.map((e) => canonical(e.data)));
      const before = await hqLog(hq.store, 'r-1');
      // Once all is there, three more replays in random order: all duplicates, nothing changes.
      for (const b of [...batches, ...batches, ...batches].sort(() => Math.random() - 0.5)) {
        const r = await hqApi(hq.url, 'POST', '/api/sync/events', { token: cred, body: { stream: 'queue', events: b } });
        expect(r.body).toMatchObject({ ackSeq: 600, inserted: 0, duplicates: 50 });
      }
      expect(await hqLog(hq.store, 'r-1')).toEqual(before);
      expect(await hq.store.ticketFacts('2026-06-15', '2026-06-15', 'r-1')).toHaveLength(200);
    } finally {
      await hq.close();
    }
  });

  it('the branch killed with SIGKILL mid-upload resumes with no loss and no duplicate', async () => {
    const target = await fx.target();
    let hq: HqApp = await fx.start(target);
    const port = hq.port;
    const { code } = await hq.store.createEnrollmentCode('demo-001', '', 1);
    const dataDir = mkdtempSync(join(tmpdir(), 'branch-kill-'));
    dirs.push(dataDir);
    const first = await startServiceProcess(dataDir, ['--hq', hq.url, '--enroll', code, '--ticket-rate-limit', '100000']);
    await hq.close();
    // A backlog while head office is away.
    for (let i = 0; i < 600; i++) {
      const r = await fetch(`${first.url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ serviceCode: 'B' }) });
      expect(r.status).toBe(201);
    }
    first.child.kill('SIGKILL');
    await first.exited;
    hq = await startHqApp({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, port, host: '127.0.0.1', log: silentLogger });
    try {
      const total = localLog(join(dataDir, 'branch.db')).length;
      let kills = 0;
      let seen = await hq.store.eventCount('demo-001');
      for (let round = 0; round < 3; round++) {
        const p = await startServiceProcess(dataDir, ['--hq', hq.url]);
        // Killed as soon as head office has more than before, but not all.
        const now = await until(async () => {
          const n = await hq.store.eventCount('demo-001');
          return n > seen ? n : undefined;
        }, 'upload progress');
        p.child.kill('SIGKILL');
        await p.exited;
        if (now < total) kills++;
        seen = await hq.store.eventCount('demo-001');
        if (seen >= total) break;
      }
      const local = () => localLog(join(dataDir, 'branch.db'));
      const beforeLastStart = local();
      const last = await startServiceProcess(dataDir, ['--hq', hq.url]);
      await until(async () => (await hq.store.eventCount('demo-001')) >= local().length, 'everything uploaded', 120_000);
      last.child.kill('SIGTERM');
      await last.exited;
      expect(kills).toBeGreaterThanOrEqual(1);
      // A stopping service records its devices going offline; those events wait for its next
      // start. Everything written before the last start is at head office exactly once, and
      // head office holds nothing the branch does not.
      const atHq = await hqLog(hq.store, 'demo-001');
      const finalLocal = new Map(local().map((r) => [key(r), r]));
      expect(new Set(atHq.map(key)).size).toBe(atHq.length);
      for (const r of atHq) expect(r).toEqual(finalLocal.get(key(r)));
      const held = new Set(atHq.map(key));
      expect(beforeLastStart.filter((r) => !held.has(key(r)))).toEqual([]);
    } finally {
      await hq.close();
    }
  });

  it('head office killed mid-batch loses nothing', async () => {
    const target = await fx.target();
    const db = target.databaseUrl ? ['--database', target.databaseUrl] : [];
    let hqp = await startHqProcess(['--port', '0', '--data', target.dataDir, ...db]);
    const port = new URL(hqp.url).port;
    const code = (await runHqCommand(['enroll', '--data', target.dataDir, '--branch', 'demo-001', ...db])).stdout.trim().split('\n').at(-1)!;
    const operator = (await runHqCommand(['operator-token', '--data', target.dataDir, ...db])).stdout.trim().split('\n').at(-1)!;
    const branch = await startTestBranch({ hq: { url: hqp.url, enrollCode: code, ...FAST } });
    try {
      hqp.child.kill('SIGTERM');
      await hqp.exited;
      for (let i = 0; i < 600; i++) expect((await branch.api('POST', '/api/tickets', { body: { serviceCode: 'C' } })).status).toBe(201);
      const localHead = () => branch.app.sync!.uploader.status().heads.queue!;
      const hqHead = async (url: string) => {
        const r = await hqApi(url, 'GET', '/api/branches/demo-001', { token: operator }).catch(() => undefined);
        return (r?.body?.streams ?? []).find((s: any) => s.stream === 'queue')?.head ?? 0;
      };
      let kills = 0;
      for (let round = 0; round < 3; round++) {
        hqp = await startHqProcess(['--port', port, '--data', target.dataDir, ...db]);
        const before = await hqHead(hqp.url);
        if (before >= localHead()) break;
        await until(async () => (await hqHead(hqp.url)) > before || undefined, 'upload progress');
        hqp.child.kill('SIGKILL');
        await hqp.exited;
        kills++;
      }
      if (hqp.child.exitCode !== null || hqp.child.signalCode !== null) hqp = await startHqProcess(['--port', port, '--data', target.dataDir, ...db]);
      await until(() => branch.app.sync!.uploader.status().backlog === 0, 'the backlog sent', 120_000);
      hqp.child.kill('SIGTERM');
      await hqp.exited;
      expect(kills).toBeGreaterThanOrEqual(1);
      const local = localLog(join(branch.dataDir, 'branch.db'));
      await withStore(target, async (store) => expectExactlyOnce(await hqLog(store, 'demo-001'), local));
    } finally {
      await branch.close();
      if (hqp.child.exitCode === null) hqp.child.kill('SIGKILL');
    }
  }, 400_000);

  it('a branch restored from an older backup is detected and raises an alarm instead of reusing sequence numbers', async () => {
    const hq = await fx.start();
    const dataDir = mkdtempSync(join(tmpdir(), 'branch-restore-'));
    dirs.push(dataDir);
    const backup = mkdtempSync(join(tmpdir(), 'branch-backup-'));
    dirs.push(backup);
    const files = ['branch.db', 'branch.db-wal', 'branch.db-shm'];
    try {
      const { code } = await hq.store.createEnrollmentCode('demo-001', '', 1);
      let branch = await startTestBranch({ dataDir, hq: { url: hq.url, enrollCode: code, ...FAST } });
      const issue = async (n: number) => {
        for (let i = 0; i < n; i++) expect((await branch.api('POST', '/api/tickets', { body: { serviceCode: 'D' } })).status).toBe(201);
        await until(() => branch.app.sync!.uploader.status().backlog === 0, 'uploaded');
      };
      await issue(10);
      await branch.close();
      for (const f of files) if (existsSync(join(dataDir, f))) copyFileSync(join(dataDir, f), join(backup, f));
      branch = await startTestBranch({ dataDir, hq: { url: hq.url, ...FAST } });
      await issue(10);
      const lostLocally = await hqLog(hq.store, 'demo-001');
      const hqQueueHead = Math.max(...lostLocally.filter((r) => r.stream === 'queue').map((r) => r.seq));
      await branch.close();
      // The disk died; IT restores yesterday's backup.
      for (const f of files) {
        rmSync(join(dataDir, f), { force: true });
        if (existsSync(join(backup, f))) copyFileSync(join(backup, f), join(dataDir, f));
      }
      branch = await startTestBranch({ dataDir, hq: { url: hq.url, ...FAST } });
      await until(() => branch.app.sync!.status().alarm, 'the restore alarm');
      await issue(5);
      // Head office keeps what it had, and gets the new events after it, each once.
      const after = await hqLog(hq.store, 'demo-001');
      expect(new Set(after.map(key)).size).toBe(after.length);
      for (const r of lostLocally) expect(after).toContainEqual(r);
      const newQueue = after.filter((r) => r.stream === 'queue' && r.seq > hqQueueHead);
      expect(newQueue.filter((r) => r.type === 'ticket.issued')).toHaveLength(5);
      const local = localLog(join(dataDir, 'branch.db'));
      for (const r of local) expect(after).toContainEqual(r);
      // The dashboard alert, and head office's record of it.
      await branch.app.insights.alerts.evaluate();
      const alerts = await branch.api('GET', '/api/alerts', { token: await branch.login('L01') });
      expect(alerts.body.some((a: any) => a.kind === 'sync_restored' && a.severity === 'critical')).toBe(true);
      await until(async () => (await hq.store.alarms('demo-001')).some((a) => a.kind === 'sequence_reset'), 'the alarm at head office');
      await branch.close();
    } finally {
      await hq.close();
    }
  });
});
