/**
 * Fault 8 of the hardening review: no Origin or Host checks. Performed over real HTTP and a real
 * WebSocket handshake: a DNS-rebinding request (a foreign Host), cross-site state changes (a
 * card-read claim and a device-lab action from a page elsewhere, bodiless like a form post), a
 * cross-site stream and `Origin: null`; the service's own pages, and clients that send no Origin
 * (devices, scripts), keep working. A real page in Chromium is covered by the page tests.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import type { TestBranch } from '../support/branch.js';
import { startBranch, variantConfig } from '../api/support.js';
import { requestFrom, upgradeAnswer } from './support.js';

describe('Host and Origin', () => {
  let b: TestBranch;
  let config: ReturnType<typeof variantConfig>;
  let own: string;
  beforeAll(async () => {
    config = variantConfig((c) => {
      c.security.allowedHosts = ['queue.branch-0421.bank.internal'];
    });
    b = await startBranch({ configPath: config.path });
    own = b.url; // http://127.0.0.1:PORT
  });
  afterAll(async () => {
    await b.close();
    config.remove();
  });

  const port = () => new URL(b.url).port;

  test('DNS rebinding: a foreign Host is refused with 421 before anything runs; own names pass', async () => {
    for (const host of ['evil.example', `evil.example:${port()}`, 'branch.attacker.test', '[::2]']) {
      const r = await requestFrom(b, '127.0.0.1', 'GET', '/api/queue', { headers: { host } });
      assert.equal(r.status, 421, host);
      assert.equal(r.body.error.code, 'HOST_NOT_ALLOWED');
    }
    const r = await requestFrom(b, '127.0.0.1', 'POST', '/api/tickets', { headers: { host: 'evil.example' }, body: { serviceCode: 'A' } });
    assert.equal(r.status, 421, 'refused before the ticket is issued');
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, 'queue.branch-0421.bank.internal', `[::1]:${port()}`]) {
      assert.equal((await requestFrom(b, '127.0.0.1', 'GET', '/api/health', { headers: { host } })).status, 200, host);
    }
  });

  test('a state change from a page elsewhere is refused 403; the same from the own pages works', async () => {
    const crossSite = [
      { origin: 'http://evil.example' },
      { origin: `http://evil.example:${port()}` },
      { origin: 'http://127.0.0.1:1' }, // another program on the branch machine
      { origin: 'null' },
    ];
    for (const headers of crossSite) {
      for (const path of ['/api/kiosk/card-read', '/api/lab/printer/condition', '/api/auth/logout']) {
        const r = await requestFrom(b, '127.0.0.1', 'POST', path, { headers });
        assert.equal(r.status, 403, `${path} from ${headers.origin}`);
        assert.equal(r.body.error.code, 'ORIGIN_NOT_ALLOWED');
      }
    }
    const fetchMetadata = await requestFrom(b, '127.0.0.1', 'POST', '/api/kiosk/card-read', { headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(fetchMetadata.status, 403);
    // The kiosk's own page: its claim goes through (204: no card was read).
    assert.equal((await requestFrom(b, '127.0.0.1', 'POST', '/api/kiosk/card-read', { headers: { origin: own } })).status, 204);
    assert.equal((await requestFrom(b, '127.0.0.1', 'POST', '/api/kiosk/card-read', { headers: { origin: `http://localhost:${port()}`, 'sec-fetch-site': 'same-origin' } })).status, 204);
    // No Origin at all: a device or a script, not a browser page.
    assert.equal((await requestFrom(b, '127.0.0.1', 'POST', '/api/kiosk/card-read')).status, 204);
    // Reads are not changes: a foreign Origin on a GET is the browser's business (no CORS headers).
    const read = await requestFrom(b, '127.0.0.1', 'GET', '/api/health', { headers: { origin: 'http://evil.example' } });
    assert.equal(read.status, 200);
    assert.equal(read.headers['access-control-allow-origin'], undefined);
  });

  test('the stream: a cross-site upgrade is refused, the own origin and no origin are accepted', async () => {
    const evil = await upgradeAnswer(b, '127.0.0.1', '/api/stream', { Origin: 'http://evil.example' });
    assert.equal(evil.status, 403);
    assert.equal(evil.body.error.code, 'ORIGIN_NOT_ALLOWED');
    assert.equal((await upgradeAnswer(b, '127.0.0.1', '/api/stream', { Origin: 'null' })).status, 403);
    const rebinding = await upgradeAnswer(b, '127.0.0.1', '/api/stream', { Host: 'evil.example' });
    assert.equal(rebinding.status, 421);
    assert.equal((await upgradeAnswer(b, '127.0.0.1', '/api/stream', { Origin: own })).status, 101);
    assert.equal((await upgradeAnswer(b, '127.0.0.1', '/api/stream')).status, 101);
  });
});
