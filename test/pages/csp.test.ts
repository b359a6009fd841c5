/**
 * Every page runs under the service's strict Content-Security-Policy (no inline script or style,
 * connections only to the service itself) without a single violation, its live stream included:
 * the same policy the kiosk shell relies on.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { PAGES } from '../../server/http/pages.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { launchBrowser } from '../support/browser.js';

let b: TestBranch;
let browser: Browser;
beforeAll(async () => {
  b = await startTestBranch();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
  await b.close();
});

test('no page breaks its CSP, and the CSP is strict', async () => {
  const t = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
  for (const page of PAGES) {
    const path = page.routes[0]!.replace(':id', t.body.id);
    const res = await fetch(`${b.url}${path}`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp, path).toMatch(/script-src 'self'(;|$)/);
    expect(csp, path).not.toMatch(/unsafe-inline|unsafe-eval|ws:|wss:|\*/);
    const p = await browser.newPage();
    const violations: string[] = [];
    p.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await p.exposeFunction('__cspViolation', (v: string) => violations.push(v));
    await p.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __cspViolation(v: string): void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await p.goto(`${b.url}${path}`);
    // The page has rendered: its script, styles and first requests have run under the policy.
    await p.waitForFunction(() => (document.getElementById('app')?.childElementCount ?? 0) > 0);
    expect(violations, path).toEqual([]);
    await p.close();
  }
});

test('the lobby display’s live stream connects under the CSP', async () => {
  const p = await browser.newPage();
  await p.goto(`${b.url}/display?voice=off`);
  await p.locator('[data-testid="conn"].conn-online').waitFor({ state: 'attached' });
  await p.close();
});
