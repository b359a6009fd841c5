/**
 * The dashboard's head-office panel end to end: a real branch service uploading to a real head
 * office on PostgreSQL 15, and the /dashboard page in headless Chromium signed in as the lobby
 * manager. Head office is stopped: the panel shows the events piling up and the connection lost;
 * head office comes back on the same port: the backlog drains to 0 and the panel says so.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startHqApp, type HqApp } from '../../hq/app.js';
import { silentLogger } from '../../server/logger.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { launchBrowser } from '../support/browser.js';
import { signIn } from './sign-in.js';
import { HqFixture, type HqTarget } from '../support/hq.js';
import { until } from '../support/until.js';

const FAST = { heartbeatMs: 300, liveDebounceMs: 50, backoff: { baseMs: 50, capMs: 300 } };

// PostgreSQL, a branch and Chromium on a loaded 2-core machine; the timeout only catches hangs.
vi.setConfig({ testTimeout: 300_000 });

/** Waits until the element's text satisfies `test` (the panel polls the service). */
async function panelText(page: Page, testId: string, test: (text: string) => boolean): Promise<string> {
  const loc = page.getByTestId(testId);
  return until(async () => {
    const t = (await loc.textContent().catch(() => null)) ?? '';
    return test(t) ? t : undefined;
  }, `${testId} on the page`);
}

describe('the dashboard head-office panel', () => {
  const fx = new HqFixture('postgres');
  let target: HqTarget;
  let hq: HqApp;
  let branch: TestBranch;
  let browser: Browser;

  beforeAll(async () => {
    target = await fx.target();
    hq = await fx.start(target);
    const { code } = await hq.store.createEnrollmentCode('demo-001', 'East', 1);
    branch = await startTestBranch({ hq: { url: hq.url, enrollCode: code, ...FAST } });
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await branch?.close();
    await hq?.close();
    await fx.close();
  });

  it('is for those who may see the dashboard', async () => {
    expect((await branch.api('GET', '/api/sync/status')).status).toBe(401);
    const teller = await branch.login('T01');
    expect((await branch.api('GET', '/api/sync/status', { token: teller })).status).toBe(403);
  });

  it('shows the backlog growing while head office is down and draining to 0 once it is back', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, branch, 'L01');
    const lobby = await branch.login('L01');

    // Connected, nothing waiting.
    await until(async () => (await branch.api('GET', '/api/sync/status', { token: lobby })).body.lastSuccessAt !== null, 'a first upload');
    await panelText(page, 'sync-state', (t) => t === '已连接 · Connected');
    await panelText(page, 'sync-backlog', (t) => t === '0');
    await panelText(page, 'sync-last-success', (t) => /秒前 · \d+ s ago$/.test(t));

    const port = hq.port;
    await hq.close();
    for (let i = 0; i < 5; i++) expect((await branch.api('POST', '/api/tickets', { body: { serviceCode: 'A' } })).status).toBe(201);
    const down = await until(async () => {
      const s = (await branch.api('GET', '/api/sync/status', { token: lobby })).body;
      return s.lastError !== null && s.backlog >= 5 ? s : undefined;
    }, 'the upload failing');
    // The page shows what the service says: the same backlog, and that head office is unreachable.
    await panelText(page, 'sync-backlog', (t) => t === String(down.backlog));
    await panelText(page, 'sync-state', (t) => t.startsWith('连不上总行') && t.includes('Cannot reach head office'));
    expect(await page.getByTestId('sync-state').getAttribute('data-state')).toBe('offline');
    expect(await page.getByTestId('sync-error').count()).toBe(1);

    hq = await startHqApp({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, port, host: '127.0.0.1', log: silentLogger });
    await panelText(page, 'sync-backlog', (t) => t === '0');
    await panelText(page, 'sync-state', (t) => t === '已连接 · Connected');
    await panelText(page, 'sync-lag', (t) => t === '0 秒 · 0 s');
    expect(await page.getByTestId('sync-error').count()).toBe(0);
    await until(async () => (await hq.store.eventCount('demo-001')) === branch.app.service.lastEventId(), 'every event at head office once');
    expect(errors).toEqual([]);
    await page.close();
  });
});
