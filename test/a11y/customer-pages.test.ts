/**
 * Accessibility of the pages customers see, checked with axe-core in headless Chromium against
 * a real service: the kiosk in Chinese, English and large-text mode, its ticket screen, the
 * mobile ticket page and the lobby display. No serious or critical violation is allowed, and
 * every control's accessible name contains its visible text (WCAG 2.5.3, "label in name"), so a
 * customer using voice control can say what they see.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { launchBrowser } from '../support/browser.js';
import { axe, blocking } from '../support/axe.js';

let b: TestBranch;
let browser: Browser;
beforeAll(async () => {
  b = await startTestBranch();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
  await b.close();
});

async function open(path: string, ready: (p: Page) => Promise<unknown>, viewport = { width: 1080, height: 1920 }): Promise<Page> {
  // The pages' CSP allows only their own scripts; the checker is injected past it, for the test only.
  const context = await browser.newContext({ viewport, bypassCSP: true, reducedMotion: 'reduce' });
  const page = await context.newPage();
  await page.goto(`${b.url}${path}`);
  await ready(page);
  return page;
}

const services = (p: Page) => p.getByRole('button', { name: /现金业务|Cash/ }).waitFor();

test('kiosk start screen in Chinese', async () => {
  const page = await open('/kiosk', services);
  expect(blocking(await axe(page))).toEqual([]);
  await page.context().close();
});

test('kiosk start screen in English', async () => {
  const page = await open('/kiosk?lang=en', services);
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  expect(blocking(await axe(page))).toEqual([]);
  await page.context().close();
});

test('kiosk in large-text mode, with priority help chosen', async () => {
  const page = await open('/kiosk?large=1', services);
  await page.getByRole('button', { name: /爱心通道/ }).click();
  await page.getByRole('status').filter({ hasText: '爱心通道' }).waitFor();
  expect(blocking(await axe(page))).toEqual([]);
  await page.context().close();
});

test('the kiosk’s buttons are named by their visible text', async () => {
  const page = await open('/kiosk', services);
  for (const lang of ['zh', 'en']) {
    const mismatches = await page.evaluate(() =>
      [...document.querySelectorAll('button')]
        .filter((btn) => btn.getAttribute('aria-label') !== null)
        .map((btn) => ({ label: btn.getAttribute('aria-label')!, text: (btn.textContent ?? '').trim() }))
        .filter((x) => !x.label.toLowerCase().includes(x.text.toLowerCase())),
    );
    expect(mismatches, lang).toEqual([]);
    await page.getByRole('button', { name: /English|中文/ }).click();
  }
  // Named by what they show, in both languages.
  await page.getByRole('button', { name: '大字模式' }).waitFor();
  await page.context().close();
});

test('kiosk ticket screen', async () => {
  const page = await open('/kiosk', services);
  await page.getByRole('button', { name: /现金业务/ }).click();
  await page.getByTestId('ticket-number').waitFor();
  expect(blocking(await axe(page))).toEqual([]);
  await page.context().close();
});

test('mobile ticket page', async () => {
  const t = await b.api('POST', '/api/tickets', { body: { serviceCode: 'B' } });
  expect(t.status).toBe(201);
  const page = await open(`/t/${t.body.id}`, (p) => p.getByText(t.body.number).first().waitFor(), { width: 390, height: 844 });
  expect(blocking(await axe(page))).toEqual([]);
  await page.context().close();
});

test('lobby display, after a call', async () => {
  const token = await b.login('T01', '1');
  expect((await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } })).status).toBe(201);
  const page = await open('/display?voice=off', (p) => p.getByTestId('waiting').waitFor(), { width: 1920, height: 1080 });
  const call = await b.api('POST', '/api/counters/1/next', { token });
  expect(call.status).toBe(200);
  await page.getByTestId('current-number').filter({ hasText: call.body.ticket.number }).waitFor();
  expect(blocking(await axe(page))).toEqual([]);
  await page.context().close();
});
