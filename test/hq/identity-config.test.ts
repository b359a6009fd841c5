/**
 * Enrollment, credentials, operator tokens and configuration versions at head office, against
 * PostgreSQL 15 and PGlite: a code works once, identity comes from the credential only, a
 * revoked credential is refused, operator endpoints refuse branch credentials, and snapshots
 * are versioned per branch with a push hint over the WebSocket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { HqApp } from '../../hq/app.js';
import { DEMO_CONFIG_PATH } from '../../config/load-config.js';
import { BACKENDS, HqFixture, hqApi } from '../support/hq.js';
import { queueEvents } from '../support/hq-events.js';

const demoConfig = () => parse(readFileSync(DEMO_CONFIG_PATH, 'utf8')) as any;

describe.each(BACKENDS)('HQ identity and configuration on %s', (backend) => {
  const fx = new HqFixture(backend);
  let hq: HqApp;
  let operator: string;
  const api = (method: string, path: string, opts: { token?: string; body?: unknown } = {}) => hqApi(hq.url, method, path, opts);
  const code = async (branch: string, ttlHours = 1) => (await api('POST', '/api/enrollments', { token: operator, body: { branch, region: 'North', ttlHours } })).body.code as string;
  const enroll = (c: string, branch: string, installId = `inst-${branch}-1`) => api('POST', '/api/enroll', { body: { code: c, installId, branch } });

  beforeAll(async () => {
    hq = await fx.start();
    operator = await hq.store.createOperatorToken('test');
  }, 300_000); // a new embedded database and a branch take long on a loaded machine
  afterAll(async () => {
    await hq?.close();
    await fx.close();
  });

  it('an enrollment code works once; the same installation may retry after a lost answer', async () => {
    const c = await code('e-once');
    expect(c).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const first = await enroll(c, 'e-once');
    expect(first.status).toBe(200);
    expect(first.body.branch).toBe('e-once');
    // Someone else with the same code: refused.
    const other = await enroll(c, 'e-once', 'inst-someone-else');
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('ENROLL_CODE_USED');
    // The same installation again (its answer was lost): a new credential, the first one retired.
    const retry = await enroll(c.toLowerCase(), 'e-once');
    expect(retry.status).toBe(200);
    expect(retry.body.credential).not.toBe(first.body.credential);
    expect((await api('GET', '/api/sync/state', { token: first.body.credential })).body.error.code).toBe('CREDENTIAL_REVOKED');
    expect((await api('GET', '/api/sync/state', { token: retry.body.credential })).status).toBe(200);
  });

  it('refuses unknown, expired and mismatched codes', async () => {
    expect((await enroll('AAAA-BBBB-CCCC', 'e-x')).body.error.code).toBe('ENROLL_CODE_UNKNOWN');
    const mismatch = await enroll(await code('e-real'), 'e-impostor');
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.error.code).toBe('ENROLL_BRANCH_MISMATCH');
    const expired = await code('e-late', 0.01);
    await hq.store.db.query("UPDATE enrollment_codes SET expires_at = now() - interval '1 second' WHERE branch = 'e-late'");
    expect((await enroll(expired, 'e-late')).body.error.code).toBe('ENROLL_CODE_EXPIRED');
  });

  it("a branch credential cannot write another branch's stream", async () => {
    const a = (await enroll(await code('s-a'), 's-a')).body.credential;
    await enroll(await code('s-b'), 's-b');
    const r = await api('POST', '/api/sync/events', { token: a, body: { stream: 'queue', events: queueEvents('s-b', 1, 3) } });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('BRANCH_MISMATCH');
    expect(await hq.store.eventCount('s-b')).toBe(0);
    expect(await hq.store.eventCount('s-a')).toBe(0);
    // Nothing in a path or body chooses the branch: the state answer is the credential's own.
    expect((await api('GET', '/api/sync/state?branch=s-b', { token: a })).status).toBe(400);
    expect((await api('GET', '/api/sync/state', { token: a })).body.branch).toBe('s-a');
  });

  it('a revoked credential is refused, everywhere', async () => {
    const cred = (await enroll(await code('r-1'), 'r-1')).body.credential;
    expect((await api('POST', '/api/sync/events', { token: cred, body: { stream: 'queue', events: queueEvents('r-1', 1, 2) } })).status).toBe(200);
    const rev = await api('POST', '/api/branches/r-1/revoke', { token: operator });
    expect(rev.body).toEqual({ branch: 'r-1', revoked: 1 });
    for (const [m, p, body] of [
      ['POST', '/api/sync/events', { stream: 'queue', events: queueEvents('r-1', 3, 2) }],
      ['GET', '/api/sync/state', undefined],
      ['GET', '/api/sync/config', undefined],
    ] as const) {
      const r = await api(m, p, { token: cred, body });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('CREDENTIAL_REVOKED');
    }
    const ws = new WebSocket(hq.url.replace('http', 'ws') + '/api/sync/hints', { headers: { authorization: `Bearer ${cred}` } });
    const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(401);
    expect(await hq.store.eventCount('r-1')).toBe(2);
  });

  it('operator endpoints refuse branch credentials and missing or made-up tokens', async () => {
    const cred = (await enroll(await code('o-1'), 'o-1')).body.credential;
    for (const p of ['/api/branches', '/api/branches/o-1', '/api/branches/o-1/summary', '/api/alarms', '/api/reports']) {
      const r = await api('GET', p, { token: cred });
      expect(r.status, p).toBe(403);
      expect(r.body.error.code).toBe('OPERATOR_ONLY');
      expect((await api('GET', p)).status).toBe(401);
      expect((await api('GET', p, { token: 'hqo_madeup' })).status).toBe(401);
    }
    expect((await api('POST', '/api/enrollments', { token: cred, body: { branch: 'o-2' } })).status).toBe(403);
    expect((await api('POST', '/api/branches/o-1/config', { token: cred, body: {} })).status).toBe(403);
    // The control endpoints want the server's own secret.
    expect((await api('POST', '/api/control/operator-token', { token: operator, body: {} })).status).toBe(401);
  });

  it('keeps configuration snapshots versioned per branch, hints a connected branch, and records its report', async () => {
    const cred = (await enroll(await code('c-1'), 'c-1')).body.credential;
    const config = { ...demoConfig(), branch: { ...demoConfig().branch, id: 'c-1' } };
    const ws = new WebSocket(hq.url.replace('http', 'ws') + '/api/sync/hints', { headers: { authorization: `Bearer ${cred}` } });
    await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
    const hint = new Promise<any>((resolve) => ws.once('message', (m) => resolve(JSON.parse(String(m)))));
    expect((await api('GET', '/api/sync/config', { token: cred })).status).toBe(204);

    const v1 = await api('POST', '/api/branches/c-1/config', { token: operator, body: { config } });
    expect(v1.status).toBe(201);
    expect(v1.body.version).toBe(1);
    expect(await hint).toEqual({ type: 'config', version: 1 });
    ws.close();
    const kept = new Set(config.services.slice(0, 3).map((s: any) => s.code));
    const counters = config.counters
      .filter((c: any) => c.primary.every((s: string) => kept.has(s)))
      .map((c: any) => ({ ...c, secondary: (c.secondary ?? []).filter((s: string) => kept.has(s)) }));
    const v2 = await api('POST', '/api/branches/c-1/config', { token: operator, body: { config: { ...config, services: config.services.slice(0, 3), counters } } });
    expect(v2.body.error).toBeUndefined();
    expect(v2.body.version).toBe(2);

    const pulled = await api('GET', '/api/sync/config?after=1', { token: cred });
    expect(pulled.body.version).toBe(2);
    expect(pulled.body.snapshot.config.services).toHaveLength(3);
    expect((await api('GET', '/api/sync/config?after=2', { token: cred })).status).toBe(204);

    // Head office checks with the branch's own schema: a broken snapshot never gets a version.
    const broken = await api('POST', '/api/branches/c-1/config', { token: operator, body: { config: { ...config, services: [{ ...config.services[0], prefix: 'lower' }] } } });
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/services\[0\]\.prefix/);
    const wrongBranch = await api('POST', '/api/branches/c-1/config', { token: operator, body: { config: demoConfig() } });
    expect(wrongBranch.status).toBe(400);

    expect((await api('POST', '/api/sync/config/report', { token: cred, body: { version: 2, status: 'refused', problems: ['devices.printer: bad'] } })).status).toBe(200);
    expect((await api('POST', '/api/sync/config/report', { token: cred, body: { version: 1, status: 'applied' } })).status).toBe(200);
    expect((await api('POST', '/api/sync/config/report', { token: cred, body: { version: 9, status: 'applied' } })).status).toBe(404);
    const history = await api('GET', '/api/branches/c-1/config', { token: operator });
    expect(history.body.map((h: any) => [h.version, h.status])).toEqual([
      [2, 'refused'],
      [1, 'applied'],
    ]);
    expect(history.body[0].problems).toEqual(['devices.printer: bad']);
    const state = await api('GET', '/api/sync/state', { token: cred });
    expect(state.body.config).toEqual({ latestVersion: 2, appliedVersion: 1 });
  });
});
