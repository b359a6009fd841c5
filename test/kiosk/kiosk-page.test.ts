/**
 * The kiosk page end to end in headless Chromium against a real service with the simulated
 * printer (the real driver and ESC/POS bytes, decoded by the fake printer).
 */
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { ticketText } from '../../drivers/printer/escpos-decoder.js';
import { TEST_CARDS } from '../../server/lab/card-lab.js';
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

async function openKiosk(query = '', viewport = { width: 1080, height: 1920 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${b.url}/kiosk${query}`);
  await page.getByRole('button', { name: /现金业务/ }).waitFor();
  assert.deepEqual(errors, []);
  return page;
}

const fake = () => b.app.kiosk.printer.sim!.fake;

test('tap a service: the printer gets that number, the screen shows the same number, people ahead and range', async () => {
  // A range is quoted only while a counter that serves the service is open.
  await b.login('T01', '1');
  const page = await openKiosk();
  const before = fake().tickets.length;
  await page.getByRole('button', { name: /现金业务/ }).click();
  const number = page.getByTestId('ticket-number');
  await number.waitFor();
  const shown = (await number.textContent())!.trim();
  await waitUntil(() => fake().tickets.length > before, 'ticket printed');
  const paper = ticketText(fake().tickets.at(-1)!);
  assert.ok(paper.split('\n').includes(shown), `printed ticket has ${shown}:\n${paper}`);
  const range = page.getByTestId('ticket-range');
  const min = await range.getAttribute('data-min');
  const max = await range.getAttribute('data-max');
  assert.match(paper, new RegExp(`预计等候 ${min}–${max} 分钟`));
  assert.match((await range.textContent())!, new RegExp(`${min}–${max}`));
  const ahead = await page.getByTestId('ticket-ahead').getAttribute('data-ahead');
  assert.match(paper, new RegExp(`前面还有 ${ahead} 人`));
  assert.match((await page.getByTestId('ticket-qr').getAttribute('src'))!, /^data:image\/svg\+xml/);
  await page.getByText('请取走下方打印的号票').waitFor();
  // The result is announced: it sits in a polite live region.
  assert.equal(await page.locator('[aria-live="polite"]').filter({ has: page.getByTestId('ticket-number') }).count(), 1);
  await page.close();
});

test('language toggle: English names first, then back to Chinese', async () => {
  const page = await openKiosk();
  await page.getByTestId('lang-toggle').click();
  await page.getByText('Welcome. Please choose what you came for').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal((await page.locator('[data-service="A"] .tile-name').textContent())?.trim(), 'Cash');
  await page.getByTestId('lang-toggle').click();
  await page.getByText('欢迎光临，请选择您要办理的业务').waitFor();
  await page.close();
});

test('large-text mode: larger type, high contrast, still touchable and fits the screen; landscape too', async () => {
  for (const viewport of [{ width: 1080, height: 1920 }, { width: 1920, height: 1080 }]) {
    const page = await openKiosk('', viewport);
    const size = () => page.locator('[data-service="A"] .tile-name').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const normal = await size();
    await page.getByTestId('large-toggle').click();
    assert.equal(await page.getByTestId('large-toggle').getAttribute('aria-pressed'), 'true');
    await waitUntil(async () => (await size()) > normal * 1.2, 'larger text');
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(0, 0, 0)');
    // Every button is a proper touch target, and the page does not scroll sideways.
    const small = await page.locator('button').evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().height < 60 || e.getBoundingClientRect().width < 60).length);
    assert.equal(small, 0);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await page.close();
  }
});

test('idle: the kiosk returns to the start screen and to Chinese by itself after 45 s untouched', async () => {
  // The page's clock is Playwright's, moved on by the test: no real waiting, and no race with a
  // loaded machine.
  const page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
  await page.clock.install();
  await page.goto(`${b.url}/kiosk`);
  await page.getByRole('button', { name: /转账汇款/ }).click();
  await page.getByTestId('ticket-number').waitFor();
  await page.clock.fastForward(30_000);
  assert.ok(await page.getByTestId('ticket-number').isVisible(), 'still showing the ticket after 30 s');
  await page.clock.fastForward(16_000);
  await page.getByRole('button', { name: /现金业务/ }).waitFor();
  await page.getByTestId('lang-toggle').click();
  await page.getByText('Welcome. Please choose what you came for').waitFor();
  await page.clock.fastForward(46_000);
  await page.getByText('欢迎光临，请选择您要办理的业务').waitFor();
  await page.close();
});

test('paper out: the ticket is shown on screen with its QR code and the failure is recorded', async () => {
  const page = await openKiosk();
  fake().setPaperEnd(true);
  try {
    await page.getByRole('button', { name: /咨询/ }).click();
    await page.getByTestId('print-failed').waitFor();
    const number = (await page.getByTestId('ticket-number').textContent())!.trim();
    assert.match(number, /^F\d{3}$/);
    assert.ok(await page.getByTestId('ticket-qr').isVisible());
    const lobby = await b.login('L01');
    const events = (await b.api('GET', '/api/events?after=0&limit=1000', { token: lobby })).body as any[];
    assert.ok(events.some((e) => e.type === 'ticket.print_failed' && e.data.number === number));
  } finally {
    fake().setPaperEnd(false);
    await page.close();
  }
});

test('priority help issues a priority ticket', async () => {
  const page = await openKiosk();
  await page.getByTestId('priority-toggle').click();
  await page.getByRole('status').filter({ hasText: '爱心通道' }).waitFor();
  await page.getByRole('button', { name: /个人理财/ }).click();
  await page.getByText('爱心优先').waitFor();
  await page.close();
});

test('keyboard-wedge swipe: typed track data marks the ticket VIP; the card number never appears in the page', async () => {
  const pan = TEST_CARDS.vip.pan;
  const page = await openKiosk();
  const seen: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes(pan)) seen.push(r.url());
  });
  // A wedge reader types a whole swipe in a few milliseconds. The keys are dispatched in one
  // burst inside the page, so a busy test machine cannot stretch the gaps between them into
  // what the detector rightly takes for human typing.
  const swipe = `%B${pan}^TEST/CARD^2812101000000000?;${pan}=28121010000000000000?`;
  await page.evaluate((keys) => {
    for (const key of [...keys, 'Enter']) window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  }, swipe);
  // The hint "贵宾客户可刷银行卡" is there before any swipe: wait for the masked tail itself.
  await page.getByTestId('card-status').filter({ hasText: pan.slice(-4) }).waitFor();
  const status = (await page.getByTestId('card-status').textContent())!;
  assert.match(status, /VIP|贵宾/);
  const html = await page.content();
  assert.ok(!html.includes(pan), 'the page shows the card number');
  assert.ok(!html.includes(pan.slice(0, 12)));
  await page.getByRole('button', { name: /个人贷款/ }).click();
  await page.getByTestId('ticket-number').waitFor();
  await page.getByText('贵宾客户').waitFor();
  assert.ok(!(await page.content()).includes(pan));
  assert.deepEqual(seen, []);
  await page.close();
});

test('a reader swipe elsewhere (lab) reaches the kiosk through the stream', async () => {
  const page = await openKiosk();
  // The page subscribes once loaded; a swipe before that is not for it, so swipe until it shows.
  const status = page.getByTestId('card-status').filter({ hasText: TEST_CARDS.vip.pan.slice(-4) });
  await waitUntil(async () => {
    await b.api('POST', '/api/lab/cards/swipe', { body: { card: 'vip' } });
    return status.waitFor({ timeout: 1000 }).then(() => true, () => false);
  }, 'card shown on the kiosk');
  await page.close();
});
