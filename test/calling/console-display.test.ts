/**
 * End to end in headless Chromium: a teller console and the lobby display side by side on a real
 * branch service. A call made on the console shows on the display and is announced once in each
 * configured language (the real Web Audio clip path plays); a recall is announced again; two
 * quick calls are announced in order, the second only after the first has finished.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, Page, Request } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { announcements, issue, signInTeller, waitUntil } from './support.js';

describe('teller console and lobby display', () => {
  let branch: TestBranch;
  let browser: Browser;
  let teller: Page;
  let display: Page;
  const displayRequests: Request[] = [];

  beforeAll(async () => {
    branch = await startTestBranch();
    browser = await launchBrowser();
    teller = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    display = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    display.on('request', (r) => displayRequests.push(r));
    // rate=4: the same clips, played faster, so the file stays quick.
    await display.goto(`${branch.url}/display?voice=clips&rate=4&notice=${encodeURIComponent('测试公告 Test notice')}`);
    await display.waitForSelector('[data-testid=waiting]');
    await signInTeller(teller, branch, 'T03', '3');
  });

  afterAll(async () => {
    await browser?.close();
    await branch?.close();
  });

  it('calls next by click: the display shows the number and queues one announcement per language', async () => {
    const [number] = await issue(branch, 'B');
    await teller.click('[data-action=next]');
    await teller.waitForFunction((n) => document.querySelector('[data-testid=ticket-number]')?.textContent === n, number);
    assert.match((await teller.textContent('[data-testid=call-reason]')) ?? '', /按取号先后顺序/);

    await display.waitForFunction((n) => document.querySelector('[data-testid=current-number]')?.textContent === n, number);
    assert.equal(await display.textContent('[data-testid=current-counter]'), '3');
    const mine = await waitUntil(async () => {
      const list = (await announcements(display)).filter((a) => a.number === number);
      return list.length >= 2 ? list : undefined;
    }, 'announcements of the call');
    assert.deepEqual(mine.map((a) => a.lang).sort(), ['en', 'zh']);
    assert.ok(mine.every((a) => a.kind === 'call' && a.counter === '3'));
    assert.equal(mine.find((a) => a.lang === 'zh')!.text, `请 ${number} 号 到 3 号窗口 办理`);
    assert.equal(mine.find((a) => a.lang === 'en')!.text, `Number ${number}, please go to counter 3`);
    assert.match((await display.textContent('[data-testid=ticker]')) ?? '', /测试公告/);
  });

  it('recall by keyboard shortcut queues the call again in each language', async () => {
    const number = await teller.textContent('[data-testid=ticket-number]');
    assert.match((await teller.textContent('[data-action=recall]')) ?? '', /R/);
    await teller.keyboard.press('r');
    const recalls = await waitUntil(async () => {
      const list = (await announcements(display)).filter((a) => a.number === number && a.kind === 'recall');
      return list.length >= 2 ? list : undefined;
    }, 'recall announcements');
    assert.deepEqual(recalls.map((a) => a.lang).sort(), ['en', 'zh']);
    // Exactly one call and one recall per language, nothing extra.
    assert.equal((await announcements(display)).filter((a) => a.number === number).length, 4);
  });

  it('two quick calls are announced in order, neither cut off; Call next on a customer never started asks what happened', async () => {
    // The recalled ticket of the test before is being served: Call next completes it.
    await teller.keyboard.press('s');
    await teller.waitForSelector('[data-testid=ticket-number][data-status=serving]');
    const numbers = await issue(branch, 'B', 2);
    const before = (await announcements(display)).length;
    // Every change of the big "now calling" number, with the page's time.
    await display.evaluate(() => {
      const w = window as unknown as { nowLog: { n: string; at: number }[] };
      w.nowLog = [{ n: document.querySelector('[data-testid=current-number]')?.textContent ?? '', at: Date.now() }];
      new MutationObserver(() => {
        const n = document.querySelector('[data-testid=current-number]')?.textContent ?? '';
        if (n && w.nowLog.at(-1)?.n !== n) w.nowLog.push({ n, at: Date.now() });
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await teller.keyboard.press('n');
    await teller.waitForFunction((n) => document.querySelector('[data-testid=ticket-number]')?.textContent === n, numbers[0]);
    await teller.waitForSelector('[data-action=next]:not([disabled])');
    // Called, never started: Call next does not complete it; the teller says it was a no-show (X).
    await teller.keyboard.press('n');
    await teller.waitForSelector('[data-testid=not-started]');
    assert.match((await teller.textContent('[data-testid=not-started]')) ?? '', new RegExp(`${numbers[0]} 已叫号但还没有开始办理`));
    await teller.keyboard.press('x');
    await teller.waitForFunction((n) => document.querySelector('[data-testid=ticket-number]')?.textContent === n, numbers[1]);
    const found = (await branch.api('GET', `/api/tickets?number=${numbers[0]}`, { token: await branch.login('S01') })).body;
    assert.equal(found[0].status, 'no_show', 'never recorded as served');
    await display.waitForFunction((n) => document.querySelector('[data-testid=current-number]')?.textContent === n, numbers[1]);
    assert.ok(await display.$(`[data-testid=recent-calls] [data-number="${numbers[0]}"]`), 'the first call moved to the recent list');

    const played = await waitUntil(async () => {
      const list = (await announcements(display)).slice(before);
      return list.length === 4 && list.every((a) => a.state === 'played') ? list : undefined;
    }, 'both calls played', 30_000);
    assert.deepEqual(
      played.map((a) => `${a.number}/${a.lang}`),
      [`${numbers[0]}/zh`, `${numbers[0]}/en`, `${numbers[1]}/zh`, `${numbers[1]}/en`],
    );
    assert.ok(played.every((a) => a.via === 'clips'));
    for (let i = 1; i < played.length; i++) assert.ok(played[i]!.startedAt! >= played[i - 1]!.endedAt!, 'an announcement started before the previous one ended');
    // The first call held the screen until its announcement was spoken: the number on the
    // screen is the number being heard.
    const log = await display.evaluate(() => (window as unknown as { nowLog: { n: string; at: number }[] }).nowLog);
    const shown = log.slice(1);
    assert.deepEqual(
      shown.map((x) => x.n),
      [numbers[0], numbers[1]],
    );
    const firstSpoken = Math.max(...played.filter((a) => a.number === numbers[0]).map((a) => a.endedAt!));
    assert.ok(shown[1]!.at >= firstSpoken, `${numbers[1]} replaced ${numbers[0]} before its announcement ended`);
  });

  it('the display only reads, shows no personal data, and a priority customer is labelled on the console only', async () => {
    const lobby = await branch.login('L01');
    const vip = await branch.api('POST', '/api/tickets', { token: lobby, body: { serviceCode: 'B', segment: 'vip1' } });
    assert.equal(vip.status, 201);
    await teller.keyboard.press('s');
    await teller.waitForSelector('[data-testid=ticket-number][data-status=serving]');
    await teller.keyboard.press('n');
    await teller.waitForFunction((n) => document.querySelector('[data-testid=ticket-number]')?.textContent === n, vip.body.number);
    assert.match((await teller.textContent('[data-testid=segment]')) ?? '', /贵宾|VIP/);
    await display.waitForFunction((n) => document.querySelector('[data-testid=current-number]')?.textContent === n, vip.body.number);
    const text = (await display.textContent('body')) ?? '';
    for (const secret of ['贵宾', 'VIP', 'vip1', 'Demo teller', 'T03']) assert.ok(!text.includes(secret), `display shows "${secret}"`);
    assert.ok(displayRequests.length > 0);
    for (const r of displayRequests) {
      assert.equal(r.method(), 'GET', `${r.method()} ${r.url()}`);
      assert.equal(r.headers().authorization, undefined);
    }
    assert.equal(await display.$$eval('form, input', (els) => els.length), 0);
  });

  it('a transferred customer leaves the lobby screen: the old number is no longer "now calling"', async () => {
    const number = (await teller.textContent('[data-testid=ticket-number]'))!;
    await display.waitForFunction((n) => document.querySelector('[data-testid=current-number]')?.textContent === n, number);
    await teller.keyboard.press('s');
    await teller.waitForSelector('[data-testid=ticket-number][data-status=serving]');
    // T, then the service's place in the branch's list (E is the fifth), the same digits as the call pads use.
    await teller.keyboard.press('t');
    await teller.waitForSelector('[data-option=E]');
    assert.equal((await teller.textContent('[data-option=E] kbd'))?.trim(), '5');
    assert.equal(await teller.isDisabled('[data-option=B]'), true, "the ticket's own service cannot be chosen");
    await teller.keyboard.press('5');
    await teller.waitForSelector('[data-testid=transferred]');
    const fresh = (await teller.textContent('[data-testid=transferred-number]'))!;
    assert.match(fresh, /^E\d{3}$/);
    await display.waitForFunction((n) => document.querySelector('[data-testid=current-number]')?.textContent !== n, number);
    assert.equal(await display.$(`[data-testid=recent-calls] [data-number="${number}"]`), null);
  });
});
