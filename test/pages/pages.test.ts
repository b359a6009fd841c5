import { test } from 'vitest';
import assert from 'node:assert/strict';
import { startTestBranch } from '../support/branch.js';
import { launchBrowser } from '../support/browser.js';

test('pages are served with a strict CSP and render in Chromium', async () => {
  const b = await startTestBranch();
  const browser = await launchBrowser();
  try {
    const res = await fetch(`${b.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${b.url}/`);
    await page.getByRole('link', { name: /Kiosk/ }).waitFor();
    assert.deepEqual(errors, []);
    const missing = await fetch(`${b.url}/assets/nope.js`);
    assert.equal(missing.status, 404);
    const escape = await fetch(`${b.url}/static/..%2f..%2fpackage.json`);
    assert.equal(escape.status, 404);
  } finally {
    await browser.close();
    await b.close();
  }
});

test('every page bundles and is served with its script and styles', async () => {
  const { PAGES } = await import('../../server/http/pages.js');
  const b = await startTestBranch();
  try {
    for (const page of PAGES) {
      const html = await fetch(`${b.url}${page.routes[0]!.replace(':id', 'x')}`);
      assert.equal(html.status, 200, page.entry);
      assert.match(await html.text(), new RegExp(`/assets/${page.entry}\\.js`));
      const js = await fetch(`${b.url}/assets/${page.entry}.js`);
      assert.equal(js.status, 200, `${page.entry}.js`);
      assert.ok((await js.text()).length > 1000, `${page.entry}.js has the app`);
    }
  } finally {
    await b.close();
  }
});
