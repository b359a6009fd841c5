/**
 * The teller's customer panel and the follow-up list in headless Chromium on a real branch
 * service (the bank's rule 一(六)), customers swiping their cards at the kiosk. An anonymous
 * ticket says it has no file; a card with no file shows nothing personal; the teller records the
 * customer's consent from the panel (how it was given, the phone for follow-up calls), then a
 * note and how to address them; on the next visit the panel shows the file: masked card, visits, the note. A customer with
 * only follow-up consent shows no history and takes no note. After the loan, the follow-up shows
 * as upcoming, then due a week later on the teller's list, with the phone; the outcome recorded
 * there ends it. Do-not-contact set from the panel takes a task off the list. Both pages pass axe.
 * The staff PCs' clocks run in New York's zone: every time on the pages is still the branch's.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { axe, blocking } from '../support/axe.js';
import { launchBrowser } from '../support/browser.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { signInTeller } from '../calling/support.js';
import { openPage, signInOnPage } from '../support/staff-pages.js';

// A Tuesday, 10:00 in Shanghai: counter 6 (VIP: wealth and loans first) is open.
const START = Date.UTC(2026, 4, 12, 2, 0);
const DAY = 86_400_000;
const CARD_A = '4111111111111111';
const CARD_B = '5555555555554444';

describe('customer panel and follow-up list', () => {
  let b: TestBranch;
  let browser: Browser;
  let console6: Page;
  let sup: string;
  const errors: string[] = [];

  // bypassCSP only so that axe can be injected; the pages run as served. The browser's zone is
  // not the branch's (Shanghai), as on a PC imaged elsewhere: pages must show the branch's clock.
  const page = (width: number, height: number) => openPage(browser, { width, height }, errors, { bypassCSP: true, timezoneId: 'America/New_York' });
  const inBranch = (iso: string) =>
    new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
  const take = async (serviceCode: string, pan?: string) => {
    const identityToken = pan ? (await b.api('POST', '/api/kiosk/identity', { body: { pan } })).body.identityToken : undefined;
    const t = await b.api('POST', '/api/tickets', { body: { serviceCode, ...(identityToken ? { identityToken } : {}) } });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    return t.body as { id: string; number: string };
  };
  const callNext = async (t: { number: string }) => {
    await console6.click('[data-action=next]');
    await console6.waitForFunction((n) => document.querySelector('[data-testid=ticket-number]')?.textContent === n, t.number);
    await console6.waitForSelector('[data-testid=customer-panel]');
  };
  const complete = async () => {
    b.advance(300_000);
    await console6.click('[data-action=complete]');
    await console6.waitForSelector('[data-testid=customer-panel]', { state: 'detached' });
  };
  const panelState = () => console6.getAttribute('[data-testid=customer-panel]', 'data-state');
  const events = async (type: string) =>
    ((await b.api('GET', '/api/events?after=0&limit=1000', { token: sup })).body as { type: string; data: any }[]).filter((e) => e.type === type).map((e) => e.data);

  beforeAll(async () => {
    b = await startTestBranch({ manualClock: START });
    browser = await launchBrowser();
    sup = await b.login('S01');
    console6 = await page(1366, 768);
    await signInTeller(console6, b, 'T06', '6');
  });
  afterAll(async () => {
    await browser?.close();
    await b?.close();
  });

  it('an anonymous ticket: the panel says there is no customer file', async () => {
    const t = await take('D');
    await callNext(t);
    assert.equal(await panelState(), 'anonymous');
    assert.match((await console6.textContent('[data-testid=customer-note]')) ?? '', /匿名取号.*Anonymous ticket: no customer file/s);
    assert.equal(await console6.locator('[data-testid=consent-form]').count(), 0, 'no consent without a card read');
    await complete();
  });

  it('a card with no file shows nothing personal; the teller records consent from the panel, then a note', async () => {
    const t = await take('D', CARD_A);
    await callNext(t);
    assert.equal(await panelState(), 'none');
    assert.match((await console6.textContent('[data-testid=customer-note]')) ?? '', /No customer file yet/);
    assert.equal(await console6.locator('[data-testid=customer-history]').count(), 0);
    assert.equal(await console6.locator('input[name=note]').count(), 0, 'no note without consent');
    assert.equal(await console6.locator('[data-testid=customer-panel]').textContent().then((x) => x?.includes('1111')), false, 'not even the masked card');

    await console6.check('[data-testid=consent-form] input[name=history]');
    await console6.check('[data-testid=consent-form] input[name=followUp]');
    await console6.selectOption('[data-testid=consent-form] select[name=how]', 'paper_form');
    await console6.click('[data-testid=consent-form] button[type=submit]');
    await console6.waitForSelector('[data-testid=consent-form] [role=alert]');
    assert.match((await console6.textContent('[data-testid=consent-form] [role=alert]')) ?? '', /电话号码.*phone number/s, 'follow-up calls need the phone');
    await console6.fill('[data-testid=consent-form] input[name=phone]', '138 0013 8000');
    await console6.click('[data-testid=consent-form] button[type=submit]');
    await console6.waitForSelector('[data-testid=customer-panel][data-state=history]');
    assert.match((await console6.textContent('[data-testid=customer-saved]')) ?? '', /Consent recorded/);
    assert.equal(await console6.textContent('[data-testid=masked-tail]'), '•••• 1111');
    assert.match((await console6.textContent('[data-consent=followUp]')) ?? '', /given .*Signed form, T06/);
    assert.equal(await console6.isChecked('[data-testid=consent-form] input[name=marketing]'), false);
    assert.match((await console6.textContent('[data-testid=may-market]')) ?? '', /do not offer/, 'no product information without marketing consent');

    await console6.fill('input[name=note]', '关注贷款提前还款');
    await console6.click('form.note button[type=submit]');
    await console6.waitForFunction(() => document.querySelector('[data-testid=notes]')?.textContent?.includes('关注贷款提前还款'));
    assert.match((await console6.textContent('[data-testid=notes]')) ?? '', /T06/);

    await console6.click('details.preferences summary');
    await console6.fill('[data-testid=preferences-form] input[name=addressAs]', '王先生');
    await console6.selectOption('[data-testid=preferences-form] select[name=contactTime]', 'morning');
    await console6.check('[data-testid=preferences-form] input[name=need-large_print]');
    await console6.click('[data-testid=preferences-form] button[type=submit]');
    await console6.waitForFunction(() => document.querySelector('[data-testid=address-as]')?.textContent === '王先生');
    assert.match((await console6.textContent('[data-testid=customer-history] dl')) ?? '', /大字 · large print.*上午 · mornings/s);

    const file = (await events('customer.consent_recorded')).map((d) => [d.consent, d.granted, d.how, d.by]);
    assert.deepEqual(file, [
      ['history', true, 'paper_form', 'T06'],
      ['followUp', true, 'paper_form', 'T06'],
    ]);
    assert.equal((await events('customer.note_added')).length, 1);
    await complete();
  });

  it('on the next visit the teller sees the file: masked card, visits and the note, and adds another', async () => {
    const t = await take('B', CARD_A);
    await callNext(t);
    assert.equal(await panelState(), 'history');
    assert.equal(await console6.textContent('[data-testid=visit-count]'), '1');
    assert.equal(await console6.textContent('[data-testid=address-as]'), '王先生', 'how to address the customer, as recorded last time');
    assert.match((await console6.textContent('.visits')) ?? '', /D\d{3} 个人贷款 · Personal loans/);
    assert.match((await console6.textContent('[data-testid=notes]')) ?? '', /关注贷款提前还款/);
    const visits = (await console6.textContent('.visits')) ?? '';
    assert.ok(/10:\d\d/.test(visits) && !/2[12]:\d\d/.test(visits), `visits at the branch's 10 o'clock, not New York's 22 o'clock: ${visits}`);
    await console6.fill('input[name=note]', '偏好上午办理');
    await console6.click('form.note button[type=submit]');
    await console6.waitForFunction(() => document.querySelectorAll('[data-testid=notes] li').length === 2);
    await console6.uncheck('[data-testid=consent-form] input[name=history]');
    assert.match((await console6.textContent('[data-testid=history-withdrawn]')) ?? '', /deletes the customer’s visits, preferences and notes/, 'the teller is warned before withdrawing');
    await console6.check('[data-testid=consent-form] input[name=history]');
    assert.equal(await console6.locator('[data-testid=history-withdrawn]').count(), 0);
    const violations = blocking(await axe(console6));
    assert.deepEqual(violations, [], 'the console with its customer panel passes axe');
    await complete();
  });

  it('follow-up consent only: consents shown, nothing personal, no note', async () => {
    const t = await take('C', CARD_B);
    await callNext(t);
    await console6.check('[data-testid=consent-form] input[name=followUp]');
    await console6.fill('[data-testid=consent-form] input[name=phone]', '139 0000 0002');
    await console6.click('[data-testid=consent-form] button[type=submit]');
    await console6.waitForSelector('[data-testid=customer-panel][data-state=file]');
    assert.match((await console6.textContent('[data-testid=customer-note]')) ?? '', /has not agreed to keep a file: nothing personal/);
    assert.equal(await console6.locator('[data-testid=customer-history]').count(), 0);
    assert.equal(await console6.isChecked('[data-testid=consent-form] input[name=followUp]'), true);
    const text = (await console6.textContent('[data-testid=customer-panel]')) ?? '';
    assert.equal(/4444|139 0000/.test(text), false, 'no card tail and no phone');
    await complete();
  });

  it('the follow-up list: upcoming after the loan, due a week later with the phone; the outcome ends it', async () => {
    const list = await page(1366, 900);
    const signIn = async () => {
      await signInOnPage(list, b, '/followups', 'T06');
      await list.waitForSelector('main.followups[data-ready="1"]');
    };
    await signIn();
    // The loan (CARD_A, D) and the wealth product (CARD_B, C) each left a task, due in seven days.
    assert.match((await list.textContent('[data-testid=summary]')) ?? '', /Overdue 0, due 0, upcoming 2/);
    assert.equal(await list.locator('article.task').count(), 0, 'nothing due yet');
    await list.selectOption('select[name=show]', 'all');
    assert.equal(await list.locator('article.task[data-timing=upcoming]').count(), 2);

    // The wealth customer asks at their next visit not to be contacted: the task goes.
    const again = await take('A', CARD_B);
    await callNext(again);
    await console6.click('[data-testid=toggle-dnc]');
    await console6.waitForSelector('[data-testid=do-not-contact]');
    assert.deepEqual((await events('followup.cancelled')).map((d) => d.reason), ['do_not_contact']);
    await complete();

    b.advance(7 * DAY + 3_600_000);
    sup = await b.login('S01');
    await signIn();
    assert.match((await list.textContent('[data-testid=summary]')) ?? '', /Overdue 0, due 1, upcoming 0/);
    const task = list.locator('article.task[data-timing=due]');
    assert.equal(await task.count(), 1);
    assert.match((await task.textContent()) ?? '', /王先生 · •••• 1111/);
    assert.match((await task.textContent()) ?? '', /上午 · mornings/, 'the customer’s best time to call');
    assert.match((await task.textContent()) ?? '', /个人贷款|Loan/i);
    assert.equal(await task.locator('[data-testid=phone]').textContent(), '138 0013 8000');
    const [open] = (await b.api('GET', '/api/followups', { token: sup })).body as { dueAt: string; createdAt: string }[];
    assert.ok((await task.textContent())?.includes(inBranch(open!.dueAt)), `due time on the branch's clock (${inBranch(open!.dueAt)})`);
    assert.deepEqual(blocking(await axe(list)), [], 'the follow-up list passes axe');

    await task.locator('select[name=outcome]').selectOption('reached');
    await task.locator('input[name=note]').fill('客户满意，无其他需求');
    await task.locator('[data-action=record]').click();
    await list.waitForSelector('[data-testid=done]');
    assert.match((await list.textContent('[data-testid=done]')) ?? '', /Follow-up done: .*Reached/);
    await list.waitForSelector('article.task', { state: 'detached' });
    const [attempt] = await events('followup.attempted');
    assert.deepEqual([attempt.outcome, attempt.by, attempt.done, attempt.result], ['reached', 'T06', true, 'reached']);
    assert.deepEqual((await b.api('GET', '/api/followups', { token: sup })).body, [], 'nothing left open');
    await list.close();
    assert.deepEqual(errors, [], 'no page errors');
  });
});
