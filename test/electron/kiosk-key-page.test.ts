/**
 * The kiosk page in headless Chromium against a real branch service that takes tickets only from
 * enrolled kiosks (requireKioskKey, and this machine's address is not one of the kiosk's own):
 * through the shell's key handoff the page's tickets are issued and printed; without it the
 * service refuses and the customer is told. No script in the page can find the key.
 */
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startBranch, variantConfig } from '../api/support.js';
import type { TestBranch } from '../support/branch.js';
import { launchBrowser } from '../support/browser.js';
import { handOffKioskKey } from '../support/kiosk-shell-key.js';
import { until } from '../support/until.js';

let b: TestBranch;
let browser: Browser;
let config: ReturnType<typeof variantConfig>;
let key: string;

beforeAll(async () => {
  config = variantConfig((c) => {
    // The page's requests come from 127.0.0.1, which here is just another machine on the LAN.
    c.security = { ...c.security, requireKioskKey: true, kioskAddresses: ['10.255.255.1'] };
  });
  b = await startBranch({ configPath: config.path });
  browser = await launchBrowser();
  const supervisor = await b.login('S01');
  const enrolled = await b.api('POST', '/api/kiosk-devices', { token: supervisor, body: { id: 'K1', name: 'Lobby kiosk 1' } });
  assert.equal(enrolled.status, 201);
  key = enrolled.body.key;
  await until(() => b.app.kiosk.printer.sim?.fake !== undefined, 'simulated printer');
});

afterAll(async () => {
  await browser?.close();
  await b?.close();
  config?.remove();
});

const printed = () => b.app.kiosk.printer.sim!.fake.tickets.length;

async function kioskPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
  return page;
}

test('through the shell: the ticket is issued and printed, and only the ticket request carried the key', async () => {
  const page = await kioskPage();
  const sent = await handOffKioskKey(page, b.url, () => key);
  await page.goto(`${b.url}/kiosk`);
  const before = printed();
  await page.getByRole('button', { name: /现金业务/ }).click();
  await page.getByTestId('ticket-number').waitFor();
  assert.match((await page.getByTestId('ticket-number').textContent())!.trim(), /^A\d{3}$/);
  await until(() => printed() > before, 'ticket printed');

  const keyed = sent.filter((r) => r.keyed);
  assert.deepEqual(keyed, [{ method: 'POST', path: '/api/tickets', keyed: true }]);
  assert.ok(sent.some((r) => r.path === '/api/kiosk/status' && !r.keyed), 'the start screen was fetched without the key');
  // Nothing the page's scripts can reach holds the key.
  const visible = await page.evaluate(() => {
    const storage = (s: Storage) => Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i)!)}`).join(';');
    const globals = Object.getOwnPropertyNames(window).filter((n) => /kiosk|shell|electron|ipc/i.test(n));
    return [storage(localStorage), storage(sessionStorage), document.cookie, location.href, document.documentElement.outerHTML, globals.join(',')].join('\n');
  });
  assert.ok(!visible.includes(key), 'the key is not visible to the page');
  assert.ok(!visible.includes('kk_'), 'no key at all in the page');
  await page.close();
});

test('without the shell the service refuses the page: the customer is told in Chinese and English, nothing is printed', async () => {
  const page = await kioskPage();
  await page.goto(`${b.url}/kiosk`);
  const before = printed();
  await page.getByRole('button', { name: /现金业务/ }).click();
  const alert = page.getByTestId('issue-error');
  await alert.waitFor();
  const text = (await alert.textContent()) ?? '';
  assert.match(text, /本机暂时不能取号，请联系大堂工作人员/);
  assert.match(text, /This kiosk cannot give out numbers right now; please ask a member of staff/);
  assert.equal(printed(), before);
  await page.close();
});

test('the lobby display in the same browser never carries the key', async () => {
  const page = await kioskPage();
  const sent = await handOffKioskKey(page, b.url, () => key);
  await page.goto(`${b.url}/display`);
  await until(() => sent.some((r) => r.path.startsWith('/api/')), 'the display asked the service');
  assert.equal(sent.filter((r) => r.keyed).length, 0);
  await page.close();
});
