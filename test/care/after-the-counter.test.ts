/**
 * After the counter, end to end in headless Chromium on the demo branch (the bank's rules 一(五),
 * 一(六) and 二): a loan customer swipes their card at the kiosk; the teller calls them, records
 * on the console's customer panel that they agree to keep a file and to a follow-up call, serves
 * and completes; the customer rates the service on the counter's tablet and the console shows
 * it; the lobby manager records the customer's complaint about the service on the complaint book
 * and takes it to closure; the follow-up for the consenting loan customer is on the teller's list;
 * the supervisor sees the service, the rating and the complaint on the performance page, and the
 * figures there are those of the event log.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { signInTeller } from '../calling/support.js';
import { openPage, signInOnPage } from '../support/staff-pages.js';

// A Tuesday, 10:00 in Shanghai: counter 6 (VIP: wealth and loans first) is open.
const START = Date.UTC(2026, 4, 12, 2, 0);

describe('after the counter: rating, complaint, follow-up, performance', () => {
  let b: TestBranch;
  let browser: Browser;
  const errors: string[] = [];

  const page = (width: number, height: number) => openPage(browser, { width, height }, errors);
  const signIn = (p: Page, path: string, staffId: string) => signInOnPage(p, b, path, staffId);

  beforeAll(async () => {
    b = await startTestBranch({ manualClock: START });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await b?.close();
  });

  it('walks the issue’s “done when” on the pages staff and customers use', async () => {
    // The supervisor binds the tablet at counter 6.
    const tablet = await page(1024, 768);
    await tablet.goto(`${b.url}/evaluator`);
    await tablet.selectOption('select[name=counter]', '6');
    await tablet.fill('input[name=staffId]', 'S01');
    await tablet.fill('input[name=pin]', b.credentials.find((x) => x.staffId === 'S01')!.pin);
    await tablet.click('button[type=submit]');
    await tablet.waitForSelector('[data-testid=idle]');

    // The loan customer swipes their card at the kiosk and takes a ticket.
    const identity = await b.api('POST', '/api/kiosk/identity', { body: { pan: '4111111111111111' } });
    assert.equal(identity.status, 200, JSON.stringify(identity.body));
    const ticket = (await b.api('POST', '/api/tickets', { body: { serviceCode: 'D', identityToken: identity.body.identityToken } })).body as { id: string; number: string };

    // The teller calls them; the customer agrees to a file and a follow-up call, on a signed form.
    const console6 = await page(1366, 768);
    await signInTeller(console6, b, 'T06', '6');
    await console6.click('[data-action=next]');
    await console6.waitForFunction((n) => document.querySelector('[data-testid=ticket-number]')?.textContent === n, ticket.number);
    await console6.waitForSelector('[data-testid=customer-panel][data-state=none]');
    await console6.check('[data-testid=consent-form] input[name=history]');
    await console6.check('[data-testid=consent-form] input[name=followUp]');
    await console6.selectOption('[data-testid=consent-form] select[name=how]', 'paper_form');
    await console6.fill('[data-testid=consent-form] input[name=phone]', '138 0013 8000');
    await console6.click('[data-testid=consent-form] button[type=submit]');
    await console6.waitForSelector('[data-testid=customer-panel][data-state=history]');
    await console6.click('[data-action=start]');
    await console6.waitForSelector('[data-testid=ticket-number][data-status=serving]');
    b.advance(12 * 60_000);
    await console6.click('[data-action=complete]');
    await console6.waitForFunction((n) => document.querySelector('[data-testid=rating-status]')?.textContent?.includes(`${n} 等待客户评价`), ticket.number);

    // The customer rates on the tablet; the console shows what came.
    await tablet.waitForSelector('[data-testid=ask]');
    assert.equal(await tablet.textContent('[data-testid=ask] .number'), ticket.number);
    await tablet.click('.level[data-level="4"]');
    await tablet.waitForSelector('[data-testid=thanks]');
    await console6.waitForFunction(() => document.querySelector('[data-testid=rating-status]')?.textContent?.includes('4/5'));

    // The customer then complains about how the loan terms were explained; the lobby manager records it and closes it.
    b.advance(5 * 60_000);
    const book = await page(1366, 900);
    await signIn(book, '/complaints', 'L01');
    await book.waitForSelector('main.complaints');
    await book.selectOption('form.record select[name=category]', 'attitude');
    await book.selectOption('form.record select[name=channel]', 'lobby');
    await book.fill('form.record input[name=ticketNumber]', ticket.number);
    await book.fill('form.record textarea[name=description]', '贷款条款解释得太快，没听明白');
    await book.click('form.record button[type=submit]');
    await book.waitForSelector('[data-testid=detail][data-status=open]');
    assert.match((await book.textContent('[data-testid=detail] dl')) ?? '', new RegExp(`${ticket.number} · T06`), 'the complaint names the teller who served');
    await book.click('[data-action=start]');
    await book.waitForSelector('[data-testid=detail][data-status=in_progress]');
    await book.fill('input[name=resolution]', '主管重新讲解了还款计划，客户表示理解');
    await book.selectOption('select[name=informedHow]', 'in_person');
    await book.click('[data-action=resolve]');
    await book.waitForSelector('[data-testid=detail][data-status=resolved]');
    await book.click('[data-action=close]');
    await book.waitForSelector('[data-testid=detail][data-status=closed]');

    // The follow-up for the consenting loan customer is on the teller's list (reached from the console).
    await console6.click('[data-testid=followups-link]');
    await console6.waitForSelector('main.followups[data-ready="1"]');
    await console6.selectOption('select[name=show]', 'all');
    const task = console6.locator('article.task');
    assert.equal(await task.count(), 1);
    assert.match((await task.textContent()) ?? '', /•••• 1111/);
    assert.match((await task.textContent()) ?? '', new RegExp(`个人贷款 · Personal loans · ${ticket.number}`));
    assert.equal(await task.locator('[data-testid=phone]').textContent(), '138 0013 8000');

    // The supervisor sees all of it on the performance page, as the event log has it.
    const perf = await page(1366, 900);
    await signIn(perf, '/performance', 'S01');
    const row = perf.locator('table.perf tr[data-staff=T06]');
    await row.waitFor();
    assert.equal(await row.locator('[data-col=served]').textContent(), '1');
    assert.equal(await row.locator('[data-col=ratings]').textContent(), '1');
    assert.equal(await row.locator('[data-col=score]').textContent(), '4.00');
    assert.equal(await row.locator('[data-col=complaints]').textContent(), '1');
    assert.equal(await row.locator('[data-col=meanServiceMinutes]').textContent(), '12.00');

    const sup = await b.login('S01');
    const log = (await b.api('GET', '/api/events?after=0&limit=1000', { token: sup })).body as { type: string; data: any }[];
    const of = (type: string) => log.filter((e) => e.type === type).map((e) => e.data);
    assert.deepEqual(
      of('feedback.rated').map((d) => [d.rating.ticketId, d.rating.staffId, d.rating.channel, d.rating.score]),
      [[ticket.id, 'T06', 'tablet', 4]],
    );
    assert.deepEqual(of('complaint.recorded').map((d) => [d.complaint.ticketId, d.complaint.staffId, d.by]), [[ticket.id, 'T06', 'L01']]);
    assert.equal(of('complaint.closed').length, 1);
    assert.deepEqual(of('followup.created').map((d) => [d.followUp.ticketId, d.followUp.ownerId, d.followUp.serviceCode]), [[ticket.id, 'T06', 'D']]);
    assert.equal(JSON.stringify(log).includes('4111111111111111'), false, 'the card number is in no event');
    assert.deepEqual(errors, [], 'no page errors');
  });
});
