/**
 * Who may do what: a teller acts only at the counter they are signed into (403 elsewhere) and
 * the console offers only their own counters; the lobby display needs no sign-in, and nobody
 * without a staff token can change the queue.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { issue } from './support.js';

describe('calling permissions', () => {
  let branch: TestBranch;
  let browser: Browser;

  beforeAll(async () => {
    branch = await startTestBranch();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await branch?.close();
  });

  it('a teller cannot act at another counter', async () => {
    await issue(branch, 'E', 2);
    const t3 = await branch.login('T03', '3');
    for (const action of ['next', 'recall', 'pause']) {
      const r = await branch.api('POST', `/api/counters/4/${action}`, { token: t3, body: action === 'pause' ? { reason: 'break' } : undefined });
      assert.equal(r.status, 403, action);
      assert.equal(r.body.error.code, 'FORBIDDEN');
    }
    assert.equal((await branch.api('GET', '/api/counters/4/current', { token: t3 })).status, 403);
    assert.equal((await branch.api('POST', '/api/counters/4/open', { token: t3 })).status, 403);
    assert.equal((await branch.api('GET', '/api/counters/3/current', { token: t3 })).status, 200);
    assert.equal((await branch.api('GET', '/api/counters/99/current', { token: t3 })).status, 404);
    assert.equal((await branch.api('GET', '/api/counters/3/current')).status, 401);
  });

  it('the console offers a teller only the counters they are assigned to', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const cred = branch.credentials.find((c) => c.staffId === 'T05')!;
    await page.goto(`${branch.url}/teller`);
    await page.fill('input[name=staffId]', 'T05');
    await page.fill('input[name=pin]', cred.pin);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=counter-choices] button');
    const offered = await page.$$eval('[data-testid=counter-choices] button', (bs) => bs.map((b) => b.getAttribute('data-counter')));
    assert.deepEqual(offered, cred.counters);
    await page.close();
  });

  it('a wrong PIN is refused on the console', async () => {
    const page = await browser.newPage();
    await page.goto(`${branch.url}/teller`);
    await page.fill('input[name=staffId]', 'T01');
    await page.fill('input[name=pin]', '000000x');
    await page.click('button[type=submit]');
    await page.waitForSelector('.login .error');
    assert.match((await page.textContent('.login .error')) ?? '', /wrong/i);
    await page.close();
  });

  it('the lobby display needs no sign-in, and without a staff token nothing changes', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const methods: string[] = [];
    page.on('request', (r) => methods.push(r.method()));
    await page.goto(`${branch.url}/display?voice=off`);
    await page.waitForSelector('[data-testid=waiting] [data-service=A]');
    assert.ok(methods.length > 0 && methods.every((m) => m === 'GET'));
    assert.equal((await branch.api('GET', '/api/display/settings')).status, 200);
    for (const path of ['/api/counters/1/next', '/api/counters/1/open', '/api/counters/1/recall']) {
      assert.equal((await branch.api('POST', path)).status, 401, path);
    }
    await page.close();
  });

  it('bad input to the calling endpoints gets a clear 4xx', async () => {
    const bad = await branch.api('POST', '/api/lab/calling/pads/3/keys', { body: { key: 'explode' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    assert.equal((await branch.api('POST', '/api/lab/calling/pads/99/keys', { body: { key: 'next' } })).status, 404);
    assert.equal((await branch.api('POST', '/api/lab/calling/cables/nope/unplug')).status, 404);
    assert.equal((await branch.api('POST', '/api/lab/calling/cables/x/explode')).status, 400);
  });
});
