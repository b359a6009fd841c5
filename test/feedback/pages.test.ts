/**
 * End to end in headless Chromium on a real branch service: a supervisor binds a counter tablet
 * on the evaluator page; a teller completes a service on the console, which shows that it waits
 * for the rating; the customer rates on the tablet; the console shows what came. The phone's
 * ticket page asks "how was it?" after the service, takes a low rating with reasons, apologises
 * and says where to send an opinion or a complaint. A fault marked on the console shows on the
 * lobby screen and on a waiting customer's phone with the new wait. The supervisor sees the
 * ratings on the performance page; a teller sees only their own figures there.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { signInTeller, waitUntil } from '../calling/support.js';

describe('rating pages', () => {
  let b: TestBranch;
  let browser: Browser;
  let console3: Page;
  let tablet: Page;
  let sup: string;
  const errors: string[] = [];

  const page = async (width: number, height: number) => {
    const p = await (await browser.newContext({ viewport: { width, height } })).newPage();
    p.on('pageerror', (e) => errors.push(e.message));
    return p;
  };
  const rated = async () =>
    ((await b.api('GET', '/api/events?after=0&limit=1000', { token: sup })).body as { type: string; data: any }[]).filter((e) => e.type === 'feedback.rated').map((e) => e.data.rating);

  beforeAll(async () => {
    b = await startTestBranch();
    browser = await launchBrowser();
    sup = await b.login('S01');
    console3 = await page(1366, 768);
    await signInTeller(console3, b, 'T03', '3');
    tablet = await page(1024, 768);
  });

  afterAll(async () => {
    await browser?.close();
    await b?.close();
  });

  it('a supervisor binds the tablet; a teller cannot', async () => {
    await tablet.goto(`${b.url}/evaluator`);
    const teller = b.credentials.find((c) => c.staffId === 'T03')!;
    await tablet.selectOption('select[name=counter]', '3');
    await tablet.fill('input[name=staffId]', 'T03');
    await tablet.fill('input[name=pin]', teller.pin);
    await tablet.click('button[type=submit]');
    await tablet.waitForSelector('.bind .error');
    assert.match((await tablet.textContent('.bind .error')) ?? '', /supervisor|admin/);

    const s = b.credentials.find((c) => c.staffId === 'S01')!;
    await tablet.fill('input[name=staffId]', 'S01');
    await tablet.fill('input[name=pin]', s.pin);
    await tablet.click('button[type=submit]');
    await tablet.waitForSelector('[data-testid=idle]');
    assert.equal(await tablet.getAttribute('main.evaluator', 'data-counter'), '3');
    assert.match((await tablet.textContent('[data-testid=opinions]')) ?? '', /大堂经理/);
    const tablets = (await b.api('GET', '/api/evaluator/tablets', { token: sup })).body as { counterId: string; boundBy: string }[];
    assert.deepEqual(tablets.map((t) => [t.counterId, t.boundBy]), [['3', 'S01']]);
    assert.equal(await tablet.evaluate(() => sessionStorage.length), 0, 'no staff session is left on the tablet');
  });

  it('a service completed on the console: the tablet asks, the customer rates, the console shows what came', async () => {
    const t = (await b.api('POST', '/api/tickets', { body: { serviceCode: 'B' } })).body;
    await console3.click('[data-action=next]');
    await console3.waitForFunction((n) => document.querySelector('[data-testid=ticket-number]')?.textContent === n, t.number);
    await console3.click('[data-action=complete]');
    await console3.waitForFunction((n) => document.querySelector('[data-testid=rating-status]')?.textContent?.includes(`${n} 等待客户评价`), t.number);

    await tablet.waitForSelector('[data-testid=ask]');
    assert.equal(await tablet.textContent('[data-testid=ask] .number'), t.number);
    assert.equal(await tablet.locator('.level').count(), 5);
    await tablet.click('.level[data-level="5"]');
    await tablet.waitForSelector('[data-testid=thanks]');
    assert.match((await tablet.textContent('[data-testid=thanks]')) ?? '', /感谢/);

    await console3.waitForFunction(() => document.querySelector('[data-testid=rating-status]')?.textContent?.includes('5/5'));
    assert.match((await console3.textContent('[data-testid=rating-status]')) ?? '', /tablet/);
    const r = (await rated()).at(-1)!;
    assert.deepEqual([r.ticketId, r.counterId, r.staffId, r.channel, r.score], [t.id, '3', 'T03', 'tablet', 5]);
  });

  it('the phone asks "how was it?" after the service; a low rating gives reasons, an apology and where to complain', async () => {
    const t = (await b.api('POST', '/api/tickets', { body: { serviceCode: 'B' } })).body;
    const phone = await page(390, 844);
    await phone.goto(`${b.url}/t/${t.id}`);
    await phone.waitForSelector('[data-testid=state]');
    assert.equal(await phone.locator('[data-testid=rate-visit]').count(), 0, 'no rating while waiting');
    await console3.click('[data-action=next]');
    await console3.waitForFunction((n) => document.querySelector('[data-testid=ticket-number]')?.textContent === n, t.number);
    await console3.click('[data-action=complete]');

    await phone.waitForSelector('[data-testid=rate-visit] .level');
    assert.match((await phone.textContent('[data-testid=rate-visit] h2')) ?? '', /满意|How was/);
    await phone.click('.level[data-level="2"]');
    await phone.waitForSelector('[data-testid=reasons]');
    await phone.click('[data-reason=long_wait]');
    await phone.click('[data-reason=unclear]');
    await phone.click('[data-testid=submit]');
    await phone.waitForSelector('[data-testid=thanks]');
    assert.match((await phone.textContent('[data-testid=thanks]')) ?? '', /抱歉.*跟进|sorry/s);
    assert.match((await phone.textContent('[data-testid=opinions]')) ?? '', /投诉.*complaints/s);
    const r = (await rated()).at(-1)!;
    assert.deepEqual([r.ticketId, r.channel, r.score, r.reasons, r.staffId], [t.id, 'mobile', 2, ['long_wait', 'unclear'], 'T03']);

    // Reloaded: already rated, and still told where to send opinions.
    await phone.reload();
    await phone.waitForSelector('[data-testid=thanks]');
    assert.equal(await phone.locator('.level').count(), 0);
    assert.equal(await phone.locator('[data-testid=opinions]').count(), 1);
    // The tablet asked too; once the phone rated, it stops asking.
    await tablet.waitForSelector('[data-testid=idle]');
    await phone.close();
  });

  it('a fault marked on the console shows on the lobby screen and a waiting customer’s phone, with the new wait', async () => {
    const serving = (await b.api('POST', '/api/tickets', { body: { serviceCode: 'B' } })).body;
    const waiting = (await b.api('POST', '/api/tickets', { body: { serviceCode: 'B' } })).body;
    await console3.click('[data-action=next]');
    await console3.waitForFunction((n) => document.querySelector('[data-testid=ticket-number]')?.textContent === n, serving.number);
    const display = await page(1920, 1080);
    await display.goto(`${b.url}/display?voice=off`);
    await display.waitForSelector('[data-testid=waiting]');
    const phone = await page(390, 844);
    await phone.goto(`${b.url}/t/${waiting.id}`);
    await phone.waitForSelector('[data-testid=state]');
    assert.equal(await phone.locator('[data-testid=fault-note]').count(), 0);

    await console3.click('[data-action=fault]');
    await console3.waitForSelector('[data-testid=interrupted]');
    assert.equal(await console3.textContent('[data-testid=ticket-number]'), serving.number, 'the customer stays at the counter');

    await display.waitForSelector('[data-testid=fault-banner] [data-counter="3"]');
    const banner = (await display.textContent('[data-testid=fault-banner]')) ?? '';
    assert.match(banner, /3号窗口.*系统故障/);
    const est = (await b.api('GET', `/api/tickets/${waiting.id}`)).body.estimate;
    const faults = (await b.api('GET', '/api/faults')).body.faults;
    const bWait = faults[0].services.find((s: { code: string }) => s.code === 'B').estimate;
    assert.ok(banner.includes(`转账汇款 现预计等候 ${bWait.minMinutes}–${bWait.maxMinutes} 分钟`), banner);

    await phone.waitForSelector('[data-testid=fault-note]');
    const note = (await phone.textContent('[data-testid=fault-note]')) ?? '';
    assert.match(note, /系统故障/);
    assert.ok(note.includes(`${est.minMinutes}–${est.maxMinutes} 分钟`), `${note} / ${JSON.stringify(est)}`);

    await console3.click('[data-action=resume]');
    await display.waitForFunction(() => !document.querySelector('[data-testid=fault-banner]'));
    await phone.waitForFunction(() => !document.querySelector('[data-testid=fault-note]'));
    await console3.click('[data-action=complete]');
    // The waiting customer leaves, so the next test's call is its own ticket.
    assert.equal((await b.api('POST', `/api/tickets/${waiting.id}/cancel`, { token: sup, body: { reason: 'left the branch' } })).status, 200);
    await display.close();
    await phone.close();
  });

  it('the supervisor sees the ratings on the performance page; a teller sees only their own', async () => {
    const p = await page(1366, 900);
    const s = b.credentials.find((c) => c.staffId === 'S01')!;
    await p.goto(`${b.url}/performance`);
    await p.fill('input[name=staffId]', 'S01');
    await p.fill('input[name=pin]', s.pin);
    await p.click('button[type=submit]');
    const row = p.locator('table.perf tr[data-staff=T03]');
    await row.waitFor();
    assert.equal(await row.locator('[data-col=ratings]').textContent(), '2');
    assert.equal(await row.locator('[data-col=score]').textContent(), '3.50');
    assert.equal(await row.locator('[data-col=served]').textContent(), '3');
    assert.ok((await p.locator('.mix-group').count()) >= 2, 'tellers grouped by service mix');
    assert.ok((await p.locator('svg.chart').count()) >= 3, 'charts');
    const download = p.waitForEvent('download');
    await p.click('text=导出 CSV');
    const file = await download;
    assert.match(file.suggestedFilename(), /^performance-day-\d{4}-\d{2}-\d{2}\.csv$/);
    await p.close();

    const t = await page(1366, 900);
    const cred = b.credentials.find((c) => c.staffId === 'T05')!;
    await t.goto(`${b.url}/performance`);
    await t.fill('input[name=staffId]', 'T05');
    await t.fill('input[name=pin]', cred.pin);
    await t.click('button[type=submit]');
    await t.waitForSelector('[data-testid=mine]');
    assert.match((await t.textContent('[data-testid=mine] h2')) ?? '', /T05/);
    assert.equal(await t.locator('table.perf').count(), 0, 'no table of other tellers');
    await t.close();
  });

  it('the device lab shows the evaluator pads and rates through the simulated pad', async () => {
    const t = (await b.api('POST', '/api/tickets', { body: { serviceCode: 'B' } })).body;
    await console3.click('[data-action=next]');
    await console3.waitForFunction((n) => document.querySelector('[data-testid=ticket-number]')?.textContent === n, t.number);
    await console3.click('[data-action=complete]');
    const lab = await page(1366, 900);
    await lab.goto(`${b.url}/lab`);
    const row = lab.locator('[data-evaluator="3"]');
    await waitUntil(async () => ((await row.textContent()) ?? '').includes(t.number), 'the request on the simulated pad');
    await lab.click('[data-evaluator="3"]');
    await lab.click('[data-panel=evaluators] [data-level="4"]');
    await lab.waitForSelector('[data-testid=last-result]');
    assert.match((await lab.textContent('[data-testid=last-result]')) ?? '', /recorded/);
    const r = (await rated()).at(-1)!;
    assert.deepEqual([r.ticketId, r.channel, r.score], [t.id, 'pad', 4]);
    await lab.close();
    assert.deepEqual(errors, [], 'no page errors');
  });
});
