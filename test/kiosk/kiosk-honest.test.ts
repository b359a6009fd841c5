/**
 * The kiosk's start screen tells a customer the truth, in headless Chromium on a real service
 * (its clock set by the test, a branch with real opening hours): closed hours with the time it
 * opens, in Chinese and in English; no wait quoted for a service that no open counter serves;
 * the printer's paper-out warning before anyone taps; and in large-text mode every service fits
 * the screen without scrolling in portrait and landscape, with priority help visibly on or off.
 */
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { launchBrowser } from '../support/browser.js';
import { variantConfig } from '../api/support.js';
import { deviceState, waitUntil } from './support.js';

// Monday 3 March 2025 in Shanghai (UTC+8).
const local = (hhmm: string, day = '2025-03-03') => Date.parse(`${day}T${hhmm}:00+08:00`);

let b: TestBranch;
let browser: Browser;
let config: ReturnType<typeof variantConfig>;

beforeAll(async () => {
  config = variantConfig((c) => {
    const h = c.branch.hours as Record<string, unknown>;
    for (const d of ['mon', 'tue', 'wed', 'thu', 'fri']) h[d] = '08:30-12:00, 13:00-17:00';
    h.sat = '09:00-12:00';
    h.sun = 'closed';
  });
  b = await startTestBranch({ configPath: config.path, manualClock: local('10:00') });
  browser = await launchBrowser();
  await waitUntil(async () => (await deviceState(b, 'printer')) === 'online', 'printer online');
});

afterAll(async () => {
  await browser?.close();
  await b?.close();
  config?.remove();
});

async function openKiosk(viewport = { width: 1080, height: 1920 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(`${b.url}/kiosk`);
  await page.locator('[data-service="A"]').waitFor();
  return page;
}

test('outside opening hours: the closed state and when it opens, in Chinese and English; no tile can be tapped', async () => {
  b.setTime(local('12:30'));
  const page = await openKiosk();
  const closed = page.getByTestId('branch-closed');
  await closed.waitFor();
  assert.match((await closed.textContent())!, /本网点现在休息，暂停取号/);
  assert.equal((await page.getByTestId('opens-at').textContent())!.trim(), '今天 13:00 开始营业');
  assert.equal(await page.locator('.tile:not([disabled])').count(), 0);
  assert.match((await page.locator('[data-service="A"]').textContent())!, /休息中/);
  assert.doesNotMatch((await page.locator('[data-service="A"]').textContent())!, /分钟/);

  await page.getByTestId('lang-toggle').click();
  await page.getByText('The branch is closed now: no tickets').waitFor();
  assert.equal((await page.getByTestId('opens-at').textContent())!.trim(), 'Opens today at 13:00');
  assert.match((await page.locator('[data-service="A"]').textContent())!, /Closed now/);
  await page.close();

  // Friday evening: the next opening is Saturday morning; Saturday afternoon: Monday.
  b.setTime(local('18:00', '2025-03-07'));
  const friday = await openKiosk();
  await friday.getByTestId('opens-at').waitFor();
  assert.equal((await friday.getByTestId('opens-at').textContent())!.trim(), '明天 09:00 开始营业');
  await friday.close();
  b.setTime(local('12:30', '2025-03-08'));
  const saturday = await openKiosk();
  await saturday.getByTestId('opens-at').waitFor();
  assert.equal((await saturday.getByTestId('opens-at').textContent())!.trim(), '3月10日（一）08:30 开始营业');
  await saturday.close();

  // The API refuses too, with a code the page turns into words.
  const r = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
  assert.equal(r.status, 409);
  b.setTime(local('10:00'));
});

test('open, but no counter serves a service: it says so and quotes no wait; an open counter brings the estimate', async () => {
  b.setTime(local('10:00'));
  const page = await openKiosk();
  assert.equal(await page.getByTestId('branch-closed').count(), 0);
  const tile = page.locator('[data-service="C"]');
  assert.equal(await tile.getAttribute('data-served-now'), 'false');
  assert.match((await tile.textContent())!, /暂无窗口办理/);
  assert.doesNotMatch((await tile.textContent())!, /\d+–\d+/);
  await b.login('T05', '5'); // counter 5 serves C
  await page.waitForFunction(() => document.querySelector('[data-service="C"]')?.getAttribute('data-served-now') === 'true');
  assert.match((await tile.textContent())!, /\d+–\d+ 分钟|分钟/);
  await page.close();
});

test('printer out of paper: the start screen warns before anyone taps, and stops warning when the roll is changed', async () => {
  b.setTime(local('10:00'));
  const page = await openKiosk();
  assert.equal(await page.getByTestId('printer-warning').count(), 0);
  const fake = b.app.kiosk.printer.sim!.fake;
  fake.setPaperEnd(true);
  try {
    await page.getByTestId('printer-warning').waitFor();
    assert.match((await page.getByTestId('printer-warning').textContent())!, /打印机暂时无法出票/);
  } finally {
    fake.setPaperEnd(false);
  }
  await page.getByTestId('printer-warning').waitFor({ state: 'detached' });
  await page.close();
});

test('large text: every service fits the screen without scrolling at 1080×1920 and 1920×1080; priority help looks on when on', async () => {
  b.setTime(local('10:00'));
  for (const viewport of [{ width: 1080, height: 1920 }, { width: 1920, height: 1080 }]) {
    const page = await openKiosk(viewport);
    await page.getByTestId('large-toggle').click();
    await page.waitForFunction(() => document.documentElement.classList.contains('large'));
    const fit = await page.evaluate(() => {
      const tiles = [...document.querySelectorAll<HTMLElement>('[data-service]')];
      const outside = tiles
        .filter((t) => {
          const r = t.getBoundingClientRect();
          const name = t.querySelector('.tile-name')!.getBoundingClientRect();
          // The tile on screen, and its name inside the tile (not clipped away).
          return r.bottom > window.innerHeight || r.right > window.innerWidth || r.height < 60 || name.bottom > r.bottom || name.height < 10;
        })
        .map((t) => t.dataset.service);
      const el = document.scrollingElement!;
      return { count: tiles.length, outside, scrolls: el.scrollHeight > window.innerHeight || el.scrollWidth > window.innerWidth };
    });
    assert.equal(fit.count, 8, `${viewport.width}×${viewport.height}: all services shown`);
    assert.deepEqual(fit.outside, [], `${viewport.width}×${viewport.height}: tiles off screen or clipped`);
    assert.equal(fit.scrolls, false, `${viewport.width}×${viewport.height}: the page scrolls`);

    const help = page.getByTestId('priority-toggle');
    const look = () => help.evaluate((el) => `${getComputedStyle(el).backgroundColor} ${getComputedStyle(el).color}`);
    const off = await look();
    const offText = (await help.textContent())!;
    await help.click();
    assert.equal(await help.getAttribute('aria-pressed'), 'true');
    assert.notEqual(await look(), off, 'on looks different from off');
    const onText = (await help.textContent())!;
    assert.match(onText, /已开启/);
    assert.notEqual(onText, offText);
    await page.close();
  }
});
