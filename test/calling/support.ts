/**
 * Shared steps of the calling tests: wait for a condition (never for a fixed time), sign a teller
 * in on the console page, read the lobby page's announcement log.
 */
import type { Page } from 'playwright-core';
import type { TestBranch } from '../support/branch.js';

export async function waitUntil<T>(check: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const start = Date.now();
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Signs a demo teller in on /teller and opens their counter by clicking it. */
export async function signInTeller(page: Page, branch: TestBranch, staffId: string, counter: string): Promise<void> {
  const cred = branch.credentials.find((c) => c.staffId === staffId)!;
  await page.goto(`${branch.url}/teller`);
  await page.fill('input[name=staffId]', staffId);
  await page.fill('input[name=pin]', cred.pin);
  await page.click('button[type=submit]');
  await page.click(`[data-counter="${counter}"]`);
  await page.waitForSelector('[data-action=next]:not([disabled])');
}

export interface AnnouncementView {
  eventId: number;
  kind: string;
  number: string;
  counter: string;
  lang: string;
  text: string;
  state: string;
  via?: string;
  startedAt?: number;
  endedAt?: number;
}

export function announcements(page: Page): Promise<AnnouncementView[]> {
  return page.evaluate(() => (window as unknown as { __announcements?: AnnouncementView[] }).__announcements ?? []) as Promise<AnnouncementView[]>;
}

/** Issues tickets at the kiosk endpoint; returns their numbers. */
export async function issue(branch: TestBranch, serviceCode: string, n = 1): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await branch.api('POST', '/api/tickets', { body: { serviceCode } });
    if (r.status !== 201) throw new Error(`issue failed: ${r.status} ${JSON.stringify(r.body)}`);
    out.push(r.body.number);
  }
  return out;
}
