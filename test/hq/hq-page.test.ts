/**
 * End to end in headless Chromium: head office's page shows two running branches with their
 * loads, and a device fault raised at one of them (the simulated printer's cover opened);
 * the public ticket page on head office shows a ticket's place.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { DEMO_CONFIG_PATH } from '../../config/load-config.js';
import type { HqApp } from '../../hq/app.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { launchBrowser } from '../support/browser.js';
import { BACKENDS, HqFixture } from '../support/hq.js';

const FAST = { heartbeatMs: 500, liveDebounceMs: 50, backoff: { baseMs: 50, capMs: 500 } };

// Child processes, a new embedded database, Chromium: slow on a loaded 2-core machine; the timeout only catches hangs.
vi.setConfig({ testTimeout: 400_000 });

describe.each(BACKENDS)("head office's page on %s", (backend) => {
  const fx = new HqFixture(backend);
  let hq: HqApp;
  let browser: Browser;
  let operator: string;
  const branches: TestBranch[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'hq-page-'));

  beforeAll(async () => {
    hq = await fx.start();
    operator = await hq.store.createOperatorToken('e2e');
    const second = parse(readFileSync(DEMO_CONFIG_PATH, 'utf8')) as any;
    second.branch.id = 'demo-002';
    second.branch.name = { zh: '城西支行', en: 'West Branch' };
    const secondPath = join(tmp, 'west.yaml');
    writeFileSync(secondPath, stringify(second));
    for (const [id, region, configPath] of [
      ['demo-001', 'East', undefined],
      ['demo-002', 'West', secondPath],
    ] as const) {
      const { code } = await hq.store.createEnrollmentCode(id, region, 1);
      branches.push(await startTestBranch({ configPath, hq: { url: hq.url, enrollCode: code, ...FAST } }));
    }
    browser = await launchBrowser();
  }, 300_000); // a new embedded database and a branch take long on a loaded machine
  afterAll(async () => {
    await browser?.close();
    for (const b of branches) await b.close();
    await hq?.close();
    await fx.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('shows both branches with their loads and the device fault at one of them', async () => {
    const [east, west] = branches as [TestBranch, TestBranch];
    for (let i = 0; i < 5; i++) await east.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
    for (let i = 0; i < 2; i++) await west.api('POST', '/api/tickets', { body: { serviceCode: 'B' } });
    expect((await west.api('POST', '/api/lab/printer/condition', { body: { coverOpen: true } })).status).toBe(200);

    const page = await browser.newPage();
    await page.goto(hq.url + '/');
    await page.getByTestId('token').fill(operator);
    await page.getByRole('button', { name: /Sign in/ }).click();
    const eastRow = page.locator('tr[data-branch="demo-001"]');
    const westRow = page.locator('tr[data-branch="demo-002"]');
    await eastRow.getByTestId('waiting').getByText('5', { exact: true }).waitFor({ timeout: 60_000 });
    await westRow.getByTestId('waiting').getByText('2', { exact: true }).waitFor({ timeout: 60_000 });
    await westRow.getByTestId('devices').getByText(/cover_open/).waitFor({ timeout: 60_000 });
    expect(await eastRow.getByTestId('devices').textContent()).not.toMatch(/cover_open/);
    expect(await westRow.textContent()).toMatch(/West/);
    expect(await eastRow.textContent()).toMatch(/online/);

    // Drill-down into the branch with the fault.
    await westRow.getByRole('button', { name: 'demo-002' }).click();
    await page.getByTestId('detail').getByText(/cover_open/).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(tmp, 'hq.png') });
    await page.close();
  });

  it("the public ticket page on head office shows a ticket's place", async () => {
    const t = (await branches[0]!.api('POST', '/api/tickets', { body: { serviceCode: 'A' } })).body;
    const page = await browser.newPage();
    await page.goto(`${hq.url}/t/${t.id}`);
    await page.getByTestId('number').getByText(t.number).waitFor({ timeout: 60_000 });
    await page.getByTestId('ahead').waitFor({ timeout: 30_000 });
    expect(Number(await page.getByTestId('ahead').textContent())).toBeGreaterThan(0);
    await page.close();
  });
});
