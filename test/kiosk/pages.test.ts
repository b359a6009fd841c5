/** The mobile ticket page and the device lab in headless Chromium. */
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { launchBrowser } from '../support/browser.js';
import { deviceState, waitUntil } from './support.js';

let b: TestBranch;
let browser: Browser;

beforeAll(async () => {
  b = await startTestBranch();
  browser = await launchBrowser();
  await waitUntil(async () => (await deviceState(b, 'printer')) === 'online', 'printer online');
});

afterAll(async () => {
  await browser.close();
  await b.close();
});

test('mobile ticket page: position, "you are next", then "please go to counter N"; no personal data', async () => {
  // Counter 7 (service G) is open, so the page quotes a wait range.
  const teller = await b.login('T07', '7');
  assert.equal((await b.api('POST', '/api/counters/7/open', { token: teller })).status, 200);
  assert.equal((await b.api('POST', '/api/tickets', { body: { serviceCode: 'G' } })).status, 201);
  const mine = (await b.api('POST', '/api/tickets', { body: { serviceCode: 'G', segment: 'priority' } })).body;
  const later = (await b.api('POST', '/api/tickets', { body: { serviceCode: 'G' } })).body;
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${b.url}/t/${later.id}`);
  await page.getByTestId('number').filter({ hasText: later.number }).waitFor();
  await page.getByTestId('ahead').filter({ hasText: '2' }).waitFor();
  await page.getByTestId('range').waitFor();
  await page.goto(`${b.url}/t/${mine.id}`);
  await page.getByTestId('state').filter({ hasText: '下一位就是您' }).waitFor();
  assert.ok(!(await page.content()).includes('priority'), 'segment not shown');
  const called = await b.api('POST', '/api/counters/7/next', { token: teller });
  assert.equal(called.body.ticket.id, mine.id);
  await page.getByTestId('state').filter({ hasText: '请到' }).waitFor();
  assert.match((await page.getByTestId('state').textContent())!, /7/);
  await page.goto(`${b.url}/t/no-such-ticket`);
  await page.getByRole('alert').filter({ hasText: 'No such ticket' }).waitFor();
  await page.close();
});

test('device lab: the printed ticket as paper, and printer fault buttons change the printer state', async () => {
  const issued = (await b.api('POST', '/api/tickets', { body: { serviceCode: 'H', print: true } })).body;
  assert.equal(issued.print.status, 'printed');
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${b.url}/lab`);
  await page.getByTestId('printed-tickets').getByText(issued.number, { exact: true }).first().waitFor();
  // Other panels have cable buttons too: act within the printer's panel.
  const panel = page.locator('[data-panel="printer"]');
  await panel.getByRole('button', { name: /Paper end/ }).click();
  await page.getByTestId('printer-state').filter({ hasText: 'paper_end' }).waitFor();
  await waitUntil(async () => (await deviceState(b, 'printer')) === 'paper_end', 'paper_end on /api/devices');
  await panel.getByRole('button', { name: /Back to normal/ }).click();
  await page.getByTestId('printer-state').filter({ hasText: 'online' }).waitFor();
  await panel.getByRole('button', { name: /Unplug/ }).click();
  await page.getByTestId('printer-state').filter({ hasText: 'offline' }).waitFor();
  await panel.getByRole('button', { name: /Plug in/ }).click();
  await page.getByTestId('printer-state').filter({ hasText: 'online' }).waitFor({ timeout: 10_000 });
  await page.close();
});
