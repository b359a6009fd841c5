/**
 * The kiosk shell's key handoff for a page in headless Chromium. In the shell, Electron's
 * `session.webRequest.onBeforeSendHeaders` runs `withKioskKey` (electron/kiosk-key.ts) on every
 * request; without the Electron binary, Playwright's request interception stands in for that
 * hook and runs the very same function, with the page as the kiosk window.
 */
import type { Page } from 'playwright-core';
import { withKioskKey } from '../../electron/kiosk-key.js';

const KIOSK_WINDOW = 1;

export interface KeyedRequest {
  method: string;
  path: string;
  keyed: boolean;
}

/** Routes `page`'s requests to the service through the shell's decision; returns what went out. */
export async function handOffKioskKey(page: Page, serviceUrl: string, key: () => string): Promise<KeyedRequest[]> {
  const origin = new URL(serviceUrl).origin;
  const seen: KeyedRequest[] = [];
  await page.route(`${origin}/**`, async (route) => {
    const r = route.request();
    const headers = withKioskKey({ url: r.url(), method: r.method(), webContentsId: KIOSK_WINDOW, requestHeaders: r.headers() }, key(), {
      origin,
      kioskContentsId: KIOSK_WINDOW,
      kioskPageUrl: page.url(),
    });
    seen.push({ method: r.method(), path: new URL(r.url()).pathname, keyed: Object.keys(headers).some((h) => h.toLowerCase() === 'x-kiosk-key') });
    await route.continue({ headers });
  });
  return seen;
}
