/**
 * The reports page (/reports) in headless Chromium: the period picker (day, week, month around a
 * date) asks the service for that period, the CSV export saves the same period as a file named
 * after the branch and period, and the Print button sits with the controls.
 */
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { pinOf, startBranch } from '../api/support.js';
import type { TestBranch } from '../support/branch.js';
import { launchBrowser } from '../support/browser.js';

let b: TestBranch;
let browser: Browser;
let page: Page;
let token: string;

beforeAll(async () => {
  b = await startBranch();
  browser = await launchBrowser();
  token = await b.login('S01');
  page = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true })).newPage();
  await page.goto(`${b.url}/reports`);
  await page.fill('input[name=staffId]', 'S01');
  await page.fill('input[name=pin]', pinOf(b, 'S01'));
  await page.click('button[type=submit]');
  await page.locator('table[data-group=service]').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await b?.close();
});

async function shows(query: string): Promise<{ branch: string; from: string }> {
  const report = (await b.api('GET', `/api/reports?${query}`, { token })).body as { branch: string; from: string; to: string };
  await page.getByText(`${report.branch} · ${report.from} – ${report.to}`).waitFor();
  return report;
}

test('the period picker asks for the day, the month, and a month around another date', async () => {
  await shows('period=day');
  await page.selectOption('select[name=period]', 'month');
  await shows('period=month');
  await page.fill('input[name=date]', '2025-02-10');
  const feb = await shows('period=month&date=2025-02-10');
  assert.match(feb.from, /^2025-02-01/);
  await page.selectOption('select[name=period]', 'week');
  await shows('period=week&date=2025-02-10');
});

test('Export CSV saves the chosen period, named after the branch and period; Print is beside it', async () => {
  await page.selectOption('select[name=period]', 'month');
  await page.fill('input[name=date]', '2025-02-10');
  const report = await shows('period=month&date=2025-02-10');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出 CSV · Export CSV' }).click();
  const file = await download;
  assert.equal(file.suggestedFilename(), `report-${report.branch}-month-${report.from}.csv`);
  const csv = await (await file.createReadStream()).toArray();
  const expected = await (await fetch(`${b.url}/api/reports?period=month&date=2025-02-10&format=csv`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer();
  assert.deepEqual(Buffer.concat(csv), Buffer.from(expected));
  assert.equal(await page.locator('form.controls').getByRole('button', { name: '打印 · Print' }).count(), 1);
});
