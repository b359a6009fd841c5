/**
 * The customer's phone page (/t/:id, from the ticket's QR code) in headless Chromium on a real
 * service: opened on a ticket that a teller then transfers, it follows the new ticket, says
 * clearly what the new number is, and sends the customer to the counter that calls it. The
 * teller who transferred may print the new ticket at the kiosk for the customer.
 */
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { launchBrowser } from '../support/browser.js';

let b: TestBranch;
let browser: Browser;

beforeAll(async () => {
  b = await startTestBranch();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await b?.close();
});

test('opened on a ticket, the phone page follows it through a transfer to the counter that calls the new number', async () => {
  const issued = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
  assert.equal(issued.status, 201);
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
  await phone.goto(`${b.url}/t/${issued.body.id}`);
  await phone.getByTestId('number').waitFor();
  assert.match((await phone.getByTestId('number').textContent())!, new RegExp(issued.body.number));

  const t01 = await b.login('T01', '1');
  assert.equal((await b.api('POST', '/api/counters/1/next', { token: t01 })).body.ticket.id, issued.body.id);
  await phone.waitForFunction(() => /1号窗口/.test(document.querySelector('[data-testid=state]')?.textContent ?? ''));
  assert.equal((await b.api('POST', '/api/counters/1/start', { token: t01 })).status, 200);
  const moved = await b.api('POST', '/api/counters/1/transfer', { token: t01, body: { serviceCode: 'E' } });
  assert.equal(moved.status, 200);
  const fresh = moved.body.ticket as { id: string; number: string };
  assert.match(fresh.number, /^E\d{3}$/);

  // The new number, said plainly, in both languages; the page now asks about the new ticket.
  const banner = phone.getByTestId('moved');
  await banner.waitFor();
  const text = (await banner.textContent())!;
  assert.match(text, new RegExp(`您的号码已改为 ${fresh.number}（原号码 ${issued.body.number}）`));
  assert.match(text, new RegExp(`Your number is now ${fresh.number} \\(it was ${issued.body.number}\\)`));
  await phone.waitForFunction((n) => document.querySelector('[data-testid=number]')?.textContent?.includes(n), fresh.number);
  await phone.waitForURL(`**/t/${fresh.id}`);

  // The teller who transferred prints the new ticket for the customer.
  const print = await b.api('POST', `/api/tickets/${fresh.id}/print`, { token: t01 });
  assert.equal(print.status, 200, JSON.stringify(print.body));
  // Another teller may not print it.
  const t02 = await b.login('T02', '2');
  assert.equal((await b.api('POST', `/api/tickets/${fresh.id}/print`, { token: t02 })).status, 403);

  // Counter 4 (transfers are its primary service) calls the new number: the page sends the customer there.
  const t04 = await b.login('T04', '4');
  assert.equal((await b.api('POST', '/api/counters/4/next', { token: t04 })).body.ticket.id, fresh.id);
  await phone.waitForFunction(() => /4号窗口/.test(document.querySelector('[data-testid=state]')?.textContent ?? ''));
  assert.match((await phone.getByTestId('state').textContent())!, /Counter 4/);
  assert.doesNotMatch((await phone.locator('main').textContent())!, /已转至|Moved to/);
  await phone.close();
});
