/**
 * The back office page (/office) in headless Chromium on a real branch service, as a supervisor
 * uses it on day one: find a missed ticket and put the customer back in the queue, create a
 * teller who can then sign in at the teller console, and change the branch notice in the
 * settings form, which the kiosk already open in the lobby shows without a restart or a reload;
 * add a service and a counter in the form's list editors, and remove the counter again.
 */
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { launchBrowser } from '../support/browser.js';

let b: TestBranch;
let browser: Browser;
let office: Page;

const pinOf = (id: string) => b.credentials.find((c) => c.staffId === id)!.pin;

beforeAll(async () => {
  b = await startTestBranch();
  browser = await launchBrowser();
  office = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  const errors: string[] = [];
  office.on('pageerror', (e) => errors.push(e.message));
  await office.goto(`${b.url}/office`);
  await office.fill('input[name=staffId]', 'S01');
  await office.fill('input[name=pin]', pinOf('S01'));
  await office.click('button[type=submit]');
  await office.waitForSelector('.office[data-ready="1"]');
  assert.deepEqual(errors, []);
});

afterAll(async () => {
  await browser?.close();
  await b?.close();
});

test('finds a missed ticket by number and puts the customer back in the queue', async () => {
  const issued = await b.api('POST', '/api/tickets', { body: { serviceCode: 'C' } });
  assert.equal(issued.status, 201);
  const number = issued.body.number as string;
  const t05 = await b.login('T05', '5');
  assert.equal((await b.api('POST', '/api/counters/5/next', { token: t05 })).body.ticket.number, number);
  assert.equal((await b.api('POST', '/api/counters/5/no-show', { token: t05 })).status, 200);

  await office.click('[data-tab=tickets]');
  await office.fill('input[name=number]', number.toLowerCase());
  await office.click('form[aria-label="find a ticket"] button[type=submit]');
  const status = office.getByTestId('ticket-status');
  await status.waitFor();
  assert.match((await status.textContent())!, /过号/);
  assert.match((await status.textContent())!, /no-show/i);
  assert.match((await office.getByTestId('ticket-teller').textContent())!, /T05/);

  await office.click('[data-action=rejoin]');
  await office.getByTestId('ticket-note').waitFor();
  await office.waitForFunction(() => /等候中/.test(document.querySelector('[data-testid=ticket-status]')?.textContent ?? ''));
  const view = (await b.api('GET', `/api/tickets/${issued.body.id}`)).body;
  assert.equal(view.status, 'waiting');
});

test('creates a teller with a counter, who then signs in at the teller console', async () => {
  await office.click('[data-tab=staff]');
  const form = office.locator('form[aria-label="new staff account"]');
  await form.waitFor();
  await form.locator('input[name=newId]').fill('T42');
  await form.locator('input[name=newName]').fill('王小明');
  await form.locator('input[name=newRoles][value=teller]').check();
  await form.locator('input[name=newCounters][value="2"]').check();
  await form.locator('input[name=newPin]').fill('482916');
  await form.locator('input[name=newPin2]').fill('482916');
  await form.locator('button[type=submit]').click();
  await office.getByTestId('staff-note').waitFor();
  await office.locator('tr', { hasText: 'T42' }).waitFor();

  const teller = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await teller.goto(`${b.url}/teller`);
  await teller.fill('input[name=staffId]', 'T42');
  await teller.fill('input[name=pin]', '482916');
  await teller.click('button[type=submit]');
  // Only the counter assigned in the back office is offered.
  await teller.waitForSelector('[data-counter="2"]');
  assert.equal(await teller.locator('[data-counter]').count(), 1);
  await teller.click('[data-counter="2"]');
  await teller.waitForSelector('[data-action=next]:not([disabled])');
  await teller.close();

  const events = (await b.api('GET', '/api/events?after=0&limit=1000', { token: await b.login('S01') })).body as { type: string; data: any }[];
  const created = events.find((e) => e.type === 'staff.changed' && e.data.staffId === 'T42');
  assert.ok(created, 'staff.changed recorded');
  assert.equal(created.data.action, 'created');
  assert.equal(created.data.by, 'S01');
  assert.ok(!JSON.stringify(created).includes('482916'), 'the PIN is never in an event');
});

test('a notice saved in the settings form shows on the kiosk already open, without a restart', async () => {
  const kiosk = await (await browser.newContext({ viewport: { width: 1080, height: 1920 } })).newPage();
  await kiosk.goto(`${b.url}/kiosk`);
  await kiosk.getByRole('button', { name: /现金业务/ }).waitFor();
  assert.equal(await kiosk.getByTestId('kiosk-notice').count(), 0);

  await office.click('[data-tab=config]');
  const notice = office.locator('textarea[name=notice]');
  await notice.waitFor();
  await notice.fill('今日外汇业务暂停 · Foreign exchange is closed today');
  await office.click('[data-action=save-config]');
  const result = office.getByTestId('config-result');
  await result.waitFor();
  assert.match((await result.textContent())!, /lobby\.notice/);

  await kiosk.getByTestId('kiosk-notice').waitFor();
  assert.match((await kiosk.getByTestId('kiosk-notice').textContent())!, /外汇业务暂停/);
  await kiosk.close();

  const events = (await b.api('GET', '/api/events?after=0&limit=1000', { token: await b.login('S01') })).body as { type: string; data: any }[];
  const applied = events.filter((e) => e.type === 'config.applied').at(-1)!;
  assert.equal(applied.data.staffId, 'S01');
  assert.ok((applied.data.changes as string[]).some((c) => c.startsWith('lobby.notice')), JSON.stringify(applied.data.changes));
});

test('services and counters: a row added in the form is saved and applied, and a removed row is gone', async () => {
  await office.click('[data-tab=config]');
  await office.locator('[data-action=add-service]').waitFor();
  const services = await office.locator('tr[data-service-row]').count();
  await office.click('[data-action=add-service]');
  const row = office.locator('tr[data-service-row]').nth(services);
  await row.locator('input[name=code]').fill('j');
  await row.locator('input[name=prefix]').fill('j');
  await row.locator('input[name=nameZh]').fill('养老金');
  await row.locator('input[name=nameEn]').fill('Pensions');
  // The new row is keyed by what was typed: its code shows in the row's attribute.
  assert.equal(await row.getAttribute('data-service-row'), 'J');

  await office.click('[data-action=add-counter]');
  const counter = office.locator('tr[data-counter-row]').last();
  await counter.locator('input[name=counterId]').fill('9');
  await counter.locator('input[name=counterZh]').fill('9号窗口');
  await counter.locator('input[name=counterEn]').fill('Counter 9');
  await counter.locator('input[name=primary-J]').check();
  await office.click('[data-action=save-config]');
  await office.getByTestId('config-result').waitFor();
  const saved = (await b.api('GET', '/api/office/config', { token: await b.login('S01') })).body.config;
  assert.deepEqual(saved.services.find((s: { code: string }) => s.code === 'J')?.name, { zh: '养老金', en: 'Pensions' });
  assert.deepEqual(saved.counters.find((c: { id: string }) => c.id === '9')?.primary, ['J']);

  await office.locator('tr[data-counter-row="9"]').waitFor();
  await office.getByRole('button', { name: 'remove counter 9' }).click();
  assert.equal(await office.locator('tr[data-counter-row="9"]').count(), 0);
  await office.click('[data-action=save-config]');
  await office.waitForFunction(() => /counters/.test(document.querySelector('[data-testid=config-result]')?.textContent ?? ''));
  const after = (await b.api('GET', '/api/office/config', { token: await b.login('S01') })).body.config;
  assert.equal(after.counters.some((c: { id: string }) => c.id === '9'), false);
  assert.equal(after.services.some((s: { code: string }) => s.code === 'J'), true);
});
