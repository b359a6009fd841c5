/**
 * A real branch service syncing with a real head office (PostgreSQL 15 and PGlite): enrollment
 * with a one-time code and the credential kept in the data folder, every event uploaded once,
 * the live picture and the public ticket page, QR codes pointing at head office, configuration
 * applied in one transaction or refused and reported, and the dashboard's sync status.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { DEMO_CONFIG_PATH } from '../../config/load-config.js';
import type { HqApp } from '../../hq/app.js';
import { hashPin } from '../../server/pin-hash.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { BACKENDS, HqFixture, hqApi } from '../support/hq.js';
import { until } from '../support/until.js';

const demoConfig = () => parse(readFileSync(DEMO_CONFIG_PATH, 'utf8')) as any;
const FAST = { heartbeatMs: 500, liveDebounceMs: 50, backoff: { baseMs: 50, capMs: 500 } };

// Child processes, a new embedded database, Chromium: slow on a loaded 2-core machine; the timeout only catches hangs.
vi.setConfig({ testTimeout: 400_000 });

describe.each(BACKENDS)('a branch synced with head office on %s', (backend) => {
  const fx = new HqFixture(backend);
  let hq: HqApp;
  let operator: string;
  let branch: TestBranch;
  const api = (m: string, p: string, body?: unknown) => hqApi(hq.url, m, p, { token: operator, body });

  beforeAll(async () => {
    hq = await fx.start();
    operator = await hq.store.createOperatorToken('test');
    const { code } = await hq.store.createEnrollmentCode('demo-001', 'East', 1);
    branch = await startTestBranch({ hq: { url: hq.url, enrollCode: code, ...FAST } });
  }, 300_000); // a new embedded database and a branch take long on a loaded machine
  afterAll(async () => {
    await branch?.close();
    await hq?.close();
    await fx.close();
  });

  it('enrolls with the code and keeps the credential in the data folder, readable by its user only', async () => {
    const file = join(branch.dataDir, 'hq-credential.json');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ hq: hq.url, branch: 'demo-001' });
  });

  it('uploads every event once, and the summary counts the tickets', async () => {
    const token = await branch.login('T01', '1');
    for (let i = 0; i < 12; i++) expect((await branch.api('POST', '/api/tickets', { body: { serviceCode: 'A' } })).status).toBe(201);
    for (let i = 0; i < 4; i++) {
      // Served, then the next: Call next completes only a started service.
      expect((await branch.api('POST', '/api/counters/1/next', { token })).status).toBe(200);
      expect((await branch.api('POST', '/api/counters/1/start', { token })).status).toBe(200);
    }
    const local = branch.app.service.lastEventId();
    await until(async () => (await hq.store.eventCount('demo-001')) === local, 'every event at head office');
    const heads = Object.fromEntries((await hq.store.streamHeads('demo-001')).map((h) => [h.stream, h.head]));
    const mine = branch.app.sync!.uploader.status();
    expect(heads).toEqual(Object.fromEntries(Object.entries(mine.heads).filter(([, v]) => v > 0)));
    const day = branch.app.service.businessDay;
    const s = await api('GET', `/api/branches/demo-001/summary?date=${day}`);
    expect(s.body.ticketsIssued).toBe(12);
    expect(s.body.lastSeq).toBe(heads.queue);
    const status = await branch.api('GET', '/api/sync/status', { token: await branch.login('L01') });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ enrolled: true, branch: 'demo-001', backlog: 0 });
    expect(status.body.lastSuccessAt).not.toBeNull();
  });

  it('pushes the live picture and the positions of open tickets to the public ticket page', async () => {
    const t = (await branch.api('POST', '/api/tickets', { body: { serviceCode: 'B' } })).body;
    const seen = await until(async () => {
      const r = await hqApi(hq.url, 'GET', `/api/tickets/${t.id}`);
      return r.status === 200 && r.body;
    }, 'the ticket at head office');
    expect(seen).toMatchObject({ id: t.id, number: t.number, serviceCode: 'B', status: 'waiting' });
    expect(seen).not.toHaveProperty('segment');
    expect(seen).not.toHaveProperty('staffId');
    // The QR code printed on the ticket points at head office now.
    expect(branch.app.kiosk.baseUrl()).toBe(hq.url);
    const list = await api('GET', '/api/branches');
    const me = list.body.branches.find((b: any) => b.id === 'demo-001');
    expect(me).toMatchObject({ online: true, region: 'East' });
    expect(me.waiting).toBeGreaterThan(0);
    // Called: the phone shows the counter.
    const token = await branch.login('T02', '2');
    const called = (await branch.api('POST', '/api/counters/2/next', { token })).body.ticket;
    const phone = await until(async () => {
      const r = (await hqApi(hq.url, 'GET', `/api/tickets/${called.id}`)).body;
      return r.status === 'called' && r;
    }, 'the call at head office');
    expect(phone).toMatchObject({ counterId: '2', counterName: { zh: expect.any(String), en: expect.any(String) } });
    // After the business day the page answers nothing (the push that would renew it is held).
    branch.app.sync!.live.stop();
    await until(() => !branch.app.sync!.live.busy, 'the push under way');
    await hq.store.db.query("UPDATE live_tickets SET expires_at = now() - interval '1 second' WHERE id = $1", [t.id]);
    expect((await hqApi(hq.url, 'GET', `/api/tickets/${t.id}`)).status).toBe(410);
    branch.app.sync!.live.start();
  });

  it('applies a configuration snapshot in one transaction and reports the version', async () => {
    const config = demoConfig();
    config.services[0].targetWaitMinutes = 7;
    const pinHash = await hashPin('246810');
    const v = await api('POST', '/api/branches/demo-001/config', { config, staff: [{ id: 'HQ1', name: 'From head office', roles: ['teller'], counters: ['1'], pinHash }] });
    expect(v.status).toBe(201);
    await until(async () => (await api('GET', '/api/branches/demo-001/config')).body[0].status === 'applied', 'the applied report');
    expect(branch.app.service.queueConfig.services[0]!.targetWaitMinutes).toBe(7);
    const login = await branch.api('POST', '/api/auth/login', { body: { staffId: 'HQ1', pin: '246810' } });
    expect(login.status).toBe(200);
    expect(branch.app.sync!.config.status().appliedVersion).toBe(v.body.version);
    const applied = branch.app.service.eventsAfter(0, 100_000).filter((e) => e.type === 'config.applied').at(-1);
    expect(applied?.data).toMatchObject({ source: `hq:v${v.body.version}` });
  });

  it('refuses a snapshot it cannot run, reports why to head office, and keeps the current one', async () => {
    const config = demoConfig();
    config.services[0].targetWaitMinutes = 99;
    config.devices = { ...config.devices, printer: 'carrier-pigeon://loft' };
    const v = await api('POST', '/api/branches/demo-001/config', { config });
    expect(v.status).toBe(201);
    const report = await until(async () => {
      const h = (await api('GET', '/api/branches/demo-001/config')).body[0];
      return h.status === 'refused' && h;
    }, 'the refusal at head office');
    expect(report.problems.join(' ')).toMatch(/devices\.printer/);
    expect(branch.app.service.queueConfig.services[0]!.targetWaitMinutes).toBe(7);
    const detail = await api('GET', '/api/branches/demo-001');
    expect(detail.body.configReport).toMatchObject({ version: v.body.version, status: 'refused' });
  });
});
