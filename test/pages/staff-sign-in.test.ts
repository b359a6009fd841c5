/**
 * What staff meet at sign-in, in headless Chromium on a real service: a wrong PIN is explained in
 * Chinese and English (and says that repeated mistakes lock the account), and a lobby manager who
 * follows the dashboard's link to the reports is told the reports need a supervisor, in both
 * languages, with a way to sign in as someone else, instead of an English server error.
 */
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { launchBrowser } from '../support/browser.js';

let b: TestBranch;
let browser: Browser;
const pinOf = (id: string) => b.credentials.find((c) => c.staffId === id)!.pin;

beforeAll(async () => {
  b = await startTestBranch();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await b?.close();
});

test('a wrong PIN at the teller console is explained in both languages', async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${b.url}/teller`);
  await page.fill('input[name=staffId]', 'T01');
  await page.fill('input[name=pin]', '00000000');
  await page.click('button[type=submit]');
  const error = page.getByTestId('sign-in-error');
  await error.waitFor();
  const text = (await error.textContent())!;
  assert.match(text, /工号或密码不正确/);
  assert.match(text, /Staff id or PIN is wrong/);
  await page.close();
});

test('a lobby manager who opens the reports is told why, in both languages, and can sign in as a supervisor there', async () => {
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  await page.goto(`${b.url}/dashboard`);
  await page.fill('input[name=staffId]', 'L01');
  await page.fill('input[name=pin]', pinOf('L01'));
  await page.click('button[type=submit]');
  await page.waitForSelector('input[name=staffId]', { state: 'detached' });
  // The same tab keeps the sign-in: the link leads to the reports as the lobby manager.
  await page.goto(`${b.url}/reports`);
  const forbidden = page.getByTestId('reports-forbidden');
  await forbidden.waitFor();
  const text = (await forbidden.textContent())!;
  assert.match(text, /报表需要主管或管理员账号/);
  assert.match(text, /Reports need a supervisor or admin account/);
  await page.getByTestId('sign-in-again').click();
  await page.fill('input[name=staffId]', 'S01');
  await page.fill('input[name=pin]', pinOf('S01'));
  await page.click('button[type=submit]');
  await page.getByTestId('reports-forbidden').waitFor({ state: 'detached' });
  await page.waitForSelector('input[name=staffId]', { state: 'detached' });
  assert.equal(await page.getByTestId('reports-forbidden').count(), 0);
  await page.close();
});
