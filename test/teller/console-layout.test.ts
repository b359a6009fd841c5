/**
 * The teller console at the counter PC's 1366×768 with everything shown at once: a ticket being
 * served, the customer panel, all ten action buttons and five services in the waiting counts
 * (counter 6, the VIP counter). No button may sit under the waiting counts or off screen, where
 * a teller's tap would land on the wrong thing.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { signInTeller } from '../calling/support.js';

// A Tuesday, 10:00 in Shanghai: counter 6 is open.
const START = Date.UTC(2026, 4, 12, 2, 0);

describe('teller console layout', () => {
  let b: TestBranch;
  let browser: Browser;

  beforeAll(async () => {
    b = await startTestBranch({ manualClock: START });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await b?.close();
  });

  it('keeps every action button clear of the waiting counts at 1366×768 with the customer panel', async () => {
    for (let i = 0; i < 3; i++) for (const s of ['A', 'B', 'C', 'D', 'E']) await b.api('POST', '/api/tickets', { body: { serviceCode: s } });
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await signInTeller(page, b, 'T06', '6');
    await page.click('[data-action=next]');
    await page.waitForSelector('[data-testid=customer-panel]');
    await page.click('[data-action=start]');
    await page.waitForSelector('[data-testid=ticket-number][data-status=serving]');

    const layout = await page.evaluate(() => {
      const box = (el: Element) => el.getBoundingClientRect();
      const waiting = document.querySelector('.waiting');
      const services = document.querySelectorAll('.waiting .svc').length;
      const top = waiting ? box(waiting).top : window.innerHeight;
      const buttons = [...document.querySelectorAll<HTMLElement>('.actions [data-action]')].map((el) => ({ action: el.dataset.action!, bottom: box(el).bottom, height: box(el).height }));
      return { services, top, buttons, innerHeight: window.innerHeight };
    });
    assert.equal(layout.services, 5, 'the five services of counter 6 are in the waiting counts');
    assert.equal(layout.buttons.length, 10, 'all ten actions are shown');
    const under = layout.buttons.filter((x) => x.bottom > layout.top || x.bottom > layout.innerHeight).map((x) => x.action);
    assert.deepEqual(under, [], 'buttons under the waiting counts or off screen');
    // Still a finger's size: at least 3.4rem (54 px).
    const small = layout.buttons.filter((x) => x.height < 54).map((x) => `${x.action} ${x.height.toFixed(0)} px`);
    assert.deepEqual(small, [], 'buttons too small to tap');
  }, 120_000);
});
