/**
 * The dashboard end to end: a real branch service (SQLite, HTTP, stream) with a manual clock, and
 * the /dashboard page in headless Chromium. Tickets are issued and called through the API; the
 * page must show what GET /api/queue says; an alert appears when a wait passes its target (the
 * clock is moved and the monitor evaluated — no sleeping) and goes once acknowledged.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { conditions, DEFAULT_ALERT_SETTINGS } from '../../server/alerts/rules.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { deviceState, waitUntil } from '../kiosk/support.js';
import { launchBrowser } from '../support/browser.js';
import { signIn } from './sign-in.js';
import { until } from '../support/until.js';

const START = Date.UTC(2026, 2, 25, 1, 0); // 09:00 in Shanghai

/** Waits until the page shows `expected` in the element (the page refreshes on stream events). */
async function expectText(page: Page, testId: string, expected: string) {
  const loc = page.getByTestId(testId);
  try {
    await page.waitForFunction(([id, want]) => document.querySelector(`[data-testid="${id}"]`)?.textContent === want, [testId, expected] as const, { timeout: 10_000 });
  } catch {
    assert.equal(await loc.textContent(), expected, `${testId}`);
  }
}

describe('dashboard', () => {
  let b: TestBranch;
  let browser: Browser;
  beforeAll(async () => {
    b = await startTestBranch({ manualClock: START });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
    await b.close();
  });

  test('needs a lobby, supervisor or admin sign-in', async () => {
    assert.equal((await b.api('GET', '/api/dashboard')).status, 401);
    const teller = await b.login('T01');
    const r = await b.api('GET', '/api/dashboard', { token: teller });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'FORBIDDEN');
    const page = await browser.newPage();
    await page.goto(`${b.url}/dashboard`);
    await page.getByRole('form', { name: 'sign in' }).waitFor();
    await page.getByLabel(/Staff id/).fill('L01');
    await page.getByLabel(/PIN/).fill('000000x');
    await page.getByRole('button', { name: /Sign in/ }).click();
    await page.getByRole('alert').waitFor();
    await page.close();
  });

  test('a branch without head office says so in the sync panel', async () => {
    const lobby = await b.login('L01');
    const r = await b.api('GET', '/api/sync/status', { token: lobby });
    assert.equal(r.status, 200);
    assert.equal(r.body.configured, false);
    assert.equal((await b.api('GET', '/api/sync/status', { token: await b.login('T01') })).status, 403);
    const page = await browser.newPage();
    await signIn(page, b, 'L01');
    const state = page.getByTestId('sync-state');
    await state.waitFor();
    assert.equal(await state.getAttribute('data-state'), 'not_configured');
    assert.match((await state.textContent()) ?? '', /未配置总行.*Head office not configured/);
    assert.equal(await page.getByTestId('sync-backlog').count(), 0);
    await page.close();
  });

  test('the page shows the queue as GET /api/queue has it, live, and an over-target wait alert until acknowledged', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, b, 'L01');

    const teller = await b.login('T01', '1');
    for (let i = 0; i < 3; i++) assert.equal((await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } })).status, 201);
    // A second later: counter 1 covers F (no F counter is open), and calls the earlier A first.
    b.advance(1_000);
    assert.equal((await b.api('POST', '/api/tickets', { body: { serviceCode: 'F' } })).status, 201);
    const called = await b.api('POST', '/api/counters/1/next', { token: teller });
    assert.equal(called.status, 200);

    const queue = (await b.api('GET', '/api/queue')).body;
    const a = queue.services.find((s: any) => s.code === 'A');
    const f = queue.services.find((s: any) => s.code === 'F');
    assert.equal(a.waiting, 2);
    await expectText(page, 'waiting-A', String(a.waiting));
    await expectText(page, 'waiting-F', String(f.waiting));
    await expectText(page, 'issued-A', String(a.issuedToday));
    const c1 = queue.counters.find((c: any) => c.id === '1');
    // The state in words, never the code.
    assert.equal(c1.state, 'serving');
    await expectText(page, 'counter-state-1', '办理中 · Serving');
    await expectText(page, 'counter-ticket-1', c1.currentTicket.number);
    await expectText(page, 'counter-served-1', String(c1.servedToday));
    assert.equal(await page.getByTestId('no-alerts').count(), 1);

    // 16 minutes later the oldest A ticket is past its 15-minute target.
    b.advance(16 * 60_000);
    const { raised } = b.app.insights.alerts.evaluate();
    assert.deepEqual(raised.map((r) => r.key).sort(), ['wait:A', 'wait:F']);
    const alert = page.locator('[data-alert-key="wait:A"]');
    await alert.waitFor();
    // The words say what is wrong, never a figure that would go stale on the screen.
    assert.match((await alert.textContent()) ?? '', /longer than the 15-minute target/);
    const q2 = (await b.api('GET', '/api/queue')).body;
    await expectText(page, 'longest-A', `${Math.floor(q2.services[0].longestWaitSeconds / 60)}:${String(q2.services[0].longestWaitSeconds % 60).padStart(2, '0')}`);

    // Acknowledged on the page: gone from the page and from GET /api/alerts; who and when is kept.
    await page.getByTestId('ack-wait:A').click();
    await alert.waitFor({ state: 'detached' });
    const lobby = await b.login('L01');
    const open = (await b.api('GET', '/api/alerts', { token: lobby })).body;
    assert.deepEqual(open.map((x: any) => x.key), ['wait:F']);
    const all = (await b.api('GET', '/api/alerts?since=2026-03-25', { token: lobby })).body;
    const acked = all.find((x: any) => x.key === 'wait:A');
    assert.equal(acked.acknowledgedBy, 'L01');
    assert.equal(acked.acknowledgedAt, new Date(b.now()).toISOString());
    // The condition persists, but an acknowledged alert is not raised again.
    assert.deepEqual(b.app.insights.alerts.evaluate().raised, []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('paper near end that becomes paper out is the same alert, escalated and to be acknowledged again', async () => {
    const sup = await b.login('S01');
    const fake = b.app.kiosk.printer.sim!.fake;
    await waitUntil(async () => (await deviceState(b, 'printer')) === 'online', 'printer online');
    try {
      fake.setPaperNearEnd(true);
      await waitUntil(async () => (await deviceState(b, 'printer')) === 'paper_near_end', 'paper near end');
      b.app.insights.alerts.evaluate();
      const near = (await b.api('GET', '/api/alerts', { token: sup })).body.find((x: any) => x.kind === 'printer_paper');
      assert.equal(near.severity, 'warning');
      assert.match(near.message.en, /^Ticket printer: paper running low/);
      assert.equal((await b.api('POST', `/api/alerts/${near.id}/ack`, { token: sup })).status, 200);

      fake.setPaperEnd(true);
      await waitUntil(async () => (await deviceState(b, 'printer')) === 'paper_end', 'paper out');
      b.app.insights.alerts.evaluate();
      const alerts = (await b.api('GET', '/api/alerts', { token: sup })).body.filter((x: any) => x.kind === 'printer_paper');
      assert.equal(alerts.length, 1, 'one alert, never "near end" cleared while the roll ran out');
      assert.equal(alerts[0].id, near.id);
      assert.equal(alerts[0].severity, 'critical');
      assert.equal(alerts[0].active, true);
      assert.equal(alerts[0].acknowledgedBy ?? null, null, 'worse than what was acknowledged: to be looked at again');
      assert.match(alerts[0].message.zh, /取号机打印机缺纸/);
      const events = (await b.api('GET', '/api/events?after=0&limit=1000', { token: sup })).body;
      assert.ok(events.some((e: any) => e.type === 'alert.changed' && e.data.alert.id === near.id));
    } finally {
      fake.setPaperEnd(false);
      fake.setPaperNearEnd(false);
    }
  });

  test('alerts over the API: idle counter after the grace, ack twice is 409, unknown id 404, events on the log', async () => {
    const sup = await b.login('S01');
    const t2 = await b.login('T02', '2');
    // Counter 2 serves A as primary; A customers wait; counter 2 stays idle past the grace.
    b.advance((DEFAULT_ALERT_SETTINGS.idleGraceMinutes + 1) * 60_000);
    const { raised } = b.app.insights.alerts.evaluate();
    assert.ok(raised.some((r) => r.key === 'idle:2'), JSON.stringify(raised.map((r) => r.key)));
    const list = (await b.api('GET', '/api/alerts', { token: sup })).body;
    const idle = list.find((x: any) => x.key === 'idle:2');
    assert.ok(idle);
    // Calling clears the condition; the alert is kept (cleared) until someone acknowledges it.
    assert.equal((await b.api('POST', '/api/counters/2/next', { token: t2 })).status, 200);
    // The rules run again shortly after the call (at most every 250 ms under load), not inside it.
    const after = await until(async () => (await b.api('GET', '/api/alerts', { token: sup })).body.find((x: any) => x.key === 'idle:2' && x.active === false), 'the idle alert to clear after the call');
    assert.equal(after.id, idle.id, 'the same alert, now cleared, not a new one');
    assert.equal((await b.api('POST', `/api/alerts/${idle.id}/ack`, { token: sup })).status, 200);
    const again = await b.api('POST', `/api/alerts/${idle.id}/ack`, { token: sup });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'ALREADY_ACKNOWLEDGED');
    assert.equal((await b.api('POST', '/api/alerts/nope-1/ack', { token: sup })).status, 404);
    assert.equal((await b.api('POST', '/api/alerts/../ack', { token: sup })).status, 404);
    assert.equal((await b.api('GET', '/api/alerts?since=yesterday', { token: sup })).status, 400);
    const events = (await b.api('GET', '/api/events?after=0&limit=1000', { token: sup })).body.map((e: any) => e.type);
    for (const t of ['alert.raised', 'alert.cleared', 'alert.acknowledged']) assert.ok(events.includes(t), t);
  });

  test('staffing advice and the snapshot figures', async () => {
    const sup = await b.login('S01');
    const s = await b.api('GET', '/api/staffing', { token: sup });
    assert.equal(s.status, 200);
    const a = s.body.services.find((x: any) => x.serviceCode === 'A');
    assert.equal(a.arrivalsPerHour, 3);
    assert.ok(a.serviceLevelPlusOne >= a.serviceLevelNow);
    assert.match(a.text.en, /counter|staffing/);
    const d = (await b.api('GET', '/api/dashboard', { token: sup })).body;
    assert.equal(d.bucketMinutes, 15);
    assert.equal(d.timeline.reduce((n: number, x: any) => n + x.arrivals, 0), 4);
    assert.ok(d.accuracy.tickets >= 2);
  });
});

test('alert rules: device offline, paper near end and faults; nothing for healthy devices', () => {
  const found = conditions(
    {
      now: 0,
      services: [],
      counters: [],
      devices: [
        { id: 'p1', kind: 'printer', state: 'paper_near_end' },
        { id: 'p2', kind: 'printer', state: 'paper_end' },
        { id: 'd1', kind: 'counter_display', state: 'offline', detail: 'no answer' },
        { id: 'p3', kind: 'printer', state: 'cover_open' },
        { id: 'ok', kind: 'printer', state: 'online' },
      ],
    },
    DEFAULT_ALERT_SETTINGS,
  );
  assert.deepEqual(
    found.map((c) => [c.key, c.kind, c.severity]),
    [
      // Near end and out of paper are one alert per printer (its severity changes), so the
      // dashboard never shows "near end" cleared when the roll ran out.
      ['device:p1:paper', 'printer_paper', 'warning'],
      ['device:p2:paper', 'printer_paper', 'critical'],
      ['device:d1:offline', 'device_offline', 'critical'],
      ['device:p3:fault', 'device_fault', 'critical'],
    ],
  );
  // Plain names and states, never ids or codes ("Printer printer", "cover_open").
  assert.deepEqual(found[1]!.message, {
    zh: '取号机打印机缺纸：号码只能显示在取号机屏幕上，请立即换纸',
    en: 'Ticket printer is out of paper: the kiosk shows numbers on screen only; change the roll now',
  });
  assert.deepEqual(found[3]!.message, { zh: '取号机打印机：机盖打开', en: 'Ticket printer: Cover open' });
  for (const c of found) assert.doesNotMatch(`${c.message.zh} ${c.message.en}`, /p\d|d1|_/);
});
