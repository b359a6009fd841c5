/**
 * The complaint book and the phone's opinion form in headless Chromium on a real branch service:
 * a customer leaves a complaint with a contact (consent ticked) on the ticket page after the
 * service and gets a reference; the lobby manager finds it in the book, records another from the
 * lobby against a ticket number and assigns it; its owner starts it, resolves it saying the
 * customer was told, and closes it; a teller who does not own it sees only what they own or recorded.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { openPage, signInOnPage } from '../support/staff-pages.js';

describe('complaint pages', () => {
  let b: TestBranch;
  let browser: Browser;
  let teller: string;
  const errors: string[] = [];

  const page = (width: number, height: number) => openPage(browser, { width, height }, errors);
  const signIn = async (p: Page, staffId: string) => {
    await signInOnPage(p, b, '/complaints', staffId);
    await p.waitForSelector('main.complaints');
  };
  const serve = async () => {
    const t = (await b.api('POST', '/api/tickets', { body: { serviceCode: 'B' } })).body;
    assert.equal((await b.api('POST', '/api/counters/3/next', { token: teller })).status, 200);
    assert.equal((await b.api('POST', '/api/counters/3/complete', { token: teller })).status, 200);
    return t as { id: string; number: string };
  };

  beforeAll(async () => {
    b = await startTestBranch();
    browser = await launchBrowser();
    teller = await b.login('T03', '3');
  });
  afterAll(async () => {
    await browser?.close();
    await b?.close();
  });

  it('the customer leaves a complaint on the phone after the service and gets a reference', async () => {
    const t = await serve();
    const phone = await page(390, 844);
    await phone.goto(`${b.url}/t/${t.id}`);
    await phone.click('[data-testid=open-opinion]');
    await phone.waitForSelector('[data-testid=opinion-form] select[name=category] option[value=wait]', { state: 'attached' });
    await phone.selectOption('select[name=category]', 'wait');
    await phone.fill('textarea[name=description]', '排队太久，没有人引导');
    await phone.fill('input[name=contact]', '13912345678');
    await phone.click('[data-testid=opinion-form] button[type=submit]');
    await phone.waitForSelector('[data-testid=opinion-form] [role=alert]');
    assert.match((await phone.textContent('[data-testid=opinion-form] [role=alert]')) ?? '', /contact/i, 'a contact without consent is refused');
    await phone.check('input[name=contactConsent]');
    await phone.click('[data-testid=opinion-form] button[type=submit]');
    await phone.waitForSelector('[data-testid=opinion-ref]');
    assert.match((await phone.textContent('[data-testid=opinion-ref]')) ?? '', /^TS-\d{8}-001$/);
    await phone.close();
  });

  it('the lobby manager records one from the lobby and takes it to closure; the owner resolves and closes it; a teller sees only their own', async () => {
    const t = await serve();
    const p = await page(1366, 900);
    await signIn(p, 'L01');
    await p.waitForSelector('tr[data-ref$="-001"]');
    await p.selectOption('form.record select[name=category]', 'attitude');
    await p.fill('form.record input[name=ticketNumber]', t.number);
    await p.fill('form.record textarea[name=description]', '柜员没有解释清楚');
    await p.click('form.record button[type=submit]');
    await p.waitForSelector('[data-testid=detail][data-status=open]');
    const ref = (await p.textContent('[data-testid=detail] h2'))!.split(' ')[0]!;
    assert.match(ref, /-002$/);
    assert.equal(await p.textContent('[data-testid=owner]'), 'L01');
    assert.match((await p.textContent('[data-testid=detail] dl')) ?? '', new RegExp(`${t.number} · T03`), 'the serving teller is named');

    await p.fill('[data-testid=detail] input[name=ownerId]', 'T05');
    await p.click('[data-action=assign]');
    await p.waitForFunction(() => document.querySelector('[data-testid=owner]')?.textContent === 'T05');
    await p.fill('[data-testid=detail] input[name=ownerId]', 'T03');
    await p.click('[data-action=assign]');
    await p.waitForSelector('[data-testid=detail] [role=alert]');
    assert.match((await p.textContent('[data-testid=detail] [role=alert]')) ?? '', /cannot own it/);

    // The owner works it from their own screen.
    const o = await page(1366, 900);
    await signIn(o, 'T05');
    await o.click(`tr[data-ref="${ref}"]`);
    await o.click('[data-action=start]');
    await o.waitForSelector('[data-testid=detail][data-status=in_progress]');
    await o.fill('input[name=resolution]', '主管已当面致歉并重新解释');
    await o.selectOption('select[name=informedHow]', 'in_person');
    await o.click('[data-action=resolve]');
    await o.waitForSelector('[data-testid=resolution]');
    assert.match((await o.textContent('[data-testid=resolution]')) ?? '', /customer told \(in_person\)/);
    await o.click('[data-action=close]');
    await o.waitForSelector('[data-testid=detail][data-status=closed]');
    assert.match((await o.textContent('.history')) ?? '', /closed T05/);
    await o.close();

    const sup = await b.login('S01');
    const saved = (await b.api('GET', '/api/complaints', { token: sup })).body.find((c: { ref: string }) => c.ref === ref);
    assert.deepEqual([saved.status, saved.staffId, saved.ownerId, saved.resolution.customerInformed, saved.resolution.informedHow], ['closed', 'T03', 'T05', true, 'in_person']);

    const t7 = await page(1366, 900);
    await signIn(t7, 'T07');
    await t7.waitForSelector('text=没有记录');
    assert.equal(await t7.locator('table.list tbody tr').count(), 0, 'a teller sees none they do not own or record');
    await t7.close();
    await p.close();
    assert.deepEqual(errors, [], 'no page errors');
  });
});
