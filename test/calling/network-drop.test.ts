/**
 * The teller console through network drops: the page goes offline (Chromium's offline mode) and
 * its WebSocket is cut server-side; an action pressed while offline is retried with the same
 * Idempotency-Key and calls exactly one ticket; an answer lost on the way back is not acted on
 * twice; calls made elsewhere while the page was away show up after it reconnects; the page
 * says it was offline. Checked against GET /api/queue and the event log.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { issue, signInTeller, waitUntil } from './support.js';

describe('teller console network drop', () => {
  let branch: TestBranch;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let supervisor: string;

  const calledEvents = async () => {
    const r = await branch.api('GET', '/api/events?after=0&limit=1000', { token: supervisor });
    return (r.body as { type: string; data: { ticket: { number: string } } }[]).filter((e) => e.type === 'ticket.called').map((e) => e.data.ticket.number);
  };
  const counter3 = async () => (await branch.api('GET', '/api/queue')).body.counters.find((c: { id: string }) => c.id === '3');
  const shown = (n: string) => page.waitForFunction((x) => document.querySelector('[data-testid=ticket-number]')?.textContent === x, n, { timeout: 30_000 });

  beforeAll(async () => {
    branch = await startTestBranch();
    supervisor = await branch.login('S01');
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    page = await context.newPage();
    await signInTeller(page, branch, 'T03', '3');
  });

  afterAll(async () => {
    await browser?.close();
    await branch?.close();
  });

  it('an action pressed while offline calls exactly one ticket once the network is back', async () => {
    const numbers = await issue(branch, 'B', 3);
    await context.setOffline(true);
    branch.app.stream.dropClients();
    await page.waitForFunction(() => /Offline/.test(document.querySelector('[data-testid=conn]')?.textContent ?? ''));
    await page.click('[data-action=next]');
    await page.click('[data-action=next]', { force: true, timeout: 2000 }).catch(() => undefined); // a second press while the first is pending
    assert.equal(await page.isDisabled('[data-action=next]'), true, 'actions are disabled while one is in flight');
    // Nothing reached the service yet.
    assert.deepEqual(await calledEvents(), []);

    await context.setOffline(false);
    await shown(numbers[0]!);
    await page.waitForSelector('[data-testid=offline-note]', { timeout: 30_000 });
    assert.match((await page.textContent('[data-testid=offline-note]')) ?? '', /offline/i);
    assert.deepEqual(await calledEvents(), [numbers[0]]);
    const c = await counter3();
    assert.equal(c.currentTicket.number, numbers[0]);
    const q = (await branch.api('GET', '/api/queue')).body;
    assert.equal(q.services.find((s: { code: string }) => s.code === 'B').waiting, 2);
  });

  it('an answer lost on the way back is retried with the same key and does not call a second ticket', async () => {
    const waitingBefore = (await branch.api('GET', '/api/queue')).body.services.find((s: { code: string }) => s.code === 'B').waiting;
    let cut = 0;
    await page.route('**/api/counters/3/next', async (route) => {
      if (cut++ === 0) {
        await route.fetch(); // the service acts...
        await route.abort('connectionreset'); // ...but the page never hears back
      } else {
        await route.continue();
      }
    });
    // The customer called in the test before is served; Call next then completes them.
    await page.keyboard.press('s');
    await page.waitForSelector('[data-testid=ticket-number][data-status=serving]');
    const before = await calledEvents();
    await page.keyboard.press('n');
    const expected = await waitUntil(async () => {
      const now = await calledEvents();
      return now.length > before.length ? now.at(-1) : undefined;
    }, 'the call to be committed');
    await shown(expected);
    await waitUntil(() => cut >= 2, 'the page to retry');
    await page.waitForSelector('[data-action=next]:not([disabled])');
    await page.unroute('**/api/counters/3/next');
    assert.equal(await page.textContent('[data-testid=ticket-number]'), expected);
    assert.equal((await calledEvents()).length, before.length + 1, 'exactly one new call');
    const waitingAfter = (await branch.api('GET', '/api/queue')).body.services.find((s: { code: string }) => s.code === 'B').waiting;
    assert.equal(waitingAfter, waitingBefore - 1);
  });

  it('calls made elsewhere while the page was cut off show after it reconnects, and a reload recovers the ticket', async () => {
    await issue(branch, 'B');
    await context.setOffline(true);
    branch.app.stream.dropClients();
    await page.waitForFunction(() => /Offline/.test(document.querySelector('[data-testid=conn]')?.textContent ?? ''));
    // The same teller calls from another device (the call pad, another session) meanwhile.
    const other = await branch.login('T03', '3');
    assert.equal((await branch.api('POST', '/api/counters/3/start', { token: other })).status, 200);
    const r = await branch.api('POST', '/api/counters/3/next', { token: other });
    assert.equal(r.status, 200);
    const number: string = r.body.ticket.number;
    await context.setOffline(false);
    await shown(number);

    await page.reload();
    await shown(number);
    assert.match((await page.textContent('[data-testid=call-reason]')) ?? '', /\w/);
    const events = await calledEvents();
    assert.equal(new Set(events).size, events.length, 'no ticket called twice');
  });
});
