/**
 * The kiosk page in headless Chromium when the service refuses a ticket: the kiosk's own limit
 * reached, the branch's limit reached by other machines, the kiosk's key revoked. The customer
 * reads what to do in Chinese and English, nothing is printed or issued, and the page takes
 * tickets again as soon as the service allows (no reload, no staff at the kiosk).
 */
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startBranch, variantConfig } from '../api/support.js';
import { lanAddress, requestFrom } from '../security/support.js';
import type { TestBranch } from '../support/branch.js';
import { launchBrowser } from '../support/browser.js';
import { handOffKioskKey } from '../support/kiosk-shell-key.js';
import { until } from '../support/until.js';

const PER_KIOSK = 2;
const PER_BRANCH = 6;
const BUSY = { zh: '取号的人较多，请稍等片刻再取号', en: 'Many numbers are being taken right now; please wait a moment and try again' };
const UNAVAILABLE = { zh: '本机暂时不能取号，请联系大堂工作人员', en: 'This kiosk cannot give out numbers right now; please ask a member of staff' };

let b: TestBranch;
let browser: Browser;
let config: ReturnType<typeof variantConfig>;
let page: Page;
let key: string;
let supervisor: string;

async function enrol(): Promise<string> {
  const r = await b.api('POST', '/api/kiosk-devices', { token: supervisor, body: { id: 'K1', name: 'Lobby kiosk 1' } });
  assert.equal(r.status, 201);
  return r.body.key;
}

beforeAll(async () => {
  config = variantConfig((c) => {
    c.security = { ...c.security, kioskAddresses: ['10.255.255.1'], limits: { ...c.security?.limits, ticketsPerMinutePerBranch: PER_BRANCH } };
  });
  b = await startBranch({ configPath: config.path, ticketRateLimitPerMinute: PER_KIOSK });
  await until(() => b.app.kiosk.printer.sim?.fake !== undefined, 'simulated printer');
  browser = await launchBrowser();
  supervisor = await b.login('S01');
  key = await enrol();
  page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
  await handOffKioskKey(page, b.url, () => key);
  await page.goto(`${b.url}/kiosk`);
  await page.getByRole('button', { name: /现金业务/ }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await b?.close();
  config?.remove();
});

const printed = () => b.app.kiosk.printer.sim!.fake.tickets.length;

async function issuedToday(): Promise<number> {
  const services = (await b.api('GET', '/api/services')).body as { issuedToday: number }[];
  return services.reduce((n, s) => n + s.issuedToday, 0);
}

/** Taps Cash and returns the number shown; then back to the start screen. */
async function takeTicket(): Promise<string> {
  const before = printed();
  await page.getByRole('button', { name: /现金业务/ }).click();
  const number = page.getByTestId('ticket-number');
  await number.waitFor();
  const shown = (await number.textContent())!.trim();
  await until(() => printed() > before, `ticket ${shown} printed`);
  await page.getByRole('button', { name: '完成' }).click();
  await page.getByRole('button', { name: /现金业务/ }).waitFor();
  return shown;
}

/** Taps Cash, expects the refusal with `text` in both languages, nothing printed or issued; back to start. */
async function refused(text: { zh: string; en: string }): Promise<void> {
  const paper = printed();
  const issued = await issuedToday();
  await page.getByRole('button', { name: /现金业务/ }).click();
  const alert = page.getByTestId('issue-error');
  await alert.waitFor();
  assert.equal(await alert.getAttribute('role'), 'alert');
  assert.equal((await alert.locator('.error-text').textContent())?.trim(), text.zh);
  assert.equal((await alert.locator('.error-other').textContent())?.trim(), text.en);
  assert.equal(await alert.locator('.error-other').getAttribute('lang'), 'en');
  assert.equal(printed(), paper, 'nothing printed');
  assert.equal(await issuedToday(), issued, 'no ticket issued');
  assert.equal(await page.getByTestId('ticket-number').count(), 0, 'no number on screen');
  await page.getByRole('button', { name: '返回首页' }).click();
  await page.getByRole('button', { name: /现金业务/ }).waitFor();
}

test("the kiosk's own limit: refused with the busy message, then tickets again a minute later", async () => {
  for (let i = 0; i < PER_KIOSK; i++) await takeTicket();
  await refused(BUSY);
  // In English the English sentence comes first and the Chinese one beside it.
  await page.getByTestId('lang-toggle').click();
  await page.getByRole('button', { name: /Cash/ }).click();
  const alert = page.getByTestId('issue-error');
  await alert.waitFor();
  assert.equal((await alert.locator('.error-text').textContent())?.trim(), BUSY.en);
  assert.equal((await alert.locator('.error-other').textContent())?.trim(), BUSY.zh);
  // Back to start is a fresh start for the next customer, in Chinese.
  await page.getByRole('button', { name: 'Back to start' }).click();
  await page.getByText('欢迎光临，请选择您要办理的业务').waitFor();

  b.advance(60_000);
  assert.match(await takeTicket(), /^A\d{3}$/);
});

test("the branch's limit, reached by other machines: the kiosk is refused too, and recovers a minute later", async () => {
  b.advance(60_000);
  const others = await Promise.all(Array.from({ length: PER_BRANCH }, (_, i) => requestFrom(b, lanAddress(i), 'POST', '/api/tickets', { body: { serviceCode: 'B' } })));
  assert.deepEqual(
    others.map((r) => r.status),
    Array<number>(PER_BRANCH).fill(201),
  );
  await refused(BUSY);
  b.advance(60_000);
  await takeTicket();
});

test("a revoked key: the customer is sent to staff; once the kiosk is enrolled again it issues without a reload", async () => {
  b.advance(60_000);
  assert.equal((await b.api('POST', '/api/kiosk-devices/K1/revoke', { token: supervisor })).status, 200);
  await refused(UNAVAILABLE);
  // An unknown key reads the same.
  const revoked = key;
  key = `kk_${'Z'.repeat(43)}`;
  await refused(UNAVAILABLE);
  // IT enrols the kiosk again and the shell picks up the new key.
  key = await enrol();
  assert.notEqual(key, revoked);
  await takeTicket();
});
