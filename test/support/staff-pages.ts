/**
 * Opening pages in headless Chromium for a test: a page in its own context (its own session
 * storage, so each is its own signed-in tab) that collects uncaught page errors; and signing in
 * on a staff page behind the shared sign-in form.
 */
import type { Browser, Page } from 'playwright-core';
import type { TestBranch } from './branch.js';

export async function openPage(browser: Browser, viewport: { width: number; height: number }, errors: string[], opts: { bypassCSP?: boolean; timezoneId?: string } = {}): Promise<Page> {
  const p = await (await browser.newContext({ viewport, ...opts })).newPage();
  p.on('pageerror', (e) => errors.push(e.message));
  return p;
}

export async function signInOnPage(p: Page, branch: TestBranch, path: string, staffId: string): Promise<void> {
  const c = branch.credentials.find((x) => x.staffId === staffId);
  if (!c) throw new Error(`no demo staff ${staffId}`);
  await p.goto(`${branch.url}${path}`);
  await p.fill('input[name=staffId]', staffId);
  await p.fill('input[name=pin]', c.pin);
  await p.click('button[type=submit]');
}
